"""The unlock screen: user name and passphrase, a clear message for every failure."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _
from shelterdesk.store.errors import TooManyAttempts
from shelterdesk.store.vault import Session, Vault


class UnlockPage(QWidget):
    """Asks who you are; emits ``unlocked`` with an open session."""

    unlocked = Signal(object)

    def __init__(self, vault: Vault, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.title_label = QLabel()
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setObjectName("unlockTitle")
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.user_edit = QLineEdit()
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)

        self.form = QFormLayout()
        self.user_label = QLabel()
        self.passphrase_label = QLabel()
        self.form.addRow(self.user_label, self.user_edit)
        self.form.addRow(self.passphrase_label, self.passphrase_edit)
        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title_label)
        inner.addWidget(self.hint_label)
        inner.addLayout(self.form)
        inner.addWidget(self.unlock_button)
        inner.addWidget(self.message_label)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.unlock_button.clicked.connect(self.try_unlock)
        self.passphrase_edit.returnPressed.connect(self.try_unlock)
        self.user_edit.returnPressed.connect(self.passphrase_edit.setFocus)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title_label.setText("<h2>" + _("ShelterDesk is locked") + "</h2>")
        self.user_label.setText(_("User name"))
        self.passphrase_label.setText(_("Passphrase"))
        self.unlock_button.setText(_("Unlock"))
        self.user_edit.setAccessibleName(_("User name"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def try_unlock(self) -> None:
        try:
            session: Session = self.vault.unlock(self.user_edit.text(),
                                                 self.passphrase_edit.text())
        except TooManyAttempts:
            self._countdown.start()
            self._tick()
            return
        except UserFacingError as error:
            self.message_label.setText(error.user_message())
            self.passphrase_edit.selectAll()
            if self.vault.throttle.seconds_remaining() > 0:
                self._countdown.start()
            return
        self.passphrase_edit.clear()
        self.message_label.clear()
        self.unlocked.emit(session)

    def _tick(self) -> None:
        remaining = self.vault.throttle.seconds_remaining()
        if remaining <= 0:
            self._countdown.stop()
            self.unlock_button.setEnabled(True)
            return
        self.unlock_button.setEnabled(False)
        self.message_label.setText(
            _("Too many failed attempts. Try again in {seconds} seconds.").format(
                seconds=int(remaining + 0.999)))
