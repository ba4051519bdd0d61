"""Emergency erase through the window: a coordinator sets a duress passphrase from the Vault
menu; typed at the unlock screen it shows the ordinary wrong-passphrase message and leaves the
vault unreadable without the recovery key (and readable with it); erase-now locks at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from shelterdesk.domain.roles import Role
from shelterdesk.store.errors import WrongPassphrase
from shelterdesk.store.keys import emergency, users
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.vault import Vault
from shelterdesk.ui.administration.emergency_dialog import CONFIRM_WORD
from tests.cases_helpers import WAIT_MS
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock

pytestmark = pytest.mark.gui
DURESS = "quiet river under the bridge"
WORKER, WORKER_PASSPHRASE = "nigar", "case worker passphrase"


@pytest.fixture
def setup(created_vault) -> tuple[Vault, str]:
    vault, recovery_key = created_vault
    vault.throttle.delay_for = lambda _failures: 0.0  # nobody waits in a test
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        users.add_user(session, WORKER, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    return vault, recovery_key


def _message_for(qtbot, window, user: str, passphrase: str) -> str:
    unlock(qtbot, window, user, passphrase)
    return window.unlock_page.message_label.text()


def test_the_duress_passphrase_set_in_the_window_erases_at_the_unlock_screen(
        qtbot, setup) -> None:
    vault, recovery_key = setup
    window = make_window(qtbot, vault)
    ordinary = _message_for(qtbot, window, WORKER, "not my passphrase")
    assert ordinary == WrongPassphrase().user_message()
    unlock(qtbot, window, WORKER, WORKER_PASSPHRASE)
    assert not window.is_locked and not window.menus.vault_menu_action.isVisible()
    window.lock_now()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.menus.vault_menu_action.isVisible()
    dialog = window.menus.open_emergency()
    assert not dialog.current.enabled  # off by default
    assert "recovery key" in dialog.warning_label.text()
    qtbot.mouseClick(dialog.duress_check, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, dialog.duress_check.height() // 2))
    assert dialog.duress_check.isChecked()
    qtbot.keyClicks(dialog.duress_fields.passphrase_edit, DURESS)
    qtbot.keyClicks(dialog.duress_fields.repeat_edit, DURESS)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == emergency.Policy(True, 0)
    dialog.reject()
    window.lock_now()

    assert _message_for(qtbot, window, WORKER, DURESS) == ordinary
    assert window.is_locked
    # Unreadable without the recovery key: the real passphrases now get the same message.
    assert _message_for(qtbot, window, ADMIN, ADMIN_PASSPHRASE) == ordinary
    assert _message_for(qtbot, window, WORKER, WORKER_PASSPHRASE) == ordinary
    slots = SlotFile.load(vault.slots_path)
    for slot in (s for s in slots.slots if s.kind in ("member", "user")):
        for passphrase in (ADMIN_PASSPHRASE, WORKER_PASSPHRASE, DURESS):
            assert slots.unwrap_user(slot, passphrase) is None
    # Readable with it.
    with vault.unlock_with_recovery(recovery_key, ADMIN, "a new passphrase for aysel") as s:
        assert s.connection.execute("SELECT count(*) FROM users").fetchone() == (2,)


def test_erase_now_from_the_vault_menu_locks_and_needs_the_recovery_key(qtbot, setup) -> None:
    vault, recovery_key = setup
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    dialog = window.menus.open_emergency()
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, CONFIRM_WORD)
    assert dialog.erase_button.isEnabled()
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert window.is_locked
    assert _message_for(qtbot, window, ADMIN, ADMIN_PASSPHRASE) == \
        WrongPassphrase().user_message()
    with vault.unlock_with_recovery(recovery_key, ADMIN, "a new passphrase for aysel"):
        pass
