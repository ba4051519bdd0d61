"""Moving a referral on (sent, accepted or declined, completed): only the allowed next steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_services import REFERRAL_STATUS, SERVICES
from shelterdesk.domain.referrals import next_statuses, status_change_problems
from shelterdesk.i18n import _, format_date, format_list
from shelterdesk.store.records import referrals
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.dates import date_edit, from_qdate
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.screen_fit import comfortable_width
from shelterdesk.ui.referrals.referral_model import ReferralItem
from shelterdesk.ui.shelter.stay_dialogs import problems_text


class ReferralStatusDialog(QDialog):
    """``changed`` carries the referral as saved."""

    changed = Signal(object)

    def __init__(self, session: Session, item: ReferralItem,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.item = item
        self.saving = False
        referral = item.row.referral
        self.last_change = (date.fromisoformat(item.row.status_changed_on)
                            if item.row.status_changed_on else None)
        self.labels = {key: QLabel() for key in
                       ("case", "organisation", "services", "current", "referred", "new",
                        "date", "outcome")}
        self.case_label = QLabel(item.case_label)
        self.organisation_label = QLabel(item.row.org_name)
        self.organisation_label.setWordWrap(True)
        self.services_label = QLabel()
        self.services_label.setWordWrap(True)
        self.current_label = QLabel()
        self.referred_label = QLabel()
        self.status_group = QButtonGroup(self)
        self.status_buttons: dict[str, QRadioButton] = {}
        choices = QVBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        for code in next_statuses(referral.status):
            button = QRadioButton()
            self.status_buttons[code] = button
            self.status_group.addButton(button)
            choices.addWidget(button)
        if len(self.status_buttons) == 1:
            next(iter(self.status_buttons.values())).setChecked(True)
        self.date_edit = date_edit()
        self.outcome_edit = QPlainTextEdit(referral.outcome)
        self.outcome_edit.setTabChangesFocus(True)
        self.outcome_edit.setFixedHeight(90)
        self.status_message_label = QLabel()
        self.date_message_label = QLabel()
        self.message_label = QLabel()
        for label in (self.status_message_label, self.date_message_label, self.message_label):
            label.setObjectName("errorMessage")
            label.setWordWrap(True)
        self.busy = BusyIndicator()
        form = QFormLayout()
        for key, widget in (("case", self.case_label), ("organisation", self.organisation_label),
                            ("services", self.services_label), ("current", self.current_label),
                            ("referred", self.referred_label)):
            form.addRow(self.labels[key], widget)
        form.addRow(self.labels["new"], choices)
        form.addRow("", self.status_message_label)
        form.addRow(self.labels["date"], self.date_edit)
        form.addRow("", self.date_message_label)
        form.addRow(self.labels["outcome"], self.outcome_edit)
        self.labels["date"].setBuddy(self.date_edit)
        self.labels["outcome"].setBuddy(self.outcome_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.status_group.buttonToggled.connect(lambda *_a: self.validate())
        self.date_edit.dateChanged.connect(lambda _d: self.validate())
        self.outcome_edit.textChanged.connect(self.validate)
        comfortable_width(self, 520)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        referral = self.item.row.referral
        self.setWindowTitle(_("Change the referral's status"))
        texts = {"case": _("Case"), "organisation": _("Receiving organisation"),
                 "services": _("Services"), "current": _("Status now"),
                 "referred": _("Referred on"), "new": _("New status"),
                 "date": _("Date of the change"), "outcome": _("Outcome")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.services_label.setText(format_list([SERVICES.label(c) for c in referral.services]))
        self.current_label.setText(REFERRAL_STATUS.label(referral.status))
        self.referred_label.setText(format_date(referral.referred_on))
        for code, button in self.status_buttons.items():
            button.setText(REFERRAL_STATUS.label(code))
        self.date_edit.setAccessibleName(texts["date"])
        self.outcome_edit.setAccessibleName(texts["outcome"])
        self.outcome_edit.setPlaceholderText(_("What came of it, or why it was declined "
                                               "(optional)"))
        self.save_button.setText(_("Save the change"))
        self.validate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def new_status(self) -> str:
        return next((code for code, b in self.status_buttons.items() if b.isChecked()), "")

    def validate(self) -> bool:
        """The domain's messages beside the fields; Save once a status is chosen and all is well."""
        new, on = self.new_status(), from_qdate(self.date_edit.date())
        referral = replace(self.item.row.referral, outcome=self.outcome_edit.toPlainText())
        problems = status_change_problems(referral, new, on, self.last_change) if new else []
        self.status_message_label.setText(problems_text(problems, "status"))
        self.date_message_label.setText(problems_text(problems, "status_changed_on", "outcome"))
        for label in (self.status_message_label, self.date_message_label):
            label.setVisible(bool(label.text()))
        ready = bool(new) and not problems and not self.saving
        self.save_button.setEnabled(ready)
        return ready

    def save(self) -> None:
        if not self.validate():
            return
        session, referral_id = self.session, self.item.referral_id
        new, on = self.new_status(), from_qdate(self.date_edit.date())
        outcome = self.outcome_edit.toPlainText()
        self.saving = True
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(lambda: referrals.set_status(session, referral_id, new,
                                                       outcome=outcome, on=on),
                          self._on_saved, self._on_failed, busy=self.busy, owner=self)

    def _on_saved(self, referral: object) -> None:
        self.saving = False
        self.changed.emit(referral)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.saving = False
        self.message_label.setText(describe_error(error))
        self.validate()
