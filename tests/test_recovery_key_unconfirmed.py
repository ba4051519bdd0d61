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
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert "never confirmed" in window.statusBar().currentMessage()
    assert "recovery-key new" in window.statusBar().currentMessage()
    window.session.confirm_recovery_key()
    window.lock_now()
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert "never confirmed" not in window.statusBar().currentMessage()
    window.close()
