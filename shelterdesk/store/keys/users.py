"""Users and their roles: add, list, disable, change or reset a passphrase."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shelterdesk.domain.accounts import check_passphrase, check_username
from shelterdesk.domain.errors import UserFacingError, ValidationFailed
from shelterdesk.domain.roles import Role, role_label
from shelterdesk.domain.validation import text_problems
from shelterdesk.i18n import N_, _, format_date, format_list
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.errors import (
    UnknownUser,
    UserAlreadyExists,
    UserDisabled,
    WrongCurrentPassphrase,
)
from shelterdesk.store.keys import (
    compartments,
    member_slots,
    roster,
    roster_signing,
    roster_upkeep,
    rotation,
)
from shelterdesk.store.records.corrections import keep_version
from shelterdesk.store.rows import to_datetime
from shelterdesk.store.vault import Session, User, load_user


class NoRoles(UserFacingError):
    message = N_("A user needs at least one role.")


class LastCoordinator(UserFacingError):
    message = N_("The last active coordinator cannot be disabled.")


def list_users(session: Session) -> list[User]:
    """Every user with the roles that count: once the vault signs roles, those the chain
    proves (a ``users`` row changed outside the program shows in :func:`role_proofs`)."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, username, display_name, roles, disabled FROM users ORDER BY username"
        ).fetchall()
        state = roster.evaluate(session.connection)
    known = {r.value for r in Role}
    found = []
    for user_id, username, display_name, roles, disabled in rows:
        if state.root is not None:
            proof = state.proofs.get(user_id)
            roles = " ".join(proof.roles) if proof else ""
            disabled = proof.disabled if proof else True
        found.append(User(user_id, username, display_name,
                          tuple(Role(x) for x in roles.split() if x in known), bool(disabled)))
    return found


def add_user(session: Session, username: str, roles: list[Role], passphrase: str,
             display_name: str = "") -> User:
    """A new user with a key slot of their own; coordinator only."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    name = check_username(username)
    if problems := text_problems("name", display_name):
        raise ValidationFailed(problems)
    if not roles:
        raise NoRoles()
    check_passphrase(passphrase)
    if load_user(session.connection, name) is not None:
        raise UserAlreadyExists(name=name)
    slots = session.vault.load_slots()
    if slots.find(slots.slot_id_for(name)) is not None:
        raise UserAlreadyExists(name=name)
    user = User(str(uuid.uuid4()), name, display_name.strip(), tuple(roles))
    roster_signing.require_signer(session.connection, session.user.id, session.private_key)
    with session.lock, transaction(session.connection) as connection:
        now = audit.now_iso()
        connection.execute(
            "INSERT INTO users (id, username, display_name, roles, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user.id, name, user.display_name, " ".join(r.value for r in roles), now, now))
        audit.append(connection, session.user.id, "user.add", "user", user.id,
                     roles=[r.value for r in roles])
        # The slot is written last, inside the transaction: if it fails, the row goes too.
        session.rewrite_slot(name, passphrase, action=None)
        # Signed once her key pair exists: the statement names the X25519 public key we
        # have just written (a coordinator's signing key is sealed to it).
        _sign_new_key(session, user.id, roles=[r.value for r in roles], disabled=False)
    return user


def disable_user(session: Session, username: str) -> rotation.RotationReport | None:
    """Disable a user: the row is kept for the audit trail, the key slot is removed."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    user = load_user(session.connection, username)
    if user is None:
        raise UnknownUser(name=username)
    state = roster.evaluate(session.connection)
    if state.root is not None:  # the coordinators the chain proves, not the table's
        if state.proofs.get(user.id) is not None and state.proofs[user.id].active_coordinator \
                and not any(p.active_coordinator for p in state.proofs.values()
                            if p.user_id != user.id):
            raise LastCoordinator()
    elif user.has_role(Role.COORDINATOR):
        others = session.connection.execute(
            "SELECT count(*) FROM users WHERE disabled = 0 AND id != ?"
            " AND (' ' || roles || ' ') LIKE '% coordinator %'", (user.id,)).fetchone()[0]
        if others == 0:
            raise LastCoordinator()
    with session.lock, transaction(session.connection) as connection:
        roster_signing.issue(connection, session.user.id, user.id, disabled=True,
                             private_key=session.private_key)
        connection.execute("UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?",
                           (audit.now_iso(), user.id))
        member_slots.forget(connection, user.id)
        audit.append(connection, session.user.id, "user.disable", "user", user.id)
        session.remove_slot(user.username)
    # Whatever she copied before (keyslots.bin, a backup, a compartment key) stops opening
    # the live vault: new core and compartment keys, a new sync epoch.
    return rotation.after_user_change(session, reason="user.disable")


def set_roles(session: Session, username: str, roles: list[Role]) -> None:
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    if not roles:
        raise NoRoles()
    user = load_user(session.connection, username)
    if user is None:
        raise UnknownUser(name=username)
    with session.lock, transaction(session.connection) as connection:
        roster_signing.issue(connection, session.user.id, user.id,
                             roles=[r.value for r in roles], private_key=session.private_key)
        keep_version(connection, "users", user.id, reason="", user_id=session.user.id,
                     stamp=audit.now_iso())
        connection.execute("UPDATE users SET roles = ?, updated_at = ? WHERE id = ?",
                           (" ".join(r.value for r in roles), audit.now_iso(), user.id))
        audit.append(connection, session.user.id, "user.roles", "user", user.id,
                     roles=[r.value for r in roles])
        if compartments.has_tables(connection):
            # The keys of the roles now held are sealed to the user; the others' grants go
            # (a key once held is only worth retiring by a rotation, docs/security.md).
            compartments.share(connection, session.compartments, only_user=user.id)


class UserNotDisabled(UserFacingError):
    message = N_("The user “{name}” is not disabled.")


def enable_user(session: Session, username: str, passphrase: str) -> None:
    """Re-enable a disabled user with a new passphrase (their old key slot was removed)."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    check_passphrase(passphrase)
    user = load_user(session.connection, username)
    if user is None:
        raise UnknownUser(name=username)
    if not user.disabled:
        raise UserNotDisabled(name=user.username)
    roster_signing.require_signer(session.connection, session.user.id, session.private_key)
    with session.lock, transaction(session.connection) as connection:
        stamp = audit.now_iso()
        keep_version(connection, "users", user.id, reason="", user_id=session.user.id,
                     stamp=stamp)
        connection.execute("UPDATE users SET disabled = 0, updated_at = ? WHERE id = ?",
                           (stamp, user.id))
        audit.append(connection, session.user.id, "user.enable", "user", user.id)
        # The slot is written last, inside the transaction: if it fails, the row stays disabled.
        session.rewrite_slot(user.username, passphrase, action=None)
        # A new key pair came with the new passphrase: a coordinator's signing key is new too.
        _sign_new_key(session, user.id, disabled=False, new_key=True)


def change_own_passphrase(session: Session, current: str, new: str) -> None:
    check_passphrase(new)
    if not session.verify_passphrase(current):
        raise WrongCurrentPassphrase()
    session.rewrite_slot(session.user.username, new, action="user.passwd")


def reset_passphrase(session: Session, username: str,
                     new: str) -> rotation.RotationReport | None:
    """A coordinator sets a new passphrase for someone who forgot theirs."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    check_passphrase(new)
    user = load_user(session.connection, username)
    if user is None:
        raise UnknownUser(name=username)
    if user.disabled:
        raise UserDisabled(name=user.username)
    own = user.id == session.user.id  # her own reset keeps her key pair: nothing to sign
    if not own:
        roster_signing.require_signer(session.connection, session.user.id, session.private_key)
    with session.lock, transaction(session.connection) as connection:
        session.rewrite_slot(user.username, new, action=None)
        if not own and not _founder_kept(session, user.id):
            _sign_new_key(session, user.id)
        audit.append(connection, session.user.id, "user.reset", "user", user.id)
    return rotation.after_user_change(session, reason="user.reset")


def _founder_kept(session: Session, user_id: str) -> bool:
    """The founder, while a coordinator, is signed by her own key only: a reset by another
    coordinator gives her a new passphrase, but her new key pair stays unsigned and her
    signing key, sealed to the old one, no longer opens (docs/security.md "Signed roles")."""
    state = roster.evaluate(session.connection)
    founder = state.proofs.get(state.founder_id)
    return user_id == state.founder_id and founder is not None \
        and founder.active_coordinator and user_id != session.user.id


def _sign_new_key(session: Session, user_id: str, **change: object) -> None:
    """A statement naming the X25519 public key this transaction has just written for the
    user (a new user, an enabling, a reset), then the compartment keys sealed to it."""
    connection = session.connection
    roster_signing.issue(connection, session.user.id, user_id, private_key=session.private_key,
                         enc=roster_signing.table_enc(connection, user_id), **change)
    if compartments.has_tables(connection) and session.compartments.held():
        compartments.share(connection, session.compartments, only_user=user_id)


@dataclass(frozen=True)
class RoleProof:
    """What the signed chain says of one user, for Administration → Users and ``user list``."""

    user_id: str
    signed: bool  # the vault has signed roles at all (False: an old vault, not yet founded)
    proven_roles: tuple[Role, ...]
    proven_disabled: bool
    matches: bool  # the users row says the same as the chain
    signed_by: str  # the signing coordinator's display name (or user name)
    signed_at: str
    founder: bool
    serial: int = 0
    claimed_roles: tuple[Role, ...] = ()  # what the vault's users row says
    key_unproven: bool = False  # her X25519 key in the table is not the signed one


def role_proofs(session: Session) -> dict[str, RoleProof]:
    """Each user's roles as the coordinator-signed chain proves them (coordinators)."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    with session.lock:
        connection = session.connection
        state = roster.evaluate(connection)
        rows = connection.execute(
            "SELECT id, username, display_name, roles, disabled FROM users").fetchall()
        unproven = set(roster_upkeep.unproven_keys(connection))
    names = {r[0]: r[2] or r[1] for r in rows}
    known = {r.value for r in Role}
    proofs: dict[str, RoleProof] = {}
    for user_id, _name, _display, roles_text, disabled in rows:
        proof = state.proofs.get(user_id)
        claimed = tuple(Role(r) for r in roles_text.split() if r in known)
        if proof is None:
            proofs[user_id] = RoleProof(user_id, state.root is not None, (), False,
                                        state.root is None, "", "", False, 0, claimed)
            continue
        proven = tuple(Role(r) for r in proof.roles if r in known)
        matches = set(proof.roles) == set(roles_text.split()) and proof.disabled == bool(
            disabled)
        proofs[user_id] = RoleProof(user_id, True, proven, proof.disabled, matches,
                                    names.get(proof.issuer_user_id, ""), proof.at,
                                    user_id == state.founder_id, proof.serial, claimed,
                                    user_id in unproven)
    return proofs


def describe_proof(proof: RoleProof | None) -> str:
    """One line on what the signed chain says of a user (window and ``user list`` alike)."""
    if proof is None or not proof.signed:
        return _("not signed yet (a coordinator's next unlock signs every user's roles)")
    if not proof.signed_by:
        return _("⚠ no coordinator signed these roles: this user cannot log in")
    when = format_date(to_datetime(proof.signed_at))
    if proof.matches and proof.key_unproven:
        return _("⚠ her keys are not the ones {name} signed (changed outside ShelterDesk, or "
                 "a recovery-key unlock): nothing is sealed to them until a coordinator resets "
                 "her passphrase").format(name=proof.signed_by)
    if not proof.matches:
        return _("⚠ changed outside ShelterDesk to {claimed}: only what {name} signed on "
                 "{date} counts").format(
            claimed=format_list([role_label(r) for r in proof.claimed_roles]) or _("no role"),
            name=proof.signed_by, date=when)
    if proof.founder and proof.serial == 1:
        return _("founding coordinator (since {date})").format(date=when)
    return _("verified: signed by {name} on {date}").format(name=proof.signed_by, date=when)
