"""Administration → Users and ``user list`` show whether the signed chain proves each role."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.store.connection import open_database, transaction
from shelterdesk.store.keys import sealing, users
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.vault import Vault
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def _promote_outside_the_program(vault: Vault, username: str, passphrase: str) -> None:
    slots = SlotFile.load(vault.slots_path)
    key = slots.unwrap_user(slots.find(slots.slot_id_for(username)), passphrase)
    connection = open_database(vault.database_path, key)
    with transaction(connection):
        connection.execute("UPDATE users SET roles = 'coordinator' WHERE username = ?",
                           (username,))
    connection.close()


def test_the_users_page_marks_a_role_no_coordinator_signed(qtbot, vault: Vault,
                                                           admin_session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.add_user(admin_session, "nigar", [Role.MEDICAL], "nigar's passphrase")
    admin_session.close()
    _promote_outside_the_program(vault, "leyla", WORKER_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=WAIT_MS)
    column = page.model.Columns.SIGNED
    assert page.model.headerData(column, Qt.Orientation.Horizontal) == "Signed roles"
    texts = {page.model.user_at(r).username: page.model.index(r, column).data()
             for r in range(3)}
    assert texts[ADMIN].startswith("founding coordinator")
    assert texts["nigar"].startswith(f"verified: signed by {ADMIN}")
    assert texts["leyla"].startswith("⚠ changed outside ShelterDesk to Coordinator")
    roles = {page.model.user_at(r).username: page.model.user_at(r).roles for r in range(3)}
    assert roles["leyla"] == (Role.CASE_WORKER,)  # what counts, and what the dialog starts from
    row = [page.model.user_at(r).username for r in range(3)].index("leyla")
    assert page.model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) \
        == Qt.GlobalColor.darkRed
    # Changing roles in the window signs them: the warning goes.
    page.table.selectRow(row)
    dialog = page.open_roles_dialog()
    dialog.role_boxes[Role.LEGAL_ADVISOR].setChecked(True)
    with qtbot.waitSignal(dialog.done, timeout=WAIT_MS):
        dialog.save()
    qtbot.waitUntil(lambda: page.model.index(row, column).data().startswith("verified"),
                    timeout=WAIT_MS)
    assert set(page.model.user_at(row).roles) == {Role.CASE_WORKER, Role.LEGAL_ADVISOR}
    window.close()


def test_user_list_on_the_command_line_says_the_same(vault: Vault, admin_session,
                                                    vault_dir) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    admin_session.close()
    _promote_outside_the_program(vault, "leyla", WORKER_PASSPHRASE)
    listed = run_cli("user", "list", "--data-dir", str(vault_dir), "--user", ADMIN,
                     passphrase=ADMIN_PASSPHRASE)
    assert listed.returncode == 0, listed.stderr
    assert "⚠ changed outside ShelterDesk to Coordinator" in listed.stdout
    assert "founding coordinator" in listed.stdout
    data = run_cli("user", "list", "--json", "--data-dir", str(vault_dir), "--user", ADMIN,
                   passphrase=ADMIN_PASSPHRASE)
    entries = {u["username"]: u for u in json.loads(data.stdout)}
    assert entries["leyla"]["roles"] == ["case_worker"]  # what counts
    assert entries["leyla"]["signed"]["claimed"] == ["coordinator"]  # what the table says
    assert not entries["leyla"]["signed"]["verified"]
    assert entries[ADMIN]["signed"]["founder"] and entries[ADMIN]["signed"]["verified"]


def test_the_sync_screen_says_when_unsigned_roster_changes_were_refused(
        qtbot, vault: Vault) -> None:
    from shelterdesk.sync import engine

    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.work_area.select_area(Area.SYNC)
    tab = window.work_area.page_for[Area.SYNC].status_tab
    summary = engine.SyncSummary(warnings=[engine.ROSTER_ATTACK], problems=[
        engine.Problem("users/x", "unsigned_role_change", False)])
    tab._on_finished(summary)
    assert "no coordinator signed" in tab.progress_label.text()
    assert "refused and not applied" in tab.progress_label.text()
    window.close()


def test_roles_and_re_enabling_on_the_command_line_are_signed(vault: Vault, admin_session,
                                                              vault_dir) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.disable_user(admin_session, "leyla")
    admin_session.close()
    common = ("--data-dir", str(vault_dir), "--user", ADMIN)
    changed = run_cli("user", "roles", "leyla", "--role", "legal_advisor", "--role", "medical",
                      *common, passphrase=ADMIN_PASSPHRASE)
    assert changed.returncode == 0, changed.stderr
    enabled = run_cli("user", "enable", "leyla", *common, passphrase=ADMIN_PASSPHRASE,
                      new_passphrase="leyla is back again")
    assert enabled.returncode == 0, enabled.stderr
    unknown = run_cli("user", "roles", "leyla", "--role", "boss", *common,
                      passphrase=ADMIN_PASSPHRASE)
    assert unknown.returncode != 0 and "Unknown role" in unknown.stderr
    with vault.unlock("leyla", "leyla is back again") as session:
        assert set(session.user.roles) == {Role.LEGAL_ADVISOR, Role.MEDICAL}
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        leyla = next(u for u in users.list_users(session) if u.username == "leyla")
        proof = users.role_proofs(session)[leyla.id]
        assert proof.matches and proof.signed_by == ADMIN


def test_a_key_swapped_outside_the_program_is_marked_until_a_reset(
        qtbot, vault: Vault, admin_session, vault_dir) -> None:
    """A colleague's X25519 key rewritten in user_secrets: the window and ``user list``
    say her keys are not the signed ones; resetting her passphrase in the window signs
    new ones and the warning goes."""
    users.add_user(admin_session, "leyla", [Role.LEGAL_ADVISOR], WORKER_PASSPHRASE)
    admin_session.close()
    slots = SlotFile.load(vault.slots_path)
    key = slots.unwrap_user(slots.find(slots.slot_id_for("leyla")), WORKER_PASSPHRASE)
    connection = open_database(vault.database_path, key)
    with transaction(connection):
        connection.execute("UPDATE user_secrets SET public_key = ? WHERE user_id = (SELECT id"
                           " FROM users WHERE username = 'leyla')",
                           (sealing.public_key(sealing.new_private_key()),))
    connection.close()
    data = run_cli("user", "list", "--json", "--data-dir", str(vault_dir), "--user", ADMIN,
                   passphrase=ADMIN_PASSPHRASE)
    entries = {u["username"]: u for u in json.loads(data.stdout)}
    assert entries["leyla"]["signed"]["keys_verified"] is False
    assert entries[ADMIN]["signed"]["keys_verified"] is True
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT_MS)
    column = page.model.Columns.SIGNED
    row = [page.model.user_at(r).username for r in range(2)].index("leyla")
    assert page.model.index(row, column).data().startswith(
        f"⚠ her keys are not the ones {ADMIN} signed")
    assert page.model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) \
        == Qt.GlobalColor.darkRed
    page.table.selectRow(row)
    dialog = page.open_reset_dialog()
    dialog.passphrase.passphrase_edit.setText("leyla's new passphrase")
    dialog.passphrase.repeat_edit.setText("leyla's new passphrase")
    with qtbot.waitSignal(dialog.passphrase_reset, timeout=WAIT_MS):
        dialog.save()
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.index(
        row, column).data().startswith("verified"), timeout=WAIT_MS)
    window.close()
    with vault.unlock("leyla", "leyla's new passphrase") as leyla:
        assert leyla.compartments.has("legal")
