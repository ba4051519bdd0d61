"""Administration → Organisations: the coalition's directory and the services each offers."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_services import ORGANISATION_KINDS, SERVICES
from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _, format_list
from shelterdesk.store.exchange import identity
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Session
from shelterdesk.ui.administration.org_keys_dialogs import (
    AddSecureContactDialog,
    OurCodeDialog,
    SafetyNumberDialog,
)
from shelterdesk.ui.administration.organisation_dialog import OrganisationDialog
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table, row_action
from shelterdesk.ui.common.list_table_model import ListTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


class OrganisationTableModel(ListTableModel[Organisation]):
    """One row per organisation; kinds and services shown in the current language."""

    class Columns(IntEnum):
        NAME = 0
        KIND = 1
        SERVICES = 2
        CONTACT = 3
        SECURE = 4

    HEADERS = {
        Columns.NAME: N_("Name"),
        Columns.KIND: N_("Kind"),
        Columns.SERVICES: N_("Services offered"),
        Columns.CONTACT: N_("Contact person"),
        Columns.SECURE: N_("Secure referrals"),
    }
    KEY_STATES = {"": N_("Paper only"), "added": N_("Keys not confirmed"),
                  "confirmed": N_("Keys confirmed")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_states: dict[str, str] = {}  # directory id → "", "added" or "confirmed"

    def organisation_at(self, row: int) -> Organisation | None:
        return self.row_at(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        org = self._rows[index.row()]
        column = self.Columns(index.column())
        if column == self.Columns.NAME:
            return org.name
        if column == self.Columns.KIND:
            return ORGANISATION_KINDS.label(org.kind)
        if column == self.Columns.SERVICES:
            return format_list([SERVICES.label(code) for code in org.services])
        if column == self.Columns.SECURE:
            return _(self.KEY_STATES[self.key_states.get(org.id, "")])
        return org.contact_person



class OrganisationsPage(QWidget):
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.model = OrganisationTableModel(self)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(OrganisationTableModel.Columns.NAME,
                                    QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OrganisationTableModel.Columns.SERVICES,
                                    QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton()
        self.edit_button = QPushButton()
        self.code_button = QPushButton()
        self.add_key_button = QPushButton()
        self.compare_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        buttons = FlowLayout(spacing=8)  # wraps on a small screen instead of widening it
        for button in (self.add_button, self.edit_button, self.code_button,
                       self.add_key_button, self.compare_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        self.add_button.clicked.connect(self.open_add_dialog)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.code_button.clicked.connect(lambda: self.open_our_code())
        self.add_key_button.clicked.connect(lambda: self.open_add_key())
        self.compare_button.clicked.connect(lambda: self.open_compare())
        self.table.doubleClicked.connect(lambda _index: self.open_edit_dialog())
        self.edit_action = row_action(self, None, self.open_edit_dialog)
        keyboard_table(self.table, open_row=self.open_edit_dialog, actions=[self.edit_action])
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate_ui()
        self._update_buttons()
        self.reload()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "The organisations you refer clients to and receive referrals from, with the "
            "services each offers."))
        self.add_button.setText(_("Add an organisation…"))
        self.edit_button.setText(_("Edit…"))
        self.edit_action.setText(_("Edit…"))
        self.code_button.setText(_("Our organisation code…"))
        self.add_key_button.setText(_("Add secure contact…"))
        self.compare_button.setText(_("Compare safety number…"))
        self.table.setAccessibleName(_("Organisations"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        self.model.clear()

    def reload(self) -> None:
        session = self.session
        def load() -> tuple[list[Organisation], dict[str, str]]:
            return organisations.list_organisations(session), identity.key_states(session)

        run_in_background(load, self._on_loaded, self._on_failed, busy=self.busy, owner=self)

    def selected(self) -> Organisation | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.organisation_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)
        self.edit_action.setEnabled(self.selected() is not None)
        coordinator = self.session.user.has_role(Role.COORDINATOR)
        for button in (self.code_button, self.add_key_button, self.compare_button):
            button.setVisible(coordinator)
        org = self.selected()
        self.add_key_button.setEnabled(org is not None)
        self.compare_button.setEnabled(
            org is not None and bool(self.model.key_states.get(org.id)))

    def _on_loaded(self, loaded: tuple[list[Organisation], dict[str, str]]) -> None:
        rows, self.model.key_states = loaded
        self.model.set_rows(rows)
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def open_add_dialog(self) -> OrganisationDialog:
        dialog = OrganisationDialog(self.session, None, self)
        dialog.saved.connect(self._on_saved)
        dialog.open()
        return dialog

    def open_edit_dialog(self) -> OrganisationDialog | None:
        org = self.selected()
        if org is None:
            return None
        dialog = OrganisationDialog(self.session, org, self)
        dialog.saved.connect(self._on_saved)
        dialog.open()
        return dialog

    def _on_saved(self, _org: Organisation) -> None:
        self.status.emit(_("Saved."))
        self.reload()

    # --- secure referrals (issue 22) ------------------------------------------------------
    def open_our_code(self) -> OurCodeDialog:
        dialog = OurCodeDialog(self.session, self)
        dialog.open()
        return dialog

    def open_add_key(self) -> AddSecureContactDialog | None:
        org = self.selected()
        if org is None:
            return None
        dialog = AddSecureContactDialog(self.session, org, self)
        dialog.added.connect(lambda _number: (self.reload(), self.open_compare(org)))
        dialog.open()
        return dialog

    def open_compare(self, org: Organisation | None = None) -> SafetyNumberDialog | None:
        org = org or self.selected()
        if org is None:
            return None
        dialog = SafetyNumberDialog(self.session, org, self)
        dialog.confirmed.connect(lambda: (self.status.emit(_("Keys confirmed.")),
                                          self.reload()))
        dialog.open()
        return dialog
