"""The window's side of issue 18: every copy made in the app is cleared after 30 s and at
lock, and failed unlocks since the last visit are told at unlock."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from shelterdesk.domain.workspace import Area
from shelterdesk.store.errors import WrongPassphrase
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.clipboard_guard import CLEAR_AFTER_MS, ClipboardGuard
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock


def test_the_guard_clears_its_copy_after_the_delay(qtbot) -> None:
    assert CLEAR_AFTER_MS == 30_000
    clipboard = QApplication.clipboard()
    guard = ClipboardGuard(clipboard, clear_after_ms=150)
    guard.copy("TU-2025-ABCDE")
    assert clipboard.text() == "TU-2025-ABCDE"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3_000)


def test_a_copy_made_with_ctrl_c_in_the_window_is_cleared_too(qtbot, vault: Vault) -> None:
    clipboard = QApplication.clipboard()
    guard = ClipboardGuard(clipboard, clear_after_ms=60_000)
    window = make_window(qtbot, vault, clipboard=guard)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.CASES)
    window.activateWindow()
    field = window.findChild(QLineEdit, "searchEdit")
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    field.setText("Leyla Həsənova")
    field.selectAll()
    field.copy()  # what Ctrl+C does: Qt's own copy, not the guard's
    qtbot.waitUntil(lambda: guard.holds_ours(), timeout=3_000)
    assert guard.timer.isActive()
    window.lock_now()
    assert clipboard.text() == ""
    window.close()


def test_failed_attempts_are_told_in_the_window_at_unlock(qtbot, vault: Vault) -> None:
    for _attempt in range(2):
        with pytest.raises(WrongPassphrase):
            Vault(vault.directory).unlock(ADMIN, "somebody else's guess")
    fresh = Vault(vault.directory)
    fresh.throttle.clock = lambda: time.time() + 3600
    window = make_window(qtbot, fresh)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    box = window.failed_unlock_box
    assert box is not None and box.isVisible()
    assert "2 failed attempts to unlock as you since your last visit" in box.text()
    box.accept()
    window.lock_now()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.failed_unlock_box is None  # told once
    window.close()
