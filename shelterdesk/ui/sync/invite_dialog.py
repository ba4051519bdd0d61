"""Invite a laptop: make a one-time code, show it with its QR on screen; save only if asked.
Then, once the new laptop asked, the six digits to compare and a Confirm button.

The code alone opens nothing (see ``sync/enrollment.py``): the organisation's keys
leave this laptop only when the coordinator confirms that the new laptop shows the
same digits. The code is still never written anywhere unless the coordinator chooses
a file (written owner-only).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _
from shelterdesk.store.vault import Session
from shelterdesk.sync import enrollment, service
from shelterdesk.sync.setup import SyncPlace, describe_failure, transport_for
from shelterdesk.ui.common.background import BusyIndicator, run_in_background


def qr_png(code: str, scale: int = 6) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def save_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600), never replacing another file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class InviteDialog(QDialog):
    """Creates the invitation as soon as it opens; emits ``invited`` with the Invitation."""

    invited = Signal(object)

    def __init__(self, session: Session, place: SyncPlace, parent: QWidget | None = None,
                 poll_ms: int = 1500) -> None:
        super().__init__(parent)
        self.session = session
        self.place = place
        self.invitation: enrollment.Invitation | None = None
        self.busy = BusyIndicator()
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setObjectName("recoveryKey")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr_label = QLabel()
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expires_label = QLabel()
        self.expires_label.setWordWrap(True)
        self.expires_label.setObjectName("hintLabel")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("errorMessage")
        self.save_code_button = QPushButton()
        self.save_qr_button = QPushButton()
        self.sas_label = QLabel()
        self.sas_label.setWordWrap(True)
        self.digits_label = QLabel()
        self.digits_label.setObjectName("recoveryKey")
        self.digits_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm_button = QPushButton()
        self.confirm_button.setEnabled(False)
        self.digits = ""
        self.confirmed = False
        self._asking = False
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self._poll)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_code_button)
        save_row.addWidget(self.save_qr_button)
        save_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.code_label)
        layout.addWidget(self.qr_label)
        layout.addWidget(self.expires_label)
        layout.addLayout(save_row)
        layout.addWidget(self.sas_label)
        layout.addWidget(self.digits_label)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.save_code_button.clicked.connect(self.save_code)
        self.save_qr_button.clicked.connect(self.save_qr)
        self.confirm_button.clicked.connect(self.confirm)
        self._set_ready(False)
        self.setMinimumWidth(520)
        self.retranslate_ui()
        self._create()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Invite a laptop"))
        self.intro_label.setText(_(
            "On the new laptop, start ShelterDesk, choose “Join an existing organisation” and "
            "type this code or scan the QR code. The code can be used once; keep it to "
            "yourself until then."))
        self.save_code_button.setText(_("Save the code to a file…"))
        self.save_qr_button.setText(_("Save the QR image…"))
        self.confirm_button.setText(_("Confirm: the new laptop shows the same digits"))
        self.confirm_button.setAccessibleName(_("Confirm the new laptop"))
        self.digits_label.setAccessibleName(_("Digits to compare"))
        if self.confirmed:
            self.sas_label.setText(_("Confirmed. The new laptop receives the organisation's "
                                     "keys and data now; this window can be closed."))
        elif self.digits:
            self.sas_label.setText(_(
                "The new laptop asked to join. Check that it shows exactly these digits, then "
                "confirm. If they differ, do not confirm: close this window."))
        elif self.invitation is not None:
            self.sas_label.setText(_("Waiting for the new laptop to type the code…"))
        if self.invitation is not None:
            self.expires_label.setText(_("Valid until {when} UTC.").format(
                when=self.invitation.expires_at[:16].replace("T", " ")))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _set_ready(self, ready: bool) -> None:
        self.save_code_button.setEnabled(ready)
        self.save_qr_button.setEnabled(ready)

    def _create(self) -> None:
        session, place = self.session, self.place
        self.code_label.setText(_("Making the invitation…"))

        def work() -> tuple[enrollment.Invitation, bytes]:
            invitation = service.invite(session, transport_for(session.vault.directory, place))
            return invitation, qr_png(invitation.code)

        run_in_background(work, self._on_created, self._on_failed, busy=self.busy, owner=self)

    def _on_created(self, result: tuple[enrollment.Invitation, bytes]) -> None:
        self.invitation, png = result
        self.code_label.setText(self.invitation.code)
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.qr_label.setPixmap(pixmap)
        self._set_ready(True)
        self.retranslate_ui()
        self.invited.emit(self.invitation)
        self.poll_timer.start()

    def _poll(self) -> None:
        """Ask (in the background) whether the new laptop has sent its request yet."""
        if self._asking or self.digits or self.invitation is None:
            return
        self._asking = True
        session, place, code = self.session, self.place, self.invitation.code

        def work() -> str | None:
            return service.answer_join(session, transport_for(session.vault.directory, place),
                                       code)

        run_in_background(work, self._on_answer, self._on_poll_failed, owner=self)

    def _on_answer(self, digits: str | None) -> None:
        self._asking = False
        if not digits:
            return
        self.poll_timer.stop()
        self.digits = digits
        self.digits_label.setText(digits)
        self.confirm_button.setEnabled(True)
        self.retranslate_ui()
        self.confirm_button.setFocus()

    def _on_poll_failed(self, error: BaseException) -> None:
        self._asking = False
        self.poll_timer.stop()
        self.message_label.setText(describe_failure(error))

    def confirm(self) -> None:
        """The coordinator saw the same digits on both screens: send the keys."""
        if not self.digits or self.invitation is None or self.confirmed:
            return
        self.confirm_button.setEnabled(False)
        session, place = self.session, self.place
        code, digits = self.invitation.code, self.digits

        def work() -> str:
            return service.confirm_join(session, transport_for(session.vault.directory, place),
                                        code, digits)

        def done(_invite_id: str) -> None:
            self.confirmed = True
            self.retranslate_ui()

        run_in_background(work, done, self._on_failed, busy=self.busy, owner=self)

    def done(self, result: int) -> None:
        self.poll_timer.stop()
        super().done(result)

    def _on_failed(self, error: BaseException) -> None:
        self.code_label.clear()
        self.message_label.setText(describe_failure(error))

    def _ask_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(self, title, suggested, pattern)
        return Path(chosen) if chosen else None

    def save_code(self, path: Path | None = None) -> None:
        if self.invitation is None:
            return
        path = path or self._ask_path(_("Save the code"), "invitation.txt", "*.txt")
        if path is not None:
            self._save(path, (self.invitation.code + "\n").encode())

    def save_qr(self, path: Path | None = None) -> None:
        if self.invitation is None:
            return
        path = path or self._ask_path(_("Save the QR image"), "invitation.png", "*.png")
        if path is not None:
            self._save(path, qr_png(self.invitation.code, scale=8))

    def _save(self, path: Path, data: bytes) -> None:
        try:
            save_private(path, data)
        except FileExistsError:
            self.message_label.setText(_("“{path}” exists already; choose another name.").format(
                path=path.name))
            return
        except OSError as error:
            self.message_label.setText(_("“{path}” could not be written: {reason}").format(
                path=path.name, reason=error.strerror or type(error).__name__))
            return
        self.message_label.setObjectName("hintLabel")
        self.message_label.setText(_("Saved as “{path}”, readable only by you. Delete it once "
                                     "the laptop has joined.").format(path=path.name))
