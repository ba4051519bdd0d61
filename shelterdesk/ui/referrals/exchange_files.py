"""Choosing and writing `.sdreferral` files in the window: one place for the file dialogs
(tests replace them) and the owner-only, atomic write."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from shelterdesk.i18n import _
from shelterdesk.store.keys.keyslots import atomic_write

SUFFIX = ".sdreferral"


def ask_save_exchange_file(parent: QWidget, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the sealed file for the other organisation"), suggested,
        _("Sealed referral files (*.sdreferral)"))
    if path and not path.endswith(SUFFIX):
        path += SUFFIX
    return path


def ask_open_exchange_file(parent: QWidget) -> str:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Open a received referral file"), "",
        _("Sealed referral files (*.sdreferral)"))
    return path


def write_exchange_file(path: str, data: bytes) -> None:
    """Written whole or not at all, readable by this user only (0600)."""
    atomic_write(Path(path), data)
