"""The unlock screen, driven through real widgets offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shelterdesk.store.vault import Vault
from shelterdesk.ui.app import MainWindow
from tests.conftest import ADMIN, ADMIN_PASSPHRASE

pytestmark = pytest.mark.gui


def test_wrong_then_right_passphrase(qtbot, vault: Vault) -> None:
    window = MainWindow(vault)
    qtbot.addWidget(window)
    page = window.unlock_page
    qtbot.keyClicks(page.user_edit, ADMIN)
    qtbot.keyClicks(page.passphrase_edit, "not the passphrase")
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert "not correct" in page.message_label.text()
    assert window.stack.currentWidget() is page
    page.passphrase_edit.clear()
    qtbot.keyClicks(page.passphrase_edit, ADMIN_PASSPHRASE)
    qtbot.keyClick(page.passphrase_edit, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.work_page
    assert window.session is not None and window.session.user.username == ADMIN
    assert ADMIN not in window.windowTitle()
    window.close()
    assert not window.session.is_open
