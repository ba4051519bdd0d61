"""Adding or editing one organisation of the directory: kind, services offered, contacts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_services import ORGANISATION_KINDS, SERVICES
from shelterdesk.domain.referrals import Organisation
from shelterdesk.i18n import _
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.screen_fit import comfortable_width


class OrganisationDialog(QDialog):
    """Emits ``saved`` with the organisation once the store has accepted it."""

    saved = Signal(object)  # Organisation

    def __init__(self, session: Session, organisation: Organisation | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.organisation = organisation
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for code in ORGANISATION_KINDS.codes:
            self.kind_combo.addItem("", code)
        self.service_boxes: dict[str, QCheckBox] = {code: QCheckBox() for code in SERVICES.codes}
        self.contact_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, widget in (("name", self.name_edit), ("kind", self.kind_combo),
                            ("contact", self.contact_edit), ("phone", self.phone_edit),
                            ("email", self.email_edit), ("address", self.address_edit)):
            label = QLabel()
            label.setBuddy(widget)
            self.labels[key] = label
            form.addRow(label, widget)
        self.services_group = QGroupBox()
        grid = QGridLayout(self.services_group)
        for index, box in enumerate(self.service_boxes.values()):
            grid.addWidget(box, index // 2, index % 2)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.services_group)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        comfortable_width(self, 520)
        if organisation is not None:
            self._fill(organisation)
        self.retranslate_ui()

    def _fill(self, org: Organisation) -> None:
        self.name_edit.setText(org.name)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(org.kind)))
        for code, box in self.service_boxes.items():
            box.setChecked(code in org.services)
        self.contact_edit.setText(org.contact_person)
        self.phone_edit.setText(org.phone)
        self.email_edit.setText(org.email)
        self.address_edit.setText(org.address)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Edit organisation") if self.organisation else
                            _("Add an organisation"))
        texts = {"name": _("Name"), "kind": _("Kind"), "contact": _("Contact person"),
                 "phone": _("Phone"), "email": _("E-mail"), "address": _("Address")}
        for key, text in texts.items():
            self.labels[key].setText(text)
            buddy = self.labels[key].buddy()
            if buddy is not None:
                buddy.setAccessibleName(text)
        for index, code in enumerate(ORGANISATION_KINDS.codes):
            self.kind_combo.setItemText(index, ORGANISATION_KINDS.label(code))
        self.services_group.setTitle(_("Services offered"))
        for code, box in self.service_boxes.items():
            box.setText(SERVICES.label(code))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def record(self) -> Organisation:
        return Organisation(
            name=self.name_edit.text(), kind=self.kind_combo.currentData(),
            services=[code for code, box in self.service_boxes.items() if box.isChecked()],
            contact_person=self.contact_edit.text(), phone=self.phone_edit.text(),
            email=self.email_edit.text(), address=self.address_edit.text(),
            id=self.organisation.id if self.organisation else "")

    def save(self) -> None:
        session, org = self.session, self.record()
        editing = self.organisation is not None

        def write() -> Organisation:
            if editing:
                organisations.update_organisation(session, org)
                return org
            return organisations.add_organisation(session, org)

        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(write, self._on_saved, self._on_failed, busy=self.busy, owner=self)

    def _on_saved(self, org: Organisation) -> None:
        self.saved.emit(org)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        # The form keeps everything typed; the message names the field.
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))
