"""Signed roles (issue 18 item 3): at unlock only the roles a coordinator-signed chain proves.

The insider's path is taken with the project's own functions: her own key slot
unwrapped with her own passphrase, the database opened with ``open_database``.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store.connection import Connection, open_database, transaction
from shelterdesk.store.keys import member_slots, roster, roster_keys, roster_signing, users
from shelterdesk.store.keys.keyslots import KdfParams, SlotFile
from shelterdesk.store.vault import Session, Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE

BOB = "bob"


def _open_as(vault: Vault, username: str, passphrase: str) -> tuple[Connection, bytearray]:
    """What an insider does: her own slot, her own passphrase, the program's own functions."""
    slots = SlotFile.load(vault.slots_path)
    key = slots.unwrap_user(slots.find(slots.slot_id_for(username)), passphrase)
    assert key is not None
    return open_database(vault.database_path, key), key


def _private_of(vault: Vault, username: str, passphrase: str) -> bytes:
    """Her X25519 private key, from her own credential in her own slot."""
    slots = SlotFile.load(vault.slots_path)
    opened = slots.unwrap_user_keys(slots.find(slots.slot_id_for(username)), passphrase)
    assert opened is not None and opened[1] is not None
    return bytes(opened[1])


def _user_id(connection: Connection, username: str) -> str:
    return connection.execute("SELECT id FROM users WHERE username = ?",
                              (username,)).fetchone()[0]


def _actions(session: Session) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in session.connection.execute(
        "SELECT action, detail FROM audit_log ORDER BY seq")]


def test_an_update_of_her_own_role_is_ignored_at_the_next_unlock(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    admin_session.close()
    connection, _key = _open_as(vault, BOB, WORKER_PASSPHRASE)
    with transaction(connection):
        connection.execute("UPDATE users SET roles = 'coordinator case_worker legal_advisor'"
                           " WHERE username = ?", (BOB,))
    connection.close()
    with vault.unlock(BOB, WORKER_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)
        with pytest.raises(PermissionDenied):
            users.list_users(session)
        unproven = [json.loads(d) for a, d in _actions(session) if a == "roles.unproven"]
        assert unproven and set(unproven[-1]["claimed"]) == {
            "coordinator", "case_worker", "legal_advisor"}
        assert unproven[-1]["proven"] == ["case_worker"]
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        proof = users.role_proofs(session)[_user_id(session.connection, BOB)]
        assert not proof.matches and proof.proven_roles == (Role.CASE_WORKER,)


def test_a_statement_she_signs_with_a_key_of_her_own_is_not_believed(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    admin_session.close()
    connection, _key = _open_as(vault, BOB, WORKER_PASSPHRASE)
    bob_id = _user_id(connection, BOB)
    own = roster.new_private_key()
    forged = roster.sign(own, roster.user_body(bob_id, ["coordinator"], disabled=False,
                                               key=roster.public_of(own), serial=99, prev=""))
    with transaction(connection):
        roster.store(connection, forged)
        connection.execute("UPDATE users SET roles = 'coordinator' WHERE id = ?", (bob_id,))
    assert (forged.id, bob_id, "not_a_coordinator") in roster.evaluate(connection).rejected
    connection.close()
    with vault.unlock(BOB, WORKER_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_a_user_added_outside_the_program_cannot_open_the_vault(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    admin_session.close()
    connection, key = _open_as(vault, BOB, WORKER_PASSPHRASE)
    with transaction(connection):
        connection.execute("INSERT INTO users (id, username, display_name, roles, created_at,"
                           " updated_at) VALUES ('mallory-id', 'mallory', '', 'coordinator',"
                           " 'x', 'x')")
        user_key, credential, public_key = member_slots.set_passphrase(
            connection, "mallory-id", "mallory's passphrase", KdfParams())
    connection.close()
    slots = SlotFile.load(vault.slots_path)
    slots.put_member("mallory", credential, user_key, key, public_key)
    slots.save(vault.slots_path, key)
    with pytest.raises(roster_signing.RolesNotProven):
        vault.unlock("mallory", "mallory's passphrase")


def test_the_founder_is_kept_unless_she_hands_over(vault: Vault,
                                                   admin_session: Session) -> None:
    users.add_user(admin_session, "nigar", [Role.COORDINATOR], WORKER_PASSPHRASE)
    with vault.unlock("nigar", WORKER_PASSPHRASE) as nigar:
        with pytest.raises(roster_signing.FounderProtected):
            users.set_roles(nigar, ADMIN, [Role.CASE_WORKER])
        with pytest.raises(roster_signing.FounderProtected):
            users.disable_user(nigar, ADMIN)
    # The founder hands over: she makes herself a case worker, then she is like anyone.
    users.set_roles(admin_session, ADMIN, [Role.CASE_WORKER])
    admin_session.close()
    with vault.unlock("nigar", WORKER_PASSPHRASE) as nigar:
        users.set_roles(nigar, ADMIN, [Role.CASE_WORKER, Role.MEDICAL])
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert session.user.roles == (Role.CASE_WORKER, Role.MEDICAL)


def test_a_demoted_coordinator_signs_nothing_any_more(vault: Vault,
                                                      admin_session: Session) -> None:
    users.add_user(admin_session, "nigar", [Role.COORDINATOR], WORKER_PASSPHRASE)
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], "bob's own passphrase")
    users.set_roles(admin_session, "nigar", [Role.CASE_WORKER])
    admin_session.close()
    connection, _key = _open_as(vault, "nigar", WORKER_PASSPHRASE)
    nigar_id, bob_id = _user_id(connection, "nigar"), _user_id(connection, BOB)
    private, _public = roster_keys.open_key(  # she still holds her key
        connection, nigar_id, _private_of(vault, "nigar", WORKER_PASSPHRASE))
    proof = roster.evaluate(connection).proofs[bob_id]
    late = roster.sign(private, roster.user_body(
        bob_id, ["coordinator"], disabled=False, key="", serial=proof.serial + 1,
        prev=proof.statement_id, after=roster.latest_at(connection)))
    with transaction(connection):
        roster.store(connection, late)
    assert (late.id, bob_id, "not_a_coordinator") in roster.evaluate(connection).rejected
    connection.close()
    with vault.unlock(BOB, "bob's own passphrase") as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_role_changes_are_signed_and_say_by_whom(vault: Vault,
                                                 admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.set_roles(admin_session, BOB, [Role.LEGAL_ADVISOR, Role.CASE_WORKER])
    bob_id = _user_id(admin_session.connection, BOB)
    proofs = users.role_proofs(admin_session)
    assert proofs[bob_id].matches and proofs[bob_id].signed_by == ADMIN
    assert set(proofs[bob_id].proven_roles) == {Role.LEGAL_ADVISOR, Role.CASE_WORKER}
    assert proofs[admin_session.user.id].founder
    users.disable_user(admin_session, BOB)
    assert users.role_proofs(admin_session)[bob_id].proven_disabled
    users.enable_user(admin_session, BOB, "bob's second passphrase")
    proof = users.role_proofs(admin_session)[bob_id]
    assert proof.matches and not proof.proven_disabled
    with vault.unlock(BOB, "bob's second passphrase") as session:
        assert set(session.user.roles) == {Role.LEGAL_ADVISOR, Role.CASE_WORKER}


def test_a_coordinator_given_the_role_signs_with_her_own_key(vault: Vault,
                                                            admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.set_roles(admin_session, BOB, [Role.COORDINATOR])
    admin_session.close()
    with vault.unlock(BOB, WORKER_PASSPHRASE) as session:
        users.add_user(session, "leyla", [Role.MEDICAL], "leyla's passphrase")
        leyla = _user_id(session.connection, "leyla")
        assert users.role_proofs(session)[leyla].signed_by == BOB


def test_an_old_vault_is_founded_at_its_first_coordinator_unlock(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.MEDICAL], WORKER_PASSPHRASE)
    admin_session.close()
    connection, _key = _open_as(vault, ADMIN, ADMIN_PASSPHRASE)
    with transaction(connection):  # as a vault from before signed roles
        connection.execute("DELETE FROM roster_statements")
        connection.execute("DELETE FROM roster_keys")
        connection.execute("DELETE FROM meta WHERE key = 'roster_root'")
    connection.close()
    with vault.unlock(BOB, WORKER_PASSPHRASE) as session:  # not a coordinator: nothing yet
        assert session.user.roles == (Role.MEDICAL,)
        assert roster.root(session.connection) is None
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        state = roster.evaluate(session.connection)
        assert state.root is not None and state.founder_id == session.user.id
        assert state.proofs[_user_id(session.connection, BOB)].roles == ("medical",)
        assert all(p.matches for p in users.role_proofs(session).values())


def test_every_change_to_a_signed_statement_voids_it() -> None:
    private = roster.new_private_key()
    statement = roster.sign(private, roster.user_body("u1", ["case_worker"], disabled=False,
                                                      key="", serial=1, prev=""))
    assert statement.signature_valid()

    @given(st.sampled_from(["subject", "roles", "disabled", "serial", "prev", "at", "key"]),
           st.integers(min_value=0, max_value=63), st.integers(min_value=1, max_value=255))
    def check(name: str, position: int, flip: int) -> None:
        body = dict(statement.body)
        body[name] = {"roles": ["coordinator"], "disabled": True, "serial": 2}.get(
            name, str(body[name]) + "x")
        assert not roster.Statement("x", body, statement.signature).signature_valid()
        signature = bytearray(statement.signature)
        signature[position] ^= flip
        assert not roster.Statement("x", statement.body, bytes(signature)).signature_valid()

    check()


def test_a_user_no_coordinator_signed_is_let_back_in_by_re_enabling(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, BOB, [Role.LEGAL_ADVISOR], WORKER_PASSPHRASE)
    bob_id = _user_id(admin_session.connection, BOB)
    with transaction(admin_session.connection):  # as if the upgrade had missed him
        admin_session.connection.execute("DELETE FROM roster_statements WHERE subject = ?",
                                         (bob_id,))
        admin_session.connection.execute("UPDATE users SET disabled = 1 WHERE id = ?",
                                         (bob_id,))
    assert not users.role_proofs(admin_session)[bob_id].signed_by
    users.enable_user(admin_session, BOB, "bob's new passphrase")
    admin_session.close()
    with vault.unlock(BOB, "bob's new passphrase") as session:
        assert session.user.roles == (Role.LEGAL_ADVISOR,)


def test_the_audit_log_names_refusals_in_words() -> None:
    from shelterdesk.domain.audit_actions import action_label

    assert action_label("roles.unproven") == "Roles: not signed by a coordinator, not believed"
    assert action_label("sync.roster_refused") == (
        "Sync: unsigned change of roles or laptops refused")


# --- the chain's invariants, over random histories ---------------------------------------------
ACTORS = ("founder", "nigar", "bob", "outsider")
KEYS = {name: roster.new_private_key() for name in ACTORS}
OPERATION = st.tuples(st.sampled_from(ACTORS), st.sampled_from(ACTORS[:3]),
                      st.sampled_from([("coordinator",), ("case_worker",),
                                       ("coordinator", "medical")]),
                      st.sampled_from([False, False, False, True]))


@pytest.fixture(scope="module")
def chain_db(tmp_path_factory):
    from shelterdesk.store.migrate import apply_migrations

    connection = open_database(tmp_path_factory.mktemp("chain") / "chain.db",
                               bytearray(b"k" * 32), create=True)
    apply_migrations(connection)
    with transaction(connection):
        roster.pin_root(connection, roster.public_of(KEYS["founder"]))
    yield connection
    connection.close()


def _history(connection: Connection, operations) -> list[roster.Statement]:
    """What the program would sign, in order: the founding statement, then each operation
    signed with the actor's key (serial and prev from the chain as it then stands)."""
    founder_pub = roster.public_of(KEYS["founder"])
    made = [roster.sign(KEYS["founder"], roster.user_body(
        "founder", ["coordinator"], disabled=False, key=founder_pub, serial=1, prev=""))]
    for signer, subject, roles, disabled in operations:
        state = roster.evaluate(connection, extra=made)
        current = state.proofs.get(subject)
        made.append(roster.sign(KEYS[signer], roster.user_body(
            subject, list(roles), disabled=disabled, key=roster.public_of(KEYS[subject]),
            serial=current.serial + 1 if current else 1,
            prev=current.statement_id if current else "", after=made[-1].at)))
    return made


@settings(max_examples=300, deadline=None)
@given(st.lists(OPERATION, max_size=10), st.randoms(use_true_random=False))
def test_the_chain_holds_whatever_the_history_and_the_order_it_arrives_in(
        chain_db: Connection, operations, rng) -> None:
    with transaction(chain_db):
        chain_db.execute("DELETE FROM roster_statements")
    made = _history(chain_db, operations)
    computed = roster.evaluate(chain_db, extra=made)
    shuffled = list(made)
    rng.shuffle(shuffled)
    with transaction(chain_db):
        for statement in shuffled:
            roster.store(chain_db, statement)
    stored = roster.evaluate(chain_db)
    assert stored.proofs == computed.proofs  # the order rows arrive in changes nothing
    founder_key, outsider_key = (roster.public_of(KEYS[n]) for n in ("founder", "outsider"))
    counted = {p.statement_id for p in stored.proofs.values()}
    for index, statement in enumerate(made):
        if statement.id not in counted or index == 0:
            continue
        assert statement.issuer != outsider_key  # a key no coordinator holds proves nothing
        before = roster.evaluate(chain_db, until=made[index - 1].at)
        assert before.holder(statement.issuer) is not None  # signed by an active coordinator
        founder = before.proofs["founder"]
        if statement.subject == "founder" and founder.active_coordinator:
            assert statement.issuer == founder_key  # only she changes her own roles


def test_a_coordinator_whose_sealed_key_was_spoiled_gets_a_new_one(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "nigar", [Role.COORDINATOR], WORKER_PASSPHRASE)
    nigar_id = _user_id(admin_session.connection, "nigar")
    with transaction(admin_session.connection):
        admin_session.connection.execute("UPDATE roster_keys SET sealed = 'AAAA' WHERE"
                                         " user_id = ?", (nigar_id,))
    with vault.unlock("nigar", WORKER_PASSPHRASE) as nigar, \
            pytest.raises(roster_signing.CannotSign):
        users.add_user(nigar, BOB, [Role.CASE_WORKER], "bob's own passphrase")
    users.set_roles(admin_session, "nigar", [Role.COORDINATOR])  # re-saved: a new key
    with vault.unlock("nigar", WORKER_PASSPHRASE) as nigar:
        users.add_user(nigar, BOB, [Role.CASE_WORKER], "bob's own passphrase")
    with vault.unlock(BOB, "bob's own passphrase") as session:
        assert session.user.roles == (Role.CASE_WORKER,)


def test_a_coordinator_made_by_update_does_not_count_as_the_other_coordinator(
        vault: Vault, admin_session: Session) -> None:
    users.add_user(admin_session, "nigar", [Role.COORDINATOR], WORKER_PASSPHRASE)
    users.add_user(admin_session, BOB, [Role.CASE_WORKER], "bob's own passphrase")
    users.set_roles(admin_session, ADMIN, [Role.CASE_WORKER])  # the founder hands over
    with transaction(admin_session.connection):  # bob "becomes" a coordinator outside
        admin_session.connection.execute("UPDATE users SET roles = 'coordinator'"
                                         " WHERE username = ?", (BOB,))
    admin_session.close()
    with vault.unlock("nigar", WORKER_PASSPHRASE) as nigar, \
            pytest.raises(users.LastCoordinator):
        users.disable_user(nigar, "nigar")
