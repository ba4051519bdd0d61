"""The roster is the coordinators' alone (issue 20 item 2; issue 18 item 3 over sync).

Role changes and laptop changes travel with coordinator-signed statements; a laptop
refuses, does not apply and reports (summary, audit) what no coordinator signed. The
attacker works with the project's own functions on her own laptop's database.
"""

from __future__ import annotations

import copy
import json
import shutil
import threading
from pathlib import Path

import pytest

from shelterdesk.domain.roles import Role
from shelterdesk.store.connection import Connection, open_database, transaction
from shelterdesk.store.keys import roster, roster_signing, users
from shelterdesk.store.replication import changes, registry
from shelterdesk.store.vault import Vault
from shelterdesk.sync import crypto, engine, records, service
from tests.sync_helpers import (
    ADMIN,
    PASSPHRASE,
    MemoryTransport,
    build_org,
    join_with_code,
    vault_key,
)

BOB = "bob"
BOB_PASSPHRASE = "bob's own passphrase"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b", "c"))


def _vaults(org, tmp_path: Path) -> tuple[list[Vault], MemoryTransport]:
    for name in ("a", "b", "c"):
        shutil.copytree(org.root / name, tmp_path / name)
    return [Vault(tmp_path / n) for n in ("a", "b", "c")], MemoryTransport(
        copy.deepcopy(org.store))


def _sync(vault: Vault, transport, user: str = ADMIN, passphrase: str = PASSPHRASE):
    with vault.unlock(user, passphrase) as session:
        return service.sync_now(session, transport)


def _insider(vault: Vault) -> Connection:
    """The laptop's database opened outside the program, with its own key and functions."""
    return open_database(vault.database_path, vault_key(vault.directory))


def _refusals(vault: Vault) -> list[dict]:
    connection = _insider(vault)
    try:
        return [json.loads(r[0]) | {"object": r[1]} for r in connection.execute(
            "SELECT detail, object_id FROM audit_log WHERE action = 'sync.roster_refused'")]
    finally:
        connection.close()


def test_a_role_she_gave_herself_is_refused_by_the_other_laptop(org, tmp_path: Path) -> None:
    (a, b, _c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        bob_id = next(u.id for u in users.list_users(session) if u.username == BOB)
        service.sync_now(session, transport)
    _sync(b, transport)
    connection = _insider(a)  # bob, on laptop a, with the vault open outside the program
    with transaction(connection):
        connection.execute("UPDATE users SET roles = 'coordinator' WHERE id = ?", (bob_id,))
    connection.close()
    _sync(a, transport, BOB, BOB_PASSPHRASE)  # the change goes out as an ordinary one
    summary = _sync(b, transport)
    assert (f"users/{bob_id}", "unsigned_role_change") in {
        (p.where, p.reason) for p in summary.rejected}
    assert engine.ROSTER_ATTACK in summary.warnings
    assert any(r["object"] == bob_id and r["reason"] == "unsigned_role_change"
               for r in _refusals(b))
    with b.unlock(ADMIN, PASSPHRASE) as session:
        row = session.connection.execute("SELECT roles FROM users WHERE id = ?",
                                         (bob_id,)).fetchone()
        assert row[0] == "case_worker"  # not applied
    with b.unlock(BOB, BOB_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_a_signed_role_change_travels_and_is_believed(org, tmp_path: Path) -> None:
    (a, b, _c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        users.set_roles(session, BOB, [Role.COORDINATOR])
        summary = service.sync_now(session, transport)
    summary = _sync(b, transport)
    assert not summary.rejected and engine.ROSTER_ATTACK not in summary.warnings
    with b.unlock(BOB, BOB_PASSPHRASE) as session:  # bob signs on laptop b with his own key
        assert session.user.roles == (Role.COORDINATOR,)
        users.add_user(session, "leyla", [Role.MEDICAL], "leyla's passphrase")
        service.sync_now(session, transport)
    summary = _sync(a, transport)
    assert not summary.rejected
    with a.unlock("leyla", "leyla's passphrase") as session:
        assert session.user.roles == (Role.MEDICAL,)


def test_a_statement_signed_by_a_non_coordinator_is_refused(org, tmp_path: Path) -> None:
    (a, b, _c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        bob_id = next(u.id for u in users.list_users(session) if u.username == BOB)
        service.sync_now(session, transport)
    _sync(b, transport)
    connection = _insider(a)
    own = roster.new_private_key()
    proof = roster.evaluate(connection).proofs[bob_id]
    forged = roster.sign(own, roster.user_body(
        bob_id, ["coordinator"], disabled=False, key=roster.public_of(own),
        serial=proof.serial + 1, prev=proof.statement_id))
    with transaction(connection):
        roster.store(connection, forged)
        connection.execute("UPDATE users SET roles = 'coordinator' WHERE id = ?", (bob_id,))
    connection.close()
    _sync(a, transport, BOB, BOB_PASSPHRASE)
    summary = _sync(b, transport)
    reasons = {p.reason for p in summary.rejected}
    assert {"not_a_coordinator", "unsigned_role_change"} <= reasons
    with b.unlock(BOB, BOB_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_an_ordinary_laptop_cannot_rewrite_the_laptop_list(org, tmp_path: Path) -> None:
    """Laptop b, opened outside the program, revokes the founder's laptop a and vouches
    for a key never enrolled; laptop c refuses both, and a stays in the organisation."""
    (a, b, c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        a_id = service.this_device(session).device_id
    intruder_sign, intruder_kx = crypto.new_signing_key(), crypto.new_exchange_key()
    connection = _insider(b)
    with transaction(connection):
        changes.append_control(connection, "revoke", a_id, {"after": 0, "epoch": 2})
        changes.append_control(connection, "device", "intruder", {
            "sign_pub": records.b64(crypto.signing_public(intruder_sign)),
            "kx_pub": records.b64(crypto.exchange_public(intruder_kx)),
            "invite_id": "none", "label": "intruder"})
        changes.append_control(connection, "invite", "fake-invite", {
            "invite_pub": records.b64(crypto.signing_public(intruder_sign)),
            "expires_at": "2999-01-01T00:00:00.000000Z"})
    connection.close()
    _sync(b, transport)
    summary = _sync(c, transport)
    refused = {(p.where, p.reason) for p in summary.rejected}
    assert (f"revoke/{a_id}", "unsigned_device_change") in refused
    assert ("device/intruder", "unsigned_device_change") in refused
    assert ("invite/fake-invite", "unsigned_device_change") in refused
    assert engine.ROSTER_ATTACK in summary.warnings
    assert {r["object"] for r in _refusals(c)} >= {a_id, "intruder", "fake-invite"}
    with c.unlock(ADMIN, PASSPHRASE) as session:
        assert not registry.device(session.connection, a_id).revoked
        assert registry.device(session.connection, "intruder") is None
        assert registry.invite(session.connection, "fake-invite") is None
    # a itself is not fooled either, and goes on syncing with c.
    summary = _sync(a, transport)
    assert (f"revoke/{a_id}", "unsigned_device_change") in {
        (p.where, p.reason) for p in summary.rejected}
    with a.unlock(ADMIN, PASSPHRASE) as session:
        assert registry.device(session.connection, "intruder") is None


def test_a_coordinator_removes_a_laptop_with_a_signed_statement(org, tmp_path: Path) -> None:
    (a, b, c), transport = _vaults(org, tmp_path)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        b_id = service.this_device(session).device_id
    with a.unlock(ADMIN, PASSPHRASE) as session:
        service.revoke(session, b_id)
        control = session.connection.execute(
            "SELECT value FROM change_log WHERE tbl = '~revoke'").fetchone()
        assert "statement" in json.loads(control[0])
        service.sync_now(session, transport)
    summary = _sync(c, transport)
    assert not summary.rejected
    with c.unlock(ADMIN, PASSPHRASE) as session:
        assert registry.device(session.connection, b_id).revoked


def test_a_new_laptop_pins_the_founding_key_from_its_invitation(org, tmp_path: Path) -> None:
    (a, _b, _c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        root = roster.root(session.connection)
        invitation = service.invite(session, transport)
    join_with_code(a, invitation.code, transport, tmp_path / "d")
    with Vault(tmp_path / "d").unlock(ADMIN, PASSPHRASE) as session:
        assert roster.root(session.connection) == root
        assert session.user.roles == (Role.COORDINATOR,)


def test_deleting_the_chain_on_one_laptop_does_not_delete_it_elsewhere(
        org, tmp_path: Path) -> None:
    (a, b, _c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        service.sync_now(session, transport)
    _sync(b, transport)
    connection = _insider(a)
    with transaction(connection):
        connection.execute("DELETE FROM roster_statements")
        connection.execute("DELETE FROM roster_keys")
    # She syncs her laptop with the program's own engine, outside the window.
    engine.run(engine.SyncContext(connection, threading.RLock(), a.directory), transport)
    connection.close()
    with pytest.raises(roster_signing.RolesNotProven):  # her own laptop's chain is gone
        a.unlock(ADMIN, PASSPHRASE)
    summary = _sync(b, transport)
    assert any(p.where.startswith("roster_statements/") and p.reason == "unsigned_role_change"
               for p in summary.rejected)
    assert engine.ROSTER_ATTACK in summary.warnings
    with b.unlock(BOB, BOB_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)
        assert session.connection.execute("SELECT count(*) FROM roster_keys").fetchone()[0]


def test_an_organisation_from_before_signed_roles_takes_its_founders_root(
        org, tmp_path: Path) -> None:
    """Upgrade: every laptop without a chain; the founding laptop's first coordinator unlock
    founds it (trust on first use), and the other laptops take that root by sync."""
    (a, b, _c), transport = _vaults(org, tmp_path)
    for vault in (a, b):
        connection = _insider(vault)
        with transaction(connection):  # as before this version, and not captured
            connection.execute("UPDATE sync_state SET applying = 1")
            connection.execute("DELETE FROM roster_statements")
            connection.execute("DELETE FROM roster_keys")
            connection.execute("DELETE FROM meta WHERE key = 'roster_root'")
            connection.execute("UPDATE sync_state SET applying = 0")
        connection.close()
    with b.unlock(ADMIN, PASSPHRASE) as session:  # a member laptop does not found it
        assert roster.root(session.connection) is None
    with a.unlock(ADMIN, PASSPHRASE) as session:
        root = roster.root(session.connection)
        assert root is not None
        service.sync_now(session, transport)
    summary = _sync(b, transport)
    assert not summary.rejected
    with b.unlock(ADMIN, PASSPHRASE) as session:
        assert roster.root(session.connection) == root
        assert session.user.roles == (Role.COORDINATOR,)


class _Hiding(MemoryTransport):
    """A transport that does not list one laptop's envelopes (yet)."""

    hidden: frozenset[str] = frozenset()

    def list_envelopes(self, beyond):
        return [r for r in super().list_envelopes(beyond) if r.device_id not in self.hidden]


def test_what_a_new_coordinator_signs_waits_for_her_own_grant(org, tmp_path: Path) -> None:
    """Laptop c hears from b (where bob, made coordinator on a, signs) before it hears from
    a: bob's statements wait instead of being taken for an attack, and count once a's
    envelope with bob's grant arrives."""
    (a, b, c), transport = _vaults(org, tmp_path)
    with a.unlock(ADMIN, PASSPHRASE) as session:
        a_id = service.this_device(session).device_id
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        users.set_roles(session, BOB, [Role.COORDINATOR])
        service.sync_now(session, transport)
    _sync(b, transport)
    with b.unlock(BOB, BOB_PASSPHRASE) as session:
        users.add_user(session, "leyla", [Role.MEDICAL], "leyla's passphrase")
        invitation = service.invite(session, transport)
    hiding = _Hiding(transport.store)
    hiding.hidden = frozenset({a_id})
    summary = _sync(c, hiding)
    waiting = {p.reason for p in summary.problems if p.waiting}
    assert {"role_signer_not_known_yet", "signer_not_known_yet"} <= waiting
    assert not summary.rejected and engine.ROSTER_ATTACK not in summary.warnings
    summary = _sync(c, transport)
    assert not summary.rejected
    with c.unlock("leyla", "leyla's passphrase") as session:
        assert session.user.roles == (Role.MEDICAL,)
        assert registry.invite(session.connection, invitation.invite_id) is not None
        assert not session.connection.execute("SELECT count(*) FROM roster_pending").fetchone()[0]
