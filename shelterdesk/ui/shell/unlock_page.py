"""The unlock screen: user and passphrase, a clear message for each failure, and recovery.

Key derivation runs in the background (Argon2id takes about a second), so the
window keeps repainting and the countdown after repeated failures keeps ticking.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _
from shelterdesk.store.errors import TooManyAttempts
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.passphrase_fields import PassphrasePairFields, password_edit
from shelterdesk.ui.common.resources import icon


class UnlockPage(QWidget):
    """Asks who you are; emits ``unlocked`` with an open session."""

    unlocked = Signal(object)

    def __init__(self, vault: Vault, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.working = False
        self._failure_text = ""
        self.logo_label = QLabel()
        self.logo_label.setPixmap(icon("app").pixmap(72, 72))
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel()
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setObjectName("unlockTitle")
        self.hint_label = QLabel(hint)
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        self.busy = BusyIndicator()
        self.reason_label = QLabel()
        self.reason_label.setObjectName("hintLabel")
        self.reason_label.setWordWrap(True)
        self.reason_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)

        # Login form.
        self.user_edit = QLineEdit()
        self.passphrase_edit = password_edit()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("primaryButton")
        self.unlock_button.setDefault(True)
        self.forgot_button = QPushButton()
        self.forgot_button.setFlat(True)
        self.user_label = QLabel()
        self.passphrase_label = QLabel()
        self.user_label.setBuddy(self.user_edit)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        login = QWidget()
        form = QFormLayout(login)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        form.addRow("", self.unlock_button)
        form.addRow("", self.forgot_button)
        self.login_form = login

        # Recovery form: the printed key opens the vault and sets a new passphrase.
        self.recovery_intro_label = QLabel()
        self.recovery_intro_label.setWordWrap(True)
        self.recovery_intro_label.setObjectName("hintLabel")
        self.recovery_user_edit = QLineEdit()
        self.recovery_key_edit = QLineEdit()
        self.recovery_key_edit.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.new_passphrase = PassphrasePairFields()
        self.recover_button = QPushButton()
        self.recover_button.setObjectName("primaryButton")
        self.back_button = QPushButton()
        self.back_button.setFlat(True)
        self.recovery_user_label = QLabel()
        self.recovery_key_label = QLabel()
        self.recovery_user_label.setBuddy(self.recovery_user_edit)
        self.recovery_key_label.setBuddy(self.recovery_key_edit)
        recovery = QWidget()
        recovery_form = self.new_passphrase.form
        recovery_form.insertRow(0, self.recovery_intro_label)
        recovery_form.insertRow(1, self.recovery_user_label, self.recovery_user_edit)
        recovery_form.insertRow(2, self.recovery_key_label, self.recovery_key_edit)
        recovery_form.addRow("", self.recover_button)
        recovery_form.addRow("", self.back_button)
        recovery_layout = QVBoxLayout(recovery)
        recovery_layout.setContentsMargins(0, 0, 0, 0)
        recovery_layout.addWidget(self.new_passphrase)
        self.recovery_form = recovery

        # Two forms in one column, one hidden: a hidden widget takes no space, so the
        # message sits right under the visible form and wrapped text keeps its height.
        self.forms = QWidget()
        forms_layout = QVBoxLayout(self.forms)
        forms_layout.setContentsMargins(0, 0, 0, 0)
        forms_layout.addWidget(login)
        forms_layout.addWidget(recovery)
        self._show_form(login)

        box = QWidget()
        box.setMaximumWidth(520)
        box.setMinimumWidth(420)
        inner = QVBoxLayout(box)
        inner.addWidget(self.logo_label)
        inner.addWidget(self.title_label)
        inner.addWidget(self.hint_label)
        inner.addWidget(self.reason_label)
        inner.addSpacing(8)
        inner.addWidget(self.forms)
        inner.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self.message_label)
        # Centred by stretches, not alignment flags: those would size the box by its
        # sizeHint and squash the wrapped texts.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.unlock_button.clicked.connect(self.try_unlock)
        self.passphrase_edit.returnPressed.connect(self.try_unlock)
        self.user_edit.returnPressed.connect(self.passphrase_edit.setFocus)
        self.forgot_button.clicked.connect(self.show_recovery)
        self.back_button.clicked.connect(self.show_login)
        self.recover_button.clicked.connect(self.try_recover)
        self.setTabOrder(self.user_edit, self.passphrase_edit)
        self.setTabOrder(self.passphrase_edit, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.forgot_button)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title_label.setText(_("ShelterDesk is locked"))
        self.user_label.setText(_("User name"))
        self.passphrase_label.setText(_("Passphrase"))
        self.unlock_button.setText(_("Unlock"))
        self.forgot_button.setText(_("Forgot your passphrase?"))
        self.user_edit.setAccessibleName(_("User name"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.recovery_intro_label.setText(_(
            "Type the recovery key that was printed or written down when the vault was "
            "created, and choose a new passphrase."))
        self.recovery_user_label.setText(_("User name"))
        self.recovery_key_label.setText(_("Recovery key"))
        self.recovery_user_edit.setAccessibleName(_("User name"))
        self.recovery_key_edit.setAccessibleName(_("Recovery key"))
        self.recover_button.setText(_("Set the new passphrase and unlock"))
        self.back_button.setText(_("Back to unlocking"))
        self.busy.setAccessibleName(_("Working"))
        if self._countdown.isActive():
            self._tick()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- what the main window asks of the page ------------------------------------------
    def reset(self, username: str = "", reason: str = "") -> None:
        """Back to an empty login form (after a lock), keeping the user name if given.

        ``reason`` says why the window locked (idle, the screen locked): a worker coming
        back must not wonder whether someone else locked it or what was lost.
        """
        self.show_login()
        self.user_edit.setText(username)
        self.passphrase_edit.clear()
        self.recovery_key_edit.clear()
        self.new_passphrase.clear()
        self.message_label.clear()
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        (self.passphrase_edit if username else self.user_edit).setFocus()

    def show_recovery(self) -> None:
        self.recovery_user_edit.setText(self.user_edit.text())
        self.message_label.clear()
        self._show_form(self.recovery_form)
        self.recovery_key_edit.setFocus()

    def show_login(self) -> None:
        self.message_label.clear()
        self._show_form(self.login_form)

    def _show_form(self, form: QWidget) -> None:
        self._current_form = form
        self.login_form.setVisible(form is self.login_form)
        self.recovery_form.setVisible(form is self.recovery_form)

    def current_form(self) -> QWidget:
        return self._current_form

    # --- unlocking ------------------------------------------------------------------------
    def try_unlock(self) -> None:
        if self.working or self._countdown.isActive():
            return
        username, passphrase = self.user_edit.text().strip(), self.passphrase_edit.text()
        if not username:
            self.message_label.setText(_("Type your user name."))
            self.user_edit.setFocus()
            return
        vault = self.vault
        self._start_work(_("Checking the passphrase…"))
        run_in_background(lambda: vault.unlock(username, passphrase),
                          self._on_unlocked, self._on_failed, busy=self.busy)

    def try_recover(self) -> None:
        if self.working or self._countdown.isActive():
            return
        try:
            new_passphrase = self.new_passphrase.check()
        except UserFacingError as error:
            self.message_label.setText(error.user_message())
            return
        key, username = self.recovery_key_edit.text(), self.recovery_user_edit.text().strip()
        vault = self.vault
        self._start_work(_("Checking the recovery key…"))
        run_in_background(lambda: vault.unlock_with_recovery(key, username, new_passphrase),
                          self._on_unlocked, self._on_failed, busy=self.busy)

    def _start_work(self, message: str) -> None:
        self.working = True
        self.message_label.setObjectName("hintLabel")
        self._restyle(message)
        self.forms.setEnabled(False)

    def _restyle(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)

    def _on_unlocked(self, session: object) -> None:
        self.working = False
        self.forms.setEnabled(True)
        self.passphrase_edit.clear()
        self.recovery_key_edit.clear()
        self.new_passphrase.clear()
        self.message_label.clear()
        self.show_login()
        self.unlocked.emit(session)

    def _on_failed(self, error: BaseException) -> None:
        self.working = False
        self.forms.setEnabled(True)
        self.message_label.setObjectName("errorMessage")
        # The countdown says it all for TooManyAttempts; other failures keep their reason.
        self._failure_text = "" if isinstance(error, TooManyAttempts) else describe_error(error)
        self._restyle(describe_error(error))
        if self.vault.throttle.seconds_remaining() > 0:
            self._countdown.start()
            self._tick()
        if self._current_form is self.login_form:
            self.passphrase_edit.setFocus()
            self.passphrase_edit.selectAll()

    def _tick(self) -> None:
        remaining = self.vault.throttle.seconds_remaining()
        buttons = (self.unlock_button, self.recover_button)
        if remaining <= 0:
            self._countdown.stop()
            for button in buttons:
                button.setEnabled(True)
            self.message_label.setText(_("You can try again now."))
            return
        for button in buttons:
            button.setEnabled(False)
        countdown = _("Too many failed attempts. Try again in {seconds} seconds.").format(
            seconds=int(remaining + 0.999))
        self.message_label.setText(
            self._failure_text + "\n" + countdown if self._failure_text else countdown)
