"""Enrollment codes, one passphrase on every laptop, revocation and key epochs, rollback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shelterdesk.domain.roles import Role
from shelterdesk.store.connection import transaction
from shelterdesk.store.errors import UnknownUser, UserDisabled, WrongPassphrase
from shelterdesk.store.keys import users
from shelterdesk.store.replication import changes, registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import enrollment, service
from shelterdesk.sync.errors import (
    InvalidEnrollmentCode,
    RollbackDetected,
)
from tests.sync_helpers import ADMIN, PASSPHRASE, MemoryTransport, build_org


def test_codes_are_short_and_catch_typos() -> None:
    secret = bytes(range(10))
    code = enrollment.format_code(secret)
    assert len(code) == 4 * 4 + 4 + 1 and code.count("-") == 4
    assert enrollment.parse_code(code) == secret
    assert enrollment.parse_code(code.lower().replace("-", " ")) == secret
    for index in (0, 5, 18):
        wrong = code[:index] + ("Z" if code[index] != "Z" else "Y") + code[index + 1:]
        with pytest.raises(InvalidEnrollmentCode):
            enrollment.parse_code(wrong)


# A code's single use, expiry and a failed join: tests/test_enrollment.py.


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def _vaults(org, tmp_path: Path) -> tuple[Vault, Vault, MemoryTransport]:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    import copy

    return Vault(tmp_path / "a"), Vault(tmp_path / "b"), MemoryTransport(copy.deepcopy(org.store))


def _sync(vault: Vault, transport, user: str = ADMIN, passphrase: str = PASSPHRASE):
    with vault.unlock(user, passphrase) as session:
        return service.sync_now(session, transport)


def test_one_passphrase_opens_every_laptop(org, tmp_path: Path) -> None:
    a, b, transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, "leyla", [Role.CASE_WORKER], "leyla's first passphrase")
        users.add_user(session, "nigar", [Role.MEDICAL], "nigar's passphrase here")
        service.sync_now(session, transport)
    _sync(b, transport)
    b.unlock("leyla", "leyla's first passphrase").close()
    with a.unlock("leyla", "leyla's first passphrase") as session:  # changed on a ...
        users.change_own_passphrase(session, "leyla's first passphrase", "leyla's new one!")
        service.sync_now(session, transport)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.disable_user(session, "nigar")
        service.sync_now(session, transport)
    _sync(b, transport)
    b.unlock("leyla", "leyla's new one!").close()  # ... reaches b
    with pytest.raises(WrongPassphrase):
        b.unlock("leyla", "leyla's first passphrase")
    with pytest.raises((UserDisabled, UnknownUser)):
        b.unlock("nigar", "nigar's passphrase here")
    # Each laptop keeps its own vault key: b's slot file cannot open a's database.
    a_slots, b_slots = a.load_slots(), b.load_slots()
    key_a = a_slots.unwrap_user(a_slots.find(a_slots.slot_id_for("leyla")), "leyla's new one!")
    key_b = b_slots.unwrap_user(b_slots.find(b_slots.slot_id_for("leyla")), "leyla's new one!")
    assert key_a != key_b
    for path in (a.slots_path, b.slots_path):
        raw = path.read_bytes()
        assert b"leyla" not in raw and b"nigar" not in raw


def test_a_revoked_laptop_is_refused_and_gets_no_new_key(org, tmp_path: Path) -> None:
    a, b, transport = _vaults(org, tmp_path)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        b_id = service.this_device(session).device_id
        with transaction(session.connection):
            session.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                       " VALUES ('before', 'Before revocation', '', 'c')")
        service.sync_now(session, transport)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
        after, epoch = service.revoke(session, b_id)
        assert epoch == 2 and after >= 1
        service.sync_now(session, transport)
    # b, stolen, keeps writing and syncing:
    with b.unlock(ADMIN, PASSPHRASE) as session:
        with transaction(session.connection):
            session.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                       " VALUES ('after', 'After revocation', '', 'c')")
        summary = service.sync_now(session, transport)
        assert "newer_key_missing" in summary.warnings
        assert 2 not in registry.epoch_keys(session.connection)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        summary = service.sync_now(session, transport)
        names = {r[0] for r in session.connection.execute("SELECT id FROM shelters")}
        assert "before" in names and "after" not in names
        assert "revoked_device" in {p.reason for p in summary.rejected}
        with transaction(session.connection):
            session.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                       " VALUES ('secret', 'Only for the remaining', '', 'c')")
        service.sync_now(session, transport)
        epochs = {r[0] for r in session.connection.execute("SELECT epoch FROM sync_epochs")}
        assert epochs == {1, 2}
    newest = max(r for (_o, r) in transport.store.envelopes if r.device_id != b_id)
    blob = transport.store.envelopes[(next(iter(transport.store.envelopes))[0], newest)]
    assert int.from_bytes(blob[37:41], "big") == 2  # sealed under the new epoch
    with b.unlock(ADMIN, PASSPHRASE) as session:  # b cannot read what came after
        service.sync_now(session, transport)
        names = {r[0] for r in session.connection.execute("SELECT id FROM shelters")}
        assert "secret" not in names


def test_a_vault_restored_from_an_older_copy_stops_syncing(org, tmp_path: Path) -> None:
    a, b, transport = _vaults(org, tmp_path)
    _sync(a, transport)
    shutil.copytree(a.directory, tmp_path / "a-old-copy")
    with a.unlock(ADMIN, PASSPHRASE) as session:
        with transaction(session.connection):
            session.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                       " VALUES ('s', 'Written after the copy', '', 'c')")
        service.sync_now(session, transport)
    _sync(b, transport)  # b acknowledges a's newer changes
    shutil.rmtree(a.directory)
    shutil.copytree(tmp_path / "a-old-copy", a.directory)  # restored from the old copy
    with a.unlock(ADMIN, PASSPHRASE) as session:
        before = changes.last_seq(session.connection)
        with pytest.raises(RollbackDetected):
            service.sync_now(session, transport)
        with transaction(session.connection):  # a new change would reuse a seq b holds
            session.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                                       " VALUES ('t', 'New after restore', '', 'c')")
        with pytest.raises(RollbackDetected):
            service.sync_now(session, transport)
        actions = [r[0] for r in session.connection.execute(
            "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 5")]
        assert "sync.rollback_detected" in actions
        assert changes.last_seq(session.connection) == before + 1
    with b.unlock(ADMIN, PASSPHRASE) as session:
        assert session.connection.execute(
            "SELECT count(*) FROM shelters WHERE id = 't'").fetchone()[0] == 0


def test_a_file_forged_into_our_own_directory_does_not_halt_us(org, tmp_path: Path) -> None:
    a, b, transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        me = service.this_device(session).device_id
        org_id = service.this_device(session).org_id
    from shelterdesk.sync.transport import EnvelopeRef

    transport.store.envelopes[(org_id, EnvelopeRef(me, 900, 950))] = b"SDE1" + b"x" * 300
    summary = _sync(a, transport)  # no RollbackDetected
    assert summary.org_id == org_id
