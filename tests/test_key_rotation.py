"""Key rotation: the attacker's steps with the raw files, after a user is disabled.

She copied keyslots.bin (and a backup) while she could, and read every row her
core key opened — including every user's user key. After her disabling the
live vault is rekeyed: none of that opens it, nor a client added since.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from shelterdesk.domain.care import LegalConsultation
from shelterdesk.domain.roles import Role
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.format import read_keyslots, read_layout
from shelterdesk.store.connection import open_database, transaction
from shelterdesk.store.errors import DatabaseDamaged, VaultError
from shelterdesk.store.keys import compartments, users
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.records import care
from shelterdesk.store.vault import Vault
from tests.cli_helpers import run_cli
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.raw_pages import everything_readable
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login

WORKER = ROLE_USERS[Role.CASE_WORKER]


def _her_keys(raw_slots: bytes, passphrase: str = ROLE_PASSPHRASE) -> bytearray:
    slots = SlotFile.parse(raw_slots)
    key = slots.unwrap_user(slots.find(slots.slot_id_for(WORKER)), passphrase)
    assert key is not None
    return key


def test_a_disabled_user_s_old_slot_file_and_backup_do_not_open_the_live_vault(
        tmp_path) -> None:
    vault = Vault(tmp_path / "vault")
    recovery_key = vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU").recovery_key
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        intake(admin)
    # What she takes while she still can: the slot file, a backup, every row she can read.
        backup = create_backup(admin, tmp_path / "old.sdbackup").path
    old_slots = vault.slots_path.read_bytes()
    old_key = _her_keys(old_slots)
    connection = open_database(vault.database_path, old_key)
    user_keys = [bytes(r[0]) for r in connection.execute("SELECT user_key FROM user_secrets")]
    connection.close()

    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        users.disable_user(admin, WORKER)
        intake(admin, given_name="Afterwards", family_name="Newclientova")

    # 1. Her own copy of keyslots.bin, her passphrase: the key no longer opens vault.db.
    with pytest.raises(DatabaseDamaged):
        open_database(vault.database_path, old_key)
    # 2. The backup's own slot file, beside the live vault.
    backup_key = _her_keys(read_keyslots(read_layout(backup)))
    with pytest.raises(DatabaseDamaged):
        open_database(vault.database_path, backup_key)
    # 3. The old file restored beside the live vault: the app refuses too.
    live = vault.slots_path.read_bytes()
    vault.slots_path.write_bytes(old_slots)
    with pytest.raises(VaultError):
        Vault(vault.directory).unlock(WORKER, ROLE_PASSPHRASE).close()
    vault.slots_path.write_bytes(live)
    # 4. Every user key she read: none opens any slot of the new file (sealed to X25519).
    new = SlotFile.parse(live)
    for slot in new.slots:
        if slot.kind in ("member", "personal"):
            assert slot.kind == "personal"
    for user_key in user_keys:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        for slot in new.slots:
            if slot.kind == "personal":
                with pytest.raises(Exception):  # noqa: B017 - any failure to decrypt
                    AESGCM(user_key).decrypt(slot.wrap_nonce, slot.wrap_ct, new._aad(slot))
    # The others still work: their passphrases, and the printed recovery key.
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        key_now = bytes(admin._vault_key)
        assert b"Newclientova" in everything_readable(vault.database_path, key_now)
    assert SlotFile.parse(live).unwrap_recovery(
        __import__("shelterdesk.store.keys.recovery", fromlist=["parse"]).parse(
            recovery_key)) is not None
    login(vault, Role.MEDICAL).close()
    # The old backup still opens with the passphrases valid when it was made (docs/backups).
    key_of_backup = _her_keys(read_keyslots(read_layout(backup)))
    assert key_of_backup == backup_key


def test_rotate_keys_reseals_the_compartments_and_keeps_everyone_in(tmp_path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        case = intake(admin)
        care.add_legal_consultation(admin, LegalConsultation(case.id, date(2026, 3, 5),
                                                             "compensation", summary="kept"))
        before = admin.connection.execute(
            "SELECT summary FROM legal_consultations").fetchone()[0]
        from shelterdesk.sync import devices

        with transaction(admin.connection) as connection:
            devices.ensure_org(connection)
        epoch_before = admin.connection.execute(
            "SELECT max(epoch) FROM sync_epochs").fetchone()[0]
    old_slots = vault.slots_path.read_bytes()
    result = run_cli("--data-dir", str(vault.directory), "--user", ADMIN, "keys", "rotate",
                     passphrase=ADMIN_PASSPHRASE)
    assert result.returncode == 0, result.stderr
    assert "no longer open it" in result.stdout
    assert vault.slots_path.read_bytes() != old_slots
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        after = admin.connection.execute("SELECT summary FROM legal_consultations").fetchone()[0]
        assert after.split(":")[2] != before.split(":")[2]  # a new key id
        assert compartments.is_sealed(after)
        assert admin.connection.execute(
            "SELECT max(epoch) FROM sync_epochs").fetchone()[0] == epoch_before + 1
        assert admin.connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'keys.rotate'").fetchone()[0] == 1
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        assert [c.summary for c in care.list_legal_consultations(lawyer, case.id)] == ["kept"]
    with pytest.raises(DatabaseDamaged):
        open_database(vault.database_path, SlotFile.parse(old_slots).unwrap_user(
            SlotFile.parse(old_slots).find(SlotFile.parse(old_slots).slot_id_for(ADMIN)),
            ADMIN_PASSPHRASE))


def test_a_rotation_cut_short_before_the_move_is_settled_at_unlock(tmp_path,
                                                                    monkeypatch) -> None:
    from shelterdesk.store.keys import rotation

    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        intake(admin)

        def crash(*_args) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(rotation, "_move_into_place", crash)
        with pytest.raises(KeyboardInterrupt):
            rotation.rotate(admin, reason="test")
        monkeypatch.undo()
    assert (vault.directory / "keyslots.bin.next").is_file()
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        assert admin.connection.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    assert not (vault.directory / "keyslots.bin.next").exists()
    shutil.rmtree(vault.directory)
