"""Vault → Rotate keys… in the window: the rotation runs in the background with progress,
and the slot file copied before no longer opens the vault."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shelterdesk.store.connection import open_database
from shelterdesk.store.errors import DatabaseDamaged
from shelterdesk.store.keys.keyslots import SlotFile
from tests.cases_helpers import WAIT_MS
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock


def test_a_coordinator_rotates_the_keys_from_the_vault_menu(qtbot, vault) -> None:
    old = SlotFile.load(vault.slots_path)
    old_key = old.unwrap_user(old.find(old.slot_id_for(ADMIN)), ADMIN_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.menus.rotate_keys_action in window.menus.vault_menu.actions()
    dialog = window.menus.open_rotate_keys()
    assert dialog.rotate_button.accessibleName()
    with qtbot.waitSignal(dialog.rotated, timeout=WAIT_MS * 4):
        qtbot.mouseClick(dialog.rotate_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.value() == dialog.progress.maximum() > 0
    assert "no longer open" in dialog.message_label.text()
    with pytest.raises(DatabaseDamaged):
        open_database(vault.database_path, old_key)
    window.lock_now()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert not window.is_locked
