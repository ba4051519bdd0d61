"""A recovery key never confirmed (a crash on the wizard's last page) is known to the vault,
said at the next unlock, and a coordinator can issue a new one (`shelterdesk recovery-key
new`), the old one then void, and confirm it by typing it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shelterdesk.store.errors import WrongRecoveryKey
from shelterdesk.store.vault import Vault
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock


def test_a_new_key_from_the_cli_voids_the_old_one(created_vault: tuple[Vault, str]) -> None:
    vault, old_key = created_vault
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not session.recovery_key_confirmed()  # created, never typed back
    data = ["--data-dir", str(vault.directory), "--user", ADMIN]
    issued = run_cli("recovery-key", "new", "--json", *data, passphrase=ADMIN_PASSPHRASE)
    assert issued.returncode == 0, issued.stderr
    new_key = json.loads(issued.stdout)["recovery_key"]
    assert new_key != old_key
    with pytest.raises(WrongRecoveryKey):
        vault.unlock_with_recovery(old_key, ADMIN, "a brand new passphrase")
    wrong = run_cli("recovery-key", "confirm", *data, passphrase=ADMIN_PASSPHRASE,
                    env={"SHELTERDESK_RECOVERY_KEY": old_key})
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert not session.recovery_key_confirmed()
    right = run_cli("recovery-key", "confirm", *data, passphrase=ADMIN_PASSPHRASE,
                    env={"SHELTERDESK_RECOVERY_KEY": new_key})
    assert right.returncode == 0, right.stderr
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.recovery_key_confirmed()
        actions = [r[0] for r in session.connection.execute("SELECT action FROM audit_log")]
        assert "recovery.new" in actions and "recovery.confirm" in actions
    with vault.unlock_with_recovery(new_key, ADMIN, "a brand new passphrase"):
        pass


def test_only_a_coordinator_issues_a_key(admin_session, vault: Vault) -> None:
    from shelterdesk.domain.errors import PermissionDenied
    from shelterdesk.domain.roles import Role
    from shelterdesk.store.keys import users

    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    with vault.unlock("leyla", "case worker passphrase") as session, \
            pytest.raises(PermissionDenied):
        session.replace_recovery_key()


@pytest.mark.gui
def test_the_window_says_so_at_unlock(qtbot, vault: Vault, tmp_path: Path) -> None:
    # Said in a banner across the top and a lasting status bar label: the overdue-backup
    # message (another branch) now overwrites passing status bar messages at unlock.
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    banner = window.work_area.recovery_notice
    assert banner.isVisible()
    assert "never confirmed" in window.work_area.recovery_notice_label.text()
    assert "recovery-key new" in window.work_area.recovery_notice_label.text()
    assert window.work_area.recovery_notice_button.isVisible()  # a coordinator may act
    assert window.recovery_label.isVisible()
    assert "never confirmed" in window.recovery_label.text()
    window.backup_watch.status.emit("The last backup is 9 days old.", 15_000)
    assert window.recovery_label.isVisible() and banner.isVisible()
    window.session.confirm_recovery_key()
    window.lock_now()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert not window.work_area.recovery_notice.isVisible()
    assert not window.recovery_label.isVisible()
    assert "never confirmed" not in window.statusBar().currentMessage()
    window.close()


@pytest.mark.gui
def test_a_coordinator_issues_a_new_key_in_the_window(
        qtbot, created_vault: tuple[Vault, str]) -> None:
    import shiboken6
    from PySide6.QtCore import Qt

    from shelterdesk.store.keys import recovery
    from shelterdesk.ui.shell.new_recovery_key_dialog import NewRecoveryKeyDialog

    vault, old_key = created_vault
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.menus.recovery_key_action.text() == "Issue a new recovery key…"
    qtbot.mouseClick(window.work_area.recovery_notice_button, Qt.MouseButton.LeftButton)
    dialog = window.menus.recovery_key_dialog
    assert isinstance(dialog, NewRecoveryKeyDialog) and dialog.isVisible()
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.retranslate_ui()
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    new_key = dialog.key_label.text()
    assert new_key and new_key != old_key
    assert len(recovery.groups(new_key)) > 1  # shown in groups, as on paper
    assert not dialog.done_button.isEnabled()
    wrong = "00000" if dialog.expected_group() != "00000" else "11111"
    qtbot.keyClicks(dialog.group_edit, wrong)
    assert not dialog.done_button.isEnabled()
    assert dialog.feedback_label.objectName() == "errorMessage"
    dialog.group_edit.clear()
    qtbot.keyClicks(dialog.group_edit, dialog.expected_group().lower())
    assert dialog.done_button.isEnabled()
    assert dialog.feedback_label.objectName() == "okMessage"
    with qtbot.waitSignal(window.menus.recovery_key_confirmed):
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # deleted on close
    assert not window.work_area.recovery_notice.isVisible()
    assert not window.recovery_label.isVisible()
    assert window.session.recovery_key_confirmed()
    actions = [r[0] for r in window.session.connection.execute("SELECT action FROM audit_log")]
    assert "recovery.new" in actions and "recovery.confirm" in actions
    window.close()
    with pytest.raises(WrongRecoveryKey):
        vault.unlock_with_recovery(old_key, ADMIN, "a brand new passphrase")
    with vault.unlock_with_recovery(new_key, ADMIN, "a brand new passphrase"):
        pass


@pytest.mark.gui
def test_a_case_worker_is_told_to_ask_a_coordinator(qtbot, admin_session, vault: Vault) -> None:
    from shelterdesk.domain.roles import Role
    from shelterdesk.store.keys import users

    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    admin_session.close()
    window = make_window(qtbot, vault)
    unlock(qtbot, window, "leyla", "case worker passphrase")
    assert window.work_area.recovery_notice.isVisible()
    assert "coordinator" in window.work_area.recovery_notice_label.text()
    assert not window.work_area.recovery_notice_button.isVisible()
    assert window.menus.open_new_recovery_key() is None
    window.close()
