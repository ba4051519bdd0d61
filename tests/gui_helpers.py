"""Helpers for GUI tests: a main window on a vault, and unlocking it through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelterdesk.store.vault import Vault
from shelterdesk.ui.shell.main_window import MainWindow

WAIT_MS = 20_000


def make_window(qtbot, vault: Vault, **kwargs) -> MainWindow:
    window = MainWindow(vault, QApplication.instance(), **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def unlock(qtbot, window: MainWindow, username: str, passphrase: str) -> None:
    """Type into the unlock page and wait until the background unlock has finished."""
    page = window.unlock_page
    page.user_edit.clear()
    qtbot.keyClicks(page.user_edit, username)
    page.passphrase_edit.clear()
    qtbot.keyClicks(page.passphrase_edit, passphrase)
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.working, timeout=WAIT_MS)
