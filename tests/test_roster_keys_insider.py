"""The insider against signed roles (issue 18 item 3, hardening).

Bob is a case worker. With his own passphrase he unwraps his own slot, opens the
database outside the program with ``open_database`` and uses the project's own
functions: he reads every table (user keys, credentials, sealed signing keys, grants)
and tries every key he can get to unseal a coordinator's signing key, rewrites a
colleague's public key so that keys get sealed to him, and forges role statements.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import shutil
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.domain.roles import Role
from shelterdesk.store.connection import Connection, open_database, transaction
from shelterdesk.store.keys import (
    compartments,
    member_slots,
    roster,
    roster_keys,
    roster_signing,
    roster_upkeep,
    sealing,
    users,
)
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.vault import Session, Vault
from shelterdesk.sync import engine, service
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.sync_helpers import PASSPHRASE, MemoryTransport, build_org

BOB, BOB_PASSPHRASE = "bob", "bob's own passphrase"
NIGAR, NIGAR_PASSPHRASE = "nigar", "nigar's own passphrase"
LEYLA, LEYLA_PASSPHRASE = "leyla", "leyla's own passphrase"


def _keys_of(vault: Vault, username: str, passphrase: str) -> tuple[bytearray, bytes]:
    """(vault key, X25519 private key) from the user's own slot with her own passphrase."""
    slots = SlotFile.load(vault.slots_path)
    opened = slots.unwrap_user_keys(slots.find(slots.slot_id_for(username)), passphrase)
    assert opened is not None and opened[1] is not None
    return opened[0], bytes(opened[1])


def _insider(vault: Vault, username: str = BOB,
             passphrase: str = BOB_PASSPHRASE) -> tuple[Connection, bytes]:
    vault_key, private = _keys_of(vault, username, passphrase)
    return open_database(vault.database_path, vault_key), private


def _id(connection: Connection, username: str) -> str:
    return connection.execute("SELECT id FROM users WHERE username = ?",
                              (username,)).fetchone()[0]


def _hkdf_keys(connection: Connection) -> list[bytes]:
    """Every key the old design derived from a user key: all of them lie in user_secrets."""
    return [HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                 info=b"shelterdesk/roster-signing-key/v1").derive(bytes(row[0]))
            for row in connection.execute("SELECT user_key FROM user_secrets")]


def _try_unseal(connection: Connection, private_keys: list[bytes]) -> list[bytes]:
    """Every way Bob has to open a sealed signing key: the program's own open_key with any
    X25519 key he holds, the old HKDF form with every user key, and raw AES-GCM / X25519
    on the stored bytes with any associated data. Returns whatever opened."""
    opened = []
    for user_id, public, sealed_text in connection.execute(
            "SELECT user_id, public_key, sealed FROM roster_keys").fetchall():
        for private in private_keys:
            if (found := roster_keys.open_key(connection, user_id, private)) is not None:
                opened.append(found[0])
        parts = sealed_text.split(":")
        raw = base64.b64decode(parts[-1])
        for private in private_keys:
            for aad in (b"", roster.canonical({"format": "shelterdesk/roster-key/v2",
                                               "user": user_id, "public": public,
                                               "to": parts[1] if len(parts) == 3 else ""})):
                if (found := sealing.open_sealed(private, raw, aad)) is not None:
                    opened.append(found)
        for key in _hkdf_keys(connection):
            aad = roster.canonical({"format": "shelterdesk/roster-key/v1", "user": user_id,
                                    "public": public})
            with contextlib.suppress(InvalidTag, ValueError):  # the expected outcome
                opened.append(AESGCM(key).decrypt(raw[:12], raw[12:], aad))
    return opened


def _every_cell(connection: Connection) -> bytes:
    """The whole decrypted database, every cell of every table, as bytes to search."""
    cells = []
    for (table,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%'").fetchall():
        for row in connection.execute(f"SELECT * FROM {table}"):  # noqa: S608 - schema names
            for value in row:
                cells.append(bytes(value) if isinstance(value, bytes | memoryview)
                             else str(value).encode())
    return b"\n".join(cells)


def _signing_private(vault: Vault, username: str, passphrase: str) -> bytes:
    """The coordinator's own signing key, opened the legitimate way (her passphrase)."""
    connection, private = _insider(vault, username, passphrase)
    try:
        found = roster_keys.open_key(connection, _id(connection, username), private)
        assert found is not None
        return found[0]
    finally:
        connection.close()


@pytest.fixture
def staffed(vault: Vault, admin_session: Session) -> Vault:
    users.add_user(admin_session, NIGAR, [Role.COORDINATOR], NIGAR_PASSPHRASE)
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
    users.add_user(admin_session, LEYLA, [Role.LEGAL_ADVISOR], LEYLA_PASSPHRASE)
    admin_session.close()
    return vault


def test_a_case_workers_passphrase_opens_no_coordinators_signing_key(staffed: Vault) -> None:
    connection, bob_private = _insider(staffed)
    try:
        assert roster_keys.legacy_rows(connection) == 0
        assert connection.execute("SELECT count(*) FROM roster_keys").fetchone()[0] == 2
        assert _try_unseal(connection, [bob_private, sealing.new_private_key()]) == []
        dump = _every_cell(connection)
    finally:
        connection.close()
    for name, passphrase in ((ADMIN, ADMIN_PASSPHRASE), (NIGAR, NIGAR_PASSPHRASE)):
        secret = _signing_private(staffed, name, passphrase)
        for form in (secret, secret.hex().encode(), base64.b64encode(secret)):
            assert form not in dump  # in no cell, in no encoding he could look for


def _seal_the_old_way(connection: Connection, user_id: str, private: bytes) -> None:
    """Her signing key as a vault from before this version stored it (HKDF of the user
    key in user_secrets), written without capture as the old version had it."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"shelterdesk/roster-signing-key/v1").derive(
        member_slots.user_key(connection, user_id))
    public = roster.public_of(private)
    nonce = b"\x01" * 12
    sealed = nonce + AESGCM(key).encrypt(nonce, private, roster.canonical(
        {"format": "shelterdesk/roster-key/v1", "user": user_id, "public": public}))
    with transaction(connection):
        connection.execute("UPDATE roster_keys SET sealed = ? WHERE user_id = ?",
                           (roster.b64(sealed), user_id))


def test_an_old_signing_key_is_resealed_at_her_next_unlock(staffed: Vault) -> None:
    secret = _signing_private(staffed, NIGAR, NIGAR_PASSPHRASE)
    connection, bob_private = _insider(staffed)
    nigar_id = _id(connection, NIGAR)
    _seal_the_old_way(connection, nigar_id, secret)
    assert secret in _try_unseal(connection, [bob_private])  # the hole this closes
    connection.close()
    with staffed.unlock(NIGAR, NIGAR_PASSPHRASE) as nigar:
        assert roster_keys.legacy_rows(nigar.connection) == 0
        assert nigar.connection.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'roster.key_resealed'"
            " AND object_id = ?", (nigar_id,)).fetchone()[0] == 1
        users.add_user(nigar, "farid", [Role.MEDICAL], "farid's own passphrase")  # she signs
    connection, bob_private = _insider(staffed)
    try:
        assert _try_unseal(connection, [bob_private]) == []
    finally:
        connection.close()
    assert _signing_private(staffed, NIGAR, NIGAR_PASSPHRASE) == secret  # the same key
    with staffed.unlock("farid", "farid's own passphrase") as farid:
        assert farid.user.roles == (Role.MEDICAL,)


def test_a_swapped_public_key_gets_nothing_sealed_to_the_insider(staffed: Vault) -> None:
    connection, _bob_private = _insider(staffed)
    leyla_id, nigar_id, bob_id = (_id(connection, n) for n in (LEYLA, NIGAR, BOB))
    signed = {u: roster.evaluate(connection).proofs[u].enc for u in (leyla_id, nigar_id)}
    attacker = sealing.new_private_key()
    with transaction(connection):
        for victim in (leyla_id, nigar_id):
            connection.execute("UPDATE user_secrets SET public_key = ? WHERE user_id = ?",
                               (sealing.public_key(attacker), victim))
        # and, for good measure, he "gives himself" the legal role and drops her grants
        connection.execute("UPDATE users SET roles = 'case_worker legal_advisor'"
                           " WHERE id = ?", (bob_id,))
        connection.execute("DELETE FROM compartment_grants WHERE user_id = ?", (leyla_id,))
    connection.close()
    with staffed.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        # Both re-saved by the founder (leyla made a coordinator: a signing key for her)
        users.set_roles(admin, NIGAR, [Role.COORDINATOR, Role.MEDICAL])
        users.set_roles(admin, LEYLA, [Role.LEGAL_ADVISOR, Role.COORDINATOR])
        reported = {r[0] for r in admin.connection.execute(
            "SELECT object_id FROM audit_log WHERE action = 'keys.unproven'")}
        assert reported == {leyla_id, nigar_id}
        assert set(roster_upkeep.unproven_keys(admin.connection)) == {leyla_id, nigar_id}
        proofs = users.role_proofs(admin)  # the window's column and `user list`
        assert proofs[leyla_id].key_unproven and not proofs[bob_id].key_unproven
        assert "not the ones" in users.describe_proof(proofs[leyla_id])
    connection, bob_private = _insider(staffed)
    try:
        state = roster.evaluate(connection)
        assert {u: state.proofs[u].enc for u in signed} == signed  # the signed keys stand
        grants = connection.execute(
            "SELECT user_id, compartment, key_id, public_key, sealed FROM compartment_grants"
        ).fetchall()
        assert {g[0] for g in grants if g[1] == compartments.LEGAL} >= {leyla_id}
        assert bob_id not in {g[0] for g in grants if g[1] == compartments.LEGAL}  # nothing
        for user_id, compartment, key_id, public_key, sealed in grants:
            assert bytes(public_key) != sealing.public_key(attacker)
            aad = f"shelterdesk/compartment-grant/v1/{user_id}/{compartment}/{key_id}".encode()
            assert sealing.open_sealed(attacker, bytes(sealed), aad) is None
            if user_id != bob_id:  # his own (evidence, a case worker's) aside
                assert sealing.open_sealed(bob_private, bytes(sealed), aad) is None
        assert _try_unseal(connection, [attacker, bob_private]) == []
    finally:
        connection.close()
    with staffed.unlock(LEYLA, LEYLA_PASSPHRASE) as leyla:  # she still reads her compartment
        assert leyla.compartments.has(compartments.LEGAL)
        users.add_user(leyla, "farid", [Role.MEDICAL], "farid's own passphrase")  # and signs


def test_after_a_recovery_unlock_signing_waits_for_a_reset(
        created_vault: tuple[Vault, str], admin_session: Session) -> None:
    vault, recovery_key = created_vault
    users.add_user(admin_session, NIGAR, [Role.COORDINATOR], NIGAR_PASSPHRASE)
    admin_session.close()
    with vault.unlock_with_recovery(recovery_key, NIGAR, "nigar's new passphrase") as nigar:
        with pytest.raises(roster_signing.CannotSign) as refused:
            users.add_user(nigar, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        assert "reset your passphrase" in str(refused.value.message)
        assert nigar.user.roles == (Role.COORDINATOR,)  # everything else still works
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        nigar_id = next(u.id for u in users.list_users(admin) if u.username == NIGAR)
        assert users.role_proofs(admin)[nigar_id].key_unproven  # shown until confirmed
        users.reset_passphrase(admin, NIGAR, "nigar's reset passphrase")
        assert not users.role_proofs(admin)[nigar_id].key_unproven
    with vault.unlock(NIGAR, "nigar's reset passphrase") as nigar:
        users.add_user(nigar, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        assert roster_upkeep.unproven_keys(nigar.connection) == []
    with vault.unlock(BOB, BOB_PASSPHRASE) as bob:
        assert bob.user.roles == (Role.CASE_WORKER,)


# --- over sync: a forged statement refused by the other laptop ------------------------------
@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"), ("a", "b"))


def test_forged_role_statements_are_ignored_at_unlock_and_refused_by_sync(
        org, tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(org.root / name, tmp_path / name)
    a, b = Vault(tmp_path / "a"), Vault(tmp_path / "b")
    transport = MemoryTransport(copy.deepcopy(org.store))
    with a.unlock(ADMIN, PASSPHRASE) as session:
        users.add_user(session, BOB, [Role.CASE_WORKER], BOB_PASSPHRASE)
        service.sync_now(session, transport)
    with b.unlock(ADMIN, PASSPHRASE) as session:
        service.sync_now(session, transport)
    connection, bob_private = _insider(a)
    bob_id, admin_id = _id(connection, BOB), _id(connection, ADMIN)
    assert _try_unseal(connection, [bob_private]) == []  # no coordinator's key to sign with
    state = roster.evaluate(connection)
    proof = state.proofs[bob_id]
    own = roster.new_private_key()
    # 1. signed with a key of his own; 2. claiming the founder's key as issuer.
    forged = [roster.sign(own, roster.user_body(
        bob_id, ["coordinator"], disabled=False, key=roster.public_of(own),
        serial=proof.serial + 1, prev=proof.statement_id, enc=proof.enc))]
    body = dict(forged[0].body, issuer=state.proofs[admin_id].key)
    forged.append(roster.Statement(roster.statement_id(roster.canonical(body), b"x" * 64),
                                   body, b"x" * 64))
    with transaction(connection):
        for statement in forged:
            roster.store(connection, statement)
        connection.execute("UPDATE users SET roles = 'coordinator' WHERE id = ?", (bob_id,))
    rejected = {(sid, reason) for sid, _s, reason in roster.evaluate(connection).rejected}
    assert {(forged[0].id, "not_a_coordinator"), (forged[1].id, "bad_signature")} <= rejected
    connection.close()
    with a.unlock(BOB, BOB_PASSPHRASE) as session:  # ignored at the next unlock
        assert session.user.roles == (Role.CASE_WORKER,)
        service.sync_now(session, transport)  # and sent on as ordinary changes
    summary = None
    with b.unlock(ADMIN, PASSPHRASE) as session:
        summary = service.sync_now(session, transport)
    reasons = {(p.where, p.reason) for p in summary.rejected}
    assert (f"users/{bob_id}", "unsigned_role_change") in reasons
    assert {"not_a_coordinator", "bad_signature"} <= {p.reason for p in summary.rejected}
    assert engine.ROSTER_ATTACK in summary.warnings
    with b.unlock(ADMIN, PASSPHRASE) as session:
        refused = [json.loads(r[0]) for r in session.connection.execute(
            "SELECT detail FROM audit_log WHERE action = 'sync.roster_refused'")]
        assert {r["reason"] for r in refused} >= {"not_a_coordinator", "bad_signature",
                                                   "unsigned_role_change"}
        assert session.connection.execute("SELECT roles FROM users WHERE id = ?",
                                          (bob_id,)).fetchone()[0] == "case_worker"
    with b.unlock(BOB, BOB_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_a_chain_from_before_signed_keys_is_brought_up_at_the_founders_unlock(
        staffed: Vault) -> None:
    """A vault signed by the previous version: statements without ``enc``, signing keys
    sealed under HKDF(user key). The founder's next unlock reseals her key, signs every
    user's X25519 key as the table holds it (once), and sealing goes on to those keys."""
    connection, _bob_private = _insider(staffed, ADMIN, ADMIN_PASSPHRASE)
    admin_id, bob_id, nigar_id = (_id(connection, n) for n in (ADMIN, BOB, NIGAR))
    founder_key = roster.new_private_key()
    with transaction(connection):  # the old version's chain, written as it wrote it
        connection.execute("UPDATE sync_state SET applying = 1")
        connection.execute("DELETE FROM roster_statements")
        connection.execute("DELETE FROM roster_keys")
        connection.execute("DELETE FROM meta WHERE key = 'roster_root'")
        roster.pin_root(connection, roster.public_of(founder_key))
        connection.execute("INSERT INTO roster_keys (user_id, public_key, sealed, updated_at)"
                           " VALUES (?, ?, '', '')", (admin_id, roster.public_of(founder_key)))
        for user_id, roles_text in connection.execute(
                "SELECT id, roles FROM users ORDER BY id = ? DESC", (admin_id,)).fetchall():
            key = roster.public_of(founder_key) if user_id == admin_id else ""
            roster.store(connection, roster.sign(founder_key, roster.user_body(
                user_id, roles_text.split(), disabled=False, key=key, serial=1, prev="",
                after=roster.latest_at(connection))))
        connection.execute("UPDATE sync_state SET applying = 0")
    _seal_the_old_way(connection, admin_id, founder_key)
    assert not any(p.enc for p in roster.evaluate(connection).proofs.values())
    connection.close()
    with staffed.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        state = roster.evaluate(admin.connection)
        for user_id in (admin_id, bob_id, nigar_id):
            assert state.proofs[user_id].enc == roster_signing.table_enc(admin.connection,
                                                                         user_id)
        assert roster_keys.legacy_rows(admin.connection) == 0
        assert roster_upkeep.unproven_keys(admin.connection) == []
        users.set_roles(admin, BOB, [Role.CASE_WORKER, Role.MEDICAL])  # she signs
    connection, bob_private = _insider(staffed)
    try:
        assert _try_unseal(connection, [bob_private]) == []
    finally:
        connection.close()
    with staffed.unlock(BOB, BOB_PASSPHRASE) as bob:
        assert set(bob.user.roles) == {Role.CASE_WORKER, Role.MEDICAL}
        assert bob.compartments.has(compartments.MEDICAL)
