"""Vault → Rotate keys… (coordinators): new keys for the vault and its compartments.

The same call as ``shelterdesk keys rotate`` (store/keys/rotation.py), run in the
background with a progress bar: earlier copies of the key-slot file or of a backup no
longer open the live vault, and sync starts a new key epoch.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import _
from shelterdesk.store.keys import rotation
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import run_in_background
from shelterdesk.ui.common.error_text import describe_error


class RotateKeysDialog(QDialog):
    """``rotated`` carries the report once the new keys are in place."""

    rotated = Signal(object)
    _progressed = Signal(int, int)  # from the worker thread, delivered queued

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: rotation.RotationReport | None = None
        self.explain_label = QLabel()
        self.explain_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.rotate_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.recovery_edit = QLineEdit()
        self.recovery_edit.setReadOnly(True)
        self.recovery_edit.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        for widget in (self.explain_label, self.progress, self.rotate_button,
                       self.message_label, self.recovery_edit, self.buttons):
            layout.addWidget(widget)
        self.buttons.rejected.connect(self.reject)
        self.rotate_button.clicked.connect(self.start)
        self._progressed.connect(self._show_progress)
        self.setMinimumWidth(520)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Rotate keys"))
        self.explain_label.setText(_(
            "New keys for this vault and for its legal, medical and evidence records, and a "
            "new sync key. Afterwards no earlier copy of the key-slot file or of a backup "
            "opens this vault. Everyone keeps their passphrase; the printed recovery key "
            "keeps working. Do it after someone left, or if a passphrase may have been seen."))
        self.rotate_button.setText(_("Rotate keys now"))
        self.rotate_button.setAccessibleName(_("Rotate keys now"))
        self.progress.setAccessibleName(_("Progress of the key rotation"))
        self.recovery_edit.setAccessibleName(_("New recovery key"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def start(self) -> None:
        self.rotate_button.setEnabled(False)
        self.message_label.setText(_("Rotating keys…"))
        session = self.session
        run_in_background(
            lambda: rotation.rotate(session, reason="menu",
                                    progress=lambda done, total: self._progressed.emit(
                                        done, total)),
            self._done, self._failed, owner=self)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _done(self, report: rotation.RotationReport) -> None:
        self.report = report
        lines = [_("The vault's keys are new. Copies of the key-slot file or backups made "
                   "before no longer open it.")]
        follow_up = follow_up_text(report)
        if follow_up:
            lines.append(follow_up)
        if report.new_recovery_key:
            self.recovery_edit.setText(report.new_recovery_key)
            self.recovery_edit.show()
        self.message_label.setText("\n".join(lines))
        self.rotated.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.rotate_button.setEnabled(True)
        self.message_label.setText(describe_error(error))


def follow_up_text(report: rotation.RotationReport | None) -> str:
    """What a rotation (also the one after disabling a user or a reset) leaves to do."""
    if report is None:
        return ""
    lines = []
    if report.without_slot:
        lines.append(_("These users need a new passphrase from a coordinator before they "
                       "can unlock this laptop: {users}").format(
                           users=", ".join(report.without_slot)))
    if report.new_recovery_key:
        lines.append(_("The new recovery key (shown only this once; the old one no longer "
                       "works):") + " " + report.new_recovery_key)
    return "\n".join(lines)
