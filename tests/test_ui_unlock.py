"""The unlock screen, driven through real widgets offscreen: failures, throttling, recovery."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer

from shelterdesk.store.keys import users
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def test_wrong_then_right_passphrase(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    page = window.unlock_page
    unlock(qtbot, window, ADMIN, "not the passphrase")
    assert "not correct" in page.message_label.text()
    assert window.stack.currentWidget() is page
    assert window.session is None
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.stack.currentWidget() is window.work_area
    assert window.session is not None and window.session.user.username == ADMIN
    assert ADMIN not in window.windowTitle()
    session = window.session
    window.close()
    assert not session.is_open


def test_each_failure_has_its_own_message(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    page = window.unlock_page
    unlock(qtbot, window, "nobody", "whatever passphrase")
    unknown = page.message_label.text()
    unlock(qtbot, window, ADMIN, "whatever passphrase")
    # An unknown name is not told apart from a wrong passphrase (no list of names).
    assert unknown == page.message_label.text() and "not correct" in unknown
    unlock(qtbot, window, "", "x")
    assert "user name" in page.message_label.text()


def test_event_loop_keeps_turning_while_the_key_is_derived(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    page = window.unlock_page
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.keyClicks(page.user_edit, ADMIN)
    qtbot.keyClicks(page.passphrase_edit, ADMIN_PASSPHRASE)
    ticks.clear()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    # The click returned at once: the derivation (64 MiB Argon2id) has not finished yet.
    assert page.working and window.session is None
    assert page.busy.isVisible()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    timer.stop()
    # The GUI thread kept serving timers while the key was derived elsewhere.
    assert len(ticks) >= 5, len(ticks)
    window.close()


def test_countdown_after_repeated_failures(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    page = window.unlock_page
    for _attempt in range(3):
        qtbot.waitUntil(lambda: page.unlock_button.isEnabled(), timeout=WAIT_MS)
        unlock(qtbot, window, ADMIN, "wrong passphrase!")
    assert vault.throttle.seconds_remaining() > 0
    assert "Try again in" in page.message_label.text()
    assert "not correct" in page.message_label.text()
    assert not page.unlock_button.isEnabled()
    qtbot.waitUntil(lambda: page.unlock_button.isEnabled(), timeout=5_000)
    assert "try again now" in page.message_label.text()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.session is not None
    window.close()


def test_forgot_passphrase_through_the_recovery_key(qtbot, created_vault) -> None:
    vault, recovery_key = created_vault
    window = make_window(qtbot, vault)
    page = window.unlock_page
    qtbot.keyClicks(page.user_edit, ADMIN)
    qtbot.mouseClick(page.forgot_button, Qt.MouseButton.LeftButton)
    assert page.current_form() is page.recovery_form and page.recovery_form.isVisible()
    assert page.recovery_user_edit.text() == ADMIN
    qtbot.keyClicks(page.recovery_key_edit, recovery_key.lower())
    qtbot.keyClicks(page.new_passphrase.passphrase_edit, "a brand new passphrase")
    qtbot.keyClicks(page.new_passphrase.repeat_edit, "a brand new passphrase")
    qtbot.mouseClick(page.recover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    window.lock_now()
    with pytest.raises(Exception, match="not correct"):
        vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    vault.throttle.succeeded()
    vault.unlock(ADMIN, "a brand new passphrase").close()


def test_a_mistyped_recovery_key_is_explained(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    page = window.unlock_page
    page.show_recovery()
    page.recovery_user_edit.setText(ADMIN)
    page.recovery_key_edit.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF")
    page.new_passphrase.passphrase_edit.setText("a brand new passphrase")
    page.new_passphrase.repeat_edit.setText("a brand new passphrase")
    page.try_recover()
    qtbot.waitUntil(lambda: not page.working, timeout=WAIT_MS)
    assert "mistyped" in page.message_label.text()
    assert window.session is None


def test_disabled_user_is_told_so(qtbot, vault: Vault, admin_session) -> None:
    users.add_user(admin_session, "leyla", [users.Role.CASE_WORKER], "case worker passphrase")
    users.disable_user(admin_session, "leyla")
    window = make_window(qtbot, vault)
    unlock(qtbot, window, "leyla", "case worker passphrase")
    text = window.unlock_page.message_label.text()
    assert "no user" in text or "disabled" in text
