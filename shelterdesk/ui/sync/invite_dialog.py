"""Invite a laptop: make a one-time code, show it with its QR on screen; save only if asked.

The code opens the organisation's data to whoever holds it for its lifetime, so it
is never written anywhere unless the coordinator chooses a file (written owner-only).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
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

    def __init__(self, session: Session, place: SyncPlace, parent: QWidget | None = None) -> None:
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
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.save_code_button.clicked.connect(self.save_code)
        self.save_qr_button.clicked.connect(self.save_qr)
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
