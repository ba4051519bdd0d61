"""Dialogs for a coordinator: change a user's roles, re-enable a disabled user."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role, role_label
from shelterdesk.i18n import _
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, User
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields


class _UserDialog(QDialog):
    done = Signal(str)  # the user name

    def __init__(self, session: Session, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Closed is gone: nothing typed stays in memory or in the accessibility tree.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.user = session, user
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(self.body)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def _run(self, work: Callable[[], object]) -> None:
        """Run the store call off the GUI thread; close on success, say why on failure."""
        self.save_button.setEnabled(False)
        self.message_label.clear()
        run_in_background(work, self._on_done, self._on_failed, busy=self.busy, owner=self)

    def _on_done(self, _result: object) -> None:
        self.done.emit(self.user.username)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message_label.setText(describe_error(error))


class ChangeRolesDialog(_UserDialog):
    """Tick the roles a user holds; the earlier roles are kept in the user's history."""

    def __init__(self, session: Session, user: User, parent: QWidget | None = None) -> None:
        super().__init__(session, user, parent)
        self.roles_group = QGroupBox()
        roles_layout = QVBoxLayout(self.roles_group)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            box = QCheckBox()
            box.setChecked(role in user.roles)
            box.toggled.connect(self._update)
            roles_layout.addWidget(box)
            self.role_boxes[role] = box
        self.body.addWidget(self.roles_group)
        self.retranslate_ui()
        self._update()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Change roles"))
        self.intro_label.setText(_("Roles of {user}. They apply from the next login; the "
                                   "change is recorded.").format(user=self.user.username))
        self.roles_group.setTitle(_("Roles"))
        for role, box in self.role_boxes.items():
            box.setText(role_label(role))

    def chosen_roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def _update(self) -> None:
        chosen = self.chosen_roles()
        self.save_button.setEnabled(bool(chosen) and set(chosen) != set(self.user.roles))

    def save(self) -> None:
        session, name, roles = self.session, self.user.username, self.chosen_roles()
        self._run(lambda: users.set_roles(session, name, roles))


class EnableUserDialog(_UserDialog):
    """Re-enable a disabled user with a new passphrase (their old one was removed)."""

    def __init__(self, session: Session, user: User, parent: QWidget | None = None) -> None:
        super().__init__(session, user, parent)
        self.passphrase = PassphrasePairFields()
        self.body.addWidget(self.passphrase)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Re-enable a user"))
        self.intro_label.setText(_(
            "{user} can log in again with the new passphrase you choose here; tell it to "
            "them in person.").format(user=self.user.username))

    def save(self) -> None:
        try:
            passphrase = self.passphrase.check()
        except UserFacingError as error:
            self.message_label.setText(error.user_message())
            return
        session, name = self.session, self.user.username
        self._run(lambda: users.enable_user(session, name, passphrase))

    def _on_done(self, result: object) -> None:
        self.passphrase.clear()
        super()._on_done(result)
