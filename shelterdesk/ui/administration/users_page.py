"""Administration → Users: the table of users; add, disable, reset (coordinator only)."""

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
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.roles import role_label
from shelterdesk.i18n import N_, _, format_list
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, User
from shelterdesk.ui.administration.rotate_keys_dialog import follow_up_text
from shelterdesk.ui.administration.user_change_dialogs import ChangeRolesDialog, EnableUserDialog
from shelterdesk.ui.administration.user_dialogs import AddUserDialog, ResetPassphraseDialog
from shelterdesk.ui.cases.history_dialog import RecordHistoryDialog
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table, row_action
from shelterdesk.ui.common.list_table_model import ListTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


class UserTableModel(ListTableModel[User]):
    """One row per user; headers translated when shown."""

    class Columns(IntEnum):
        USERNAME = 0
        DISPLAY_NAME = 1
        ROLES = 2
        STATE = 3
        SIGNED = 4

    HEADERS = {
        Columns.USERNAME: N_("User name"),
        Columns.DISPLAY_NAME: N_("Display name"),
        Columns.ROLES: N_("Roles"),
        Columns.STATE: N_("State"),
        Columns.SIGNED: N_("Signed roles"),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # What the coordinator-signed chain proves of each user (store/keys/roster.py).
        self.proofs: dict[str, users.RoleProof] = {}

    def proof_warns(self, user: User) -> bool:
        proof = self.proofs.get(user.id)
        return proof is not None and proof.signed and (
            not proof.matches or not proof.signed_by or proof.key_unproven)

    def user_at(self, row: int) -> User | None:
        return self.row_at(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        user = self._rows[index.row()]
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.Columns.USERNAME:
                return user.username
            if column == self.Columns.DISPLAY_NAME:
                return user.display_name
            if column == self.Columns.ROLES:
                return format_list([role_label(r) for r in user.roles])
            if column == self.Columns.SIGNED:
                return users.describe_proof(self.proofs.get(user.id)) if self.proofs else ""
            return _("disabled") if user.disabled else _("active")
        if role == Qt.ItemDataRole.ForegroundRole and column == self.Columns.SIGNED \
                and self.proof_warns(user):
            return Qt.GlobalColor.darkRed
        if role == Qt.ItemDataRole.ForegroundRole and user.disabled:
            return Qt.GlobalColor.gray
        return None



class UsersPage(QWidget):
    """The coordinator's view of users. ``status`` carries unobtrusive news for the status bar."""

    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.model = UserTableModel(self)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("pageIntro")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            UserTableModel.Columns.ROLES, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(110)
        self.add_button = QPushButton()
        self.reset_button = QPushButton()
        self.disable_button = QPushButton()
        self.roles_button = QPushButton()
        self.enable_button = QPushButton()
        self.history_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        buttons = FlowLayout(spacing=8)  # wraps on a small screen instead of widening it
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.disable_button)
        buttons.addWidget(self.roles_button)
        buttons.addWidget(self.enable_button)
        buttons.addWidget(self.history_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        self.add_button.clicked.connect(self.open_add_dialog)
        self.reset_button.clicked.connect(self.open_reset_dialog)
        self.disable_button.clicked.connect(self.disable_selected)
        self.roles_button.clicked.connect(self.open_roles_dialog)
        self.enable_button.clicked.connect(self.open_enable_dialog)
        self.history_button.clicked.connect(self.open_history)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reset_action = row_action(self, None, self.open_reset_dialog)
        self.disable_action = row_action(self, None, self.disable_selected)
        keyboard_table(self.table, open_row=self.open_reset_dialog,
                       actions=[self.reset_action, self.disable_action])
        self.retranslate_ui()
        self._update_buttons()
        self.reload()

    def retranslate_ui(self) -> None:
        self.intro_label.setText(_(
            "Each person has their own user name and passphrase; roles decide what they "
            "see. A disabled user can no longer log in, and their past work stays in the "
            "audit log. Every change of roles is signed with your coordinator key; a role "
            "that no coordinator signed is not given, and is marked here."))
        self.add_button.setText(_("Add a user…"))
        self.reset_button.setText(_("Reset passphrase…"))
        self.disable_button.setText(_("Disable user"))
        self.roles_button.setText(_("Change roles…"))
        self.enable_button.setText(_("Re-enable…"))
        self.reset_action.setText(_("Reset passphrase…"))
        self.disable_action.setText(_("Disable user"))
        self.history_button.setText(_("Earlier versions…"))
        self.table.setAccessibleName(_("Users"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        self.model.clear()

    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: (users.list_users(session), users.role_proofs(session)),
                          self._on_loaded, self._on_failed, busy=self.busy, owner=self)

    def selected_user(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.user_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        user = self.selected_user()
        enabled = user is not None and not user.disabled
        self.reset_button.setEnabled(enabled)
        self.disable_button.setEnabled(enabled and user.id != self.session.user.id)
        self.roles_button.setEnabled(enabled)
        self.enable_button.setEnabled(user is not None and user.disabled)
        self.reset_action.setEnabled(self.reset_button.isEnabled())
        self.disable_action.setEnabled(self.disable_button.isEnabled())
        self.history_button.setEnabled(user is not None)

    def _on_loaded(self, loaded: tuple[list[User], dict[str, users.RoleProof]]) -> None:
        rows, proofs = loaded
        self.model.proofs = proofs
        self.model.set_rows(rows)
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def open_add_dialog(self) -> AddUserDialog:
        dialog = AddUserDialog(self.session, self)
        dialog.user_added.connect(self._on_user_added)
        dialog.open()
        return dialog

    def open_reset_dialog(self) -> ResetPassphraseDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = ResetPassphraseDialog(self.session, user.username, self)
        dialog.passphrase_reset.connect(
            lambda name: self.status.emit(_("Passphrase of {user} reset.").format(user=name)))
        dialog.open()
        return dialog

    def disable_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        answer = QMessageBox.question(
            self, _("Disable user"),
            _("Disable {user}? They will no longer be able to log in.").format(
                user=user.username))
        if answer == QMessageBox.StandardButton.Yes:
            self.disable(user.username)

    def disable(self, username: str) -> None:
        session = self.session
        self.message_label.clear()

        def done(report: object) -> None:
            self.status.emit(_("User {user} disabled.").format(user=username))
            self.reload()
            # The keys were rotated: what is left to do (a new recovery key, shown once).
            follow_up = follow_up_text(report)  # type: ignore[arg-type]
            if follow_up:
                self.message_label.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse)
                self.message_label.setText(follow_up)

        run_in_background(lambda: users.disable_user(session, username), done,
                          self._on_failed, busy=self.busy, owner=self)

    def open_roles_dialog(self) -> ChangeRolesDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = ChangeRolesDialog(self.session, user, self)
        dialog.done.connect(lambda name: (self.status.emit(
            _("Roles of {user} changed.").format(user=name)), self.reload()))
        dialog.open()
        return dialog

    def open_enable_dialog(self) -> EnableUserDialog | None:
        user = self.selected_user()
        if user is None or not user.disabled:
            return None
        dialog = EnableUserDialog(self.session, user, self)
        dialog.done.connect(lambda name: (self.status.emit(
            _("User {user} enabled again.").format(user=name)), self.reload()))
        dialog.open()
        return dialog

    def open_history(self) -> RecordHistoryDialog | None:
        """The user's earlier roles and states, who changed them and when."""
        user = self.selected_user()
        if user is None:
            return None
        dialog = RecordHistoryDialog(self.session, "users", user.id, self)
        dialog.open()
        return dialog

    def _on_user_added(self, user: User) -> None:
        self.status.emit(_("User {user} added.").format(user=user.username))
        self.reload()
