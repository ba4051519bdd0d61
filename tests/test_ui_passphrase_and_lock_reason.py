"""The first steps, kindly: passphrase fields warn about Caps Lock and can be shown, and the
lock screen says why it locked (idle, the screen locked), not after a deliberate lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.passphrase_fields import PassphraseEdit, PassphrasePairFields
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def test_caps_lock_is_noticed_and_the_passphrase_can_be_shown(qtbot) -> None:
    edit = PassphraseEdit()
    qtbot.addWidget(edit)
    edit.show()
    assert edit.echoMode() == QLineEdit.EchoMode.Password and not edit.caps_lock_on
    qtbot.keyClicks(edit, "CALM")  # capitals with no Shift: Caps Lock is on
    assert edit.caps_lock_on and edit.warning() == "Caps Lock is on"
    assert edit.accessibleDescription() == "Caps Lock is on"
    qtbot.keyClick(edit, Qt.Key.Key_W, Qt.KeyboardModifier.ShiftModifier, )
    qtbot.keyClicks(edit, "words")
    assert not edit.caps_lock_on and edit.warning() == ""
    qtbot.keyClicks(edit, "x", Qt.KeyboardModifier.ShiftModifier)  # small with Shift
    assert edit.caps_lock_on
    edit.show_action.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert edit.show_action.toolTip() == "Hide the passphrase (Ctrl+H)"
    edit.show_action.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def test_every_passphrase_field_has_the_toggle(qtbot, vault: Vault) -> None:
    pair = PassphrasePairFields()
    qtbot.addWidget(pair)
    window = make_window(qtbot, vault)
    for edit in (pair.passphrase_edit, pair.repeat_edit, window.unlock_page.passphrase_edit):
        assert isinstance(edit, PassphraseEdit)
        assert edit.show_action in edit.actions()
    window.close()


def test_the_lock_screen_says_why_after_an_automatic_lock(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault, idle_timeout_ms=600)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=WAIT_MS)  # nobody touched anything
    reason = window.unlock_page.reason_label
    assert reason.isVisibleTo(window) and "without activity" in reason.text()
    assert "drafts" in reason.text()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.inactivity.stop()
    window.screen_lock.screen_locked.emit()
    assert window.is_locked
    assert "screen was locked" in reason.text()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.inactivity.stop()
    window.lock_now()  # a deliberate lock needs no explanation
    assert reason.text() == "" and not reason.isVisibleTo(window)
    window.close()
