"""Dialogs for a coordinator: add a user (roles, passphrase twice), reset a passphrase."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.accounts import check_username
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role, role_label
from shelterdesk.i18n import _
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, User
from shelterdesk.ui.administration.rotate_keys_dialog import follow_up_text
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields


class AddUserDialog(QDialog):
    """User name, display name, roles and a first passphrase; emits ``user_added``."""

    user_added = Signal(object)  # User

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.username_edit = QLineEdit()
        self.display_name_edit = QLineEdit()
        self.role_boxes: dict[Role, QCheckBox] = {role: QCheckBox() for role in Role}
        self.passphrase = PassphrasePairFields()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.username_label = QLabel()
        self.display_name_label = QLabel()
        self.username_label.setBuddy(self.username_edit)
        self.display_name_label.setBuddy(self.display_name_edit)
        self.roles_group = QGroupBox()
        roles_layout = QVBoxLayout(self.roles_group)
        for box in self.role_boxes.values():
            roles_layout.addWidget(box)
        self.passphrase.form.insertRow(0, self.username_label, self.username_edit)
        self.passphrase.form.insertRow(1, self.display_name_label, self.display_name_edit)
        self.passphrase.form.insertRow(2, self.roles_group)
        layout = QVBoxLayout(self)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(540)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Add a user"))
        self.username_label.setText(_("User name"))
        self.display_name_label.setText(_("Display name"))
        self.username_edit.setAccessibleName(_("User name"))
        self.display_name_edit.setAccessibleName(_("Display name"))
        self.username_edit.setPlaceholderText(_("lowercase Latin letters, e.g. leyla.h"))
        self.display_name_edit.setPlaceholderText(_("optional; shown to colleagues"))
        self.roles_group.setTitle(_("Roles"))
        for role, box in self.role_boxes.items():
            box.setText(role_label(role))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def chosen_roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def save(self) -> None:
        try:
            username = check_username(self.username_edit.text())
            roles = self.chosen_roles()
            if not roles:
                raise users.NoRoles()
            passphrase = self.passphrase.check()
        except UserFacingError as error:
            self.message_label.setText(error.user_message())
            return
        session, display_name = self.session, self.display_name_edit.text()
        self.message_label.clear()
        self.save_button.setEnabled(False)
        run_in_background(
            lambda: users.add_user(session, username, roles, passphrase, display_name),
            self._on_added, self._on_failed, busy=self.busy, owner=self)

    def _on_added(self, user: User) -> None:
        self.passphrase.clear()
        self.user_added.emit(user)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))


class ResetPassphraseDialog(QDialog):
    """A new passphrase for a user who forgot theirs; emits ``passphrase_reset`` with the name."""

    passphrase_reset = Signal(str)

    def __init__(self, session: Session, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Cancelled or locked away, it is destroyed with what was typed in it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.username = username
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.passphrase = PassphrasePairFields()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(440)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Reset a passphrase"))
        self.intro_label.setText(_(
            "Choose a new passphrase for {user} and tell it to them in person. Their old "
            "passphrase stops working at once.").format(user=self.username))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def save(self) -> None:
        try:
            passphrase = self.passphrase.check()
        except UserFacingError as error:
            self.message_label.setText(error.user_message())
            return
        session, username = self.session, self.username
        self.save_button.setEnabled(False)
        run_in_background(lambda: users.reset_passphrase(session, username, passphrase),
                          self._on_done, self._on_failed, busy=self.busy, owner=self)

    def _on_done(self, result: object) -> None:
        self.passphrase.clear()
        self.passphrase_reset.emit(self.username)
        # The reset rotated the keys: a new recovery key is shown here once, if one came.
        follow_up = follow_up_text(result)  # type: ignore[arg-type]
        if follow_up:
            self.message_label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)
            self.message_label.setText(follow_up)
            return
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))
