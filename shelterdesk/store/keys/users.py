"""Users and their roles: add, list, disable, change or reset a passphrase."""

from __future__ import annotations

import uuid

from shelterdesk.domain.accounts import check_passphrase, check_username
from shelterdesk.domain.errors import UserFacingError, ValidationFailed
from shelterdesk.domain.roles import Role
from shelterdesk.domain.validation import text_problems
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.errors import (
    UnknownUser,
    UserAlreadyExists,
    UserDisabled,
    WrongPassphrase,
)
from shelterdesk.store.keys import compartments, member_slots, rotation
from shelterdesk.store.records.corrections import keep_version
from shelterdesk.store.vault import Session, User, load_user


class NoRoles(UserFacingError):
    message = N_("A user needs at least one role.")


class LastCoordinator(UserFacingError):
    message = N_("The last active coordinator cannot be disabled.")


def list_users(session: Session) -> list[User]:
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    rows = session.connection.execute(
        "SELECT id, username, display_name, roles, disabled FROM users ORDER BY username"
    ).fetchall()
    return [User(r[0], r[1], r[2], tuple(Role(x) for x in r[3].split()), bool(r[4]))
            for r in rows]


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
    return user


def disable_user(session: Session, username: str) -> rotation.RotationReport | None:
    """Disable a user: the row is kept for the audit trail, the key slot is removed."""
    session.require_role(Role.COORDINATOR, action=N_("manage users"))
    user = load_user(session.connection, username)
    if user is None:
        raise UnknownUser(name=username)
    if user.has_role(Role.COORDINATOR):
        others = session.connection.execute(
            "SELECT count(*) FROM users WHERE disabled = 0 AND id != ?"
            " AND (' ' || roles || ' ') LIKE '% coordinator %'", (user.id,)).fetchone()[0]
        if others == 0:
            raise LastCoordinator()
    with session.lock, transaction(session.connection) as connection:
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
    with session.lock, transaction(session.connection) as connection:
        stamp = audit.now_iso()
        keep_version(connection, "users", user.id, reason="", user_id=session.user.id,
                     stamp=stamp)
        connection.execute("UPDATE users SET disabled = 0, updated_at = ? WHERE id = ?",
                           (stamp, user.id))
        audit.append(connection, session.user.id, "user.enable", "user", user.id)
        # The slot is written last, inside the transaction: if it fails, the row stays disabled.
        session.rewrite_slot(user.username, passphrase, action=None)


def change_own_passphrase(session: Session, current: str, new: str) -> None:
    check_passphrase(new)
    if not session.verify_passphrase(current):
        raise WrongPassphrase()
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
    session.rewrite_slot(user.username, new, action="user.reset", subject_id=user.id)
    return rotation.after_user_change(session, reason="user.reset")
