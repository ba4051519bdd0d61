"""At start-up: the window's refusal to open a vault inside a synced folder (item of issue 16)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from shelterdesk.i18n import _
from shelterdesk.store.vault_location import VaultInSyncedFolder, refuse_synced_location


def location_refusal(data_dir: Path) -> str:
    """The translated refusal for this data folder, or '' when it may be used."""
    try:
        refuse_synced_location(data_dir)
    except VaultInSyncedFolder as error:
        return error.user_message()
    return ""


def refusal_box(text: str, parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, _("ShelterDesk cannot open this vault"), text,
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("locationRefusal")
    return box


def show_location_refusal(text: str) -> None:
    refusal_box(text).exec()
