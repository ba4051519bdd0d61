"""Issuing signed role statements: founding, grants and changes, and the upgrade of old vaults.

Every function runs in the caller's transaction, so a statement and the ``users`` row
it describes are written (and replicated) together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_
from shelterdesk.store.connection import Connection
from shelterdesk.store.errors import VaultError
from shelterdesk.store.keys import member_slots, roster, roster_keys, sealing


class CannotSign(UserFacingError):
    message = N_("Your coordinator signing key does not open, so this change cannot be "
                 "signed. It opens only with the keys of your own passphrase: after an unlock "
                 "with the recovery key, ask another coordinator to reset your passphrase "
                 "(Administration → Users → Reset passphrase…, or `shelterdesk user reset`), "
                 "which signs your new keys and gives you a new signing key.")


class FounderProtected(UserFacingError):
    message = N_("Only the founding coordinator can change her own roles or disable herself "
                 "while she is a coordinator.")


class RoleChangeNotSigned(UserFacingError):
    message = N_("The role change could not be signed ({reason}).")


def b64_public(private_key: bytes) -> str:
    """The X25519 public key (base64) of a private key the session holds."""
    return roster.b64(sealing.public_key(bytes(private_key)))


def table_enc(connection: Connection, user_id: str) -> str:
    """The X25519 public key ``user_secrets`` holds for the user (base64, "" if none).
    Anyone with the core key can rewrite it: only a caller that wrote it itself in this
    transaction (a new user, a reset, an enabling) or the one-time upgrade trusts it."""
    if not member_slots.has_key_pairs(connection):
        return ""
    row = connection.execute("SELECT public_key FROM user_secrets WHERE user_id = ?",
                             (user_id,)).fetchone()
    return roster.b64(bytes(row[0])) if row and row[0] is not None else ""


def found(connection: Connection, founder_id: str, enc_public: bytes,
          roles: Iterable[str] = (roster.COORDINATOR,)) -> str:
    """A new organisation's founding key (the founder's signing key, sealed to her X25519
    public key), pinned as this laptop's root, and the founding statement. Returns the
    root public key."""
    private, public = roster_keys.create(connection, founder_id, enc_public)
    roster.pin_root(connection, public)
    statement = roster.sign(private, roster.user_body(
        founder_id, list(roles), disabled=False, key=public, serial=1, prev="",
        after=roster.latest_at(connection), enc=roster.b64(enc_public)))
    roster.store(connection, statement)
    return public


def require_signer(connection: Connection, signer_id: str, private_key: bytes | None) -> None:
    """CannotSign before anything is written, if this vault signs roles and the signer's
    key does not open with her private key."""
    if roster.root(connection) is not None and roster_keys.open_key(
            connection, signer_id, private_key) is None:
        raise CannotSign()


def issue(connection: Connection, signer_id: str, subject_id: str, *,
          private_key: bytes | None, roles: Iterable[str] | None = None,
          disabled: bool | None = None, new_key: bool = False,
          enc: str | None = None) -> roster.Statement | None:
    """Sign the subject's new state (what is not given stays as the chain proves it).

    ``private_key`` is the signer's X25519 key from her unlocked credential (it opens her
    signing key). ``enc`` is the subject's new X25519 public key, given only by a caller
    that made it in this transaction; otherwise the signed one is kept (a statement from
    before keys were signed takes the table's, once). A user given the coordinator role
    without a usable signing key gets one, sealed to the signed ``enc``; ``new_key``
    replaces it. None when this vault has no signed roles yet."""
    if roster.root(connection) is None:
        return None
    signer = roster_keys.open_key(connection, signer_id, private_key)
    if signer is None or private_key is None:
        raise CannotSign()
    signing_private, _public = signer
    state = roster.evaluate(connection)
    current = state.proofs.get(subject_id)
    if roles is None and current is None:  # never signed (missed by an upgrade): the row's
        row = connection.execute("SELECT roles FROM users WHERE id = ?",
                                 (subject_id,)).fetchone()
        roles = row[0].split() if row else []
    new_roles = sorted(set(roles)) if roles is not None else list(
        current.roles if current else ())
    key = current.key if current else ""
    if subject_id == signer_id:
        key, enc = key or _public, b64_public(private_key)
    elif enc is None:
        enc = (current.enc if current else "") or table_enc(connection, subject_id)
    if subject_id != signer_id and roster.COORDINATOR in new_roles and (
            new_key or not key or _unusable(connection, subject_id, key, enc)):
        key = roster_keys.create_for(connection, subject_id, enc) or key
    statement = roster.sign(signing_private, roster.user_body(
        subject_id, new_roles,
        disabled=disabled if disabled is not None else bool(current and current.disabled),
        key=key, serial=(current.serial + 1) if current else 1,
        prev=current.statement_id if current else "", after=roster.latest_at(connection),
        enc=enc))
    after = roster.evaluate(connection, extra=[statement])
    refused = next((reason for sid, _s, reason in after.rejected if sid == statement.id), "")
    if refused == "founder_protected":
        raise FounderProtected()
    if refused:
        raise RoleChangeNotSigned(reason=refused)
    roster.store(connection, statement)
    return statement


def _unusable(connection: Connection, user_id: str, key: str, enc: str) -> bool:
    """Her sealed key is missing, in the old form, not the one the chain names, or sealed
    to another X25519 key than the signed one (a row rewritten elsewhere, a passphrase
    reset): a role change for her makes her a new one."""
    sealed = roster_keys.sealed_to(connection, user_id)
    return sealed is None or sealed != (key, enc)


def found_existing(connection: Connection, coordinator_id: str,
                   private_key: bytes | None) -> bool:
    """Trust on first use, for a vault from before signed roles: at the first unlock by a
    coordinator, she becomes the founding key and signs every user's roles, state and
    X25519 public key as the tables hold them then. False (nothing done) if her session
    holds no private key yet (a credential from before key pairs)."""
    if roster.root(connection) is not None or not roster.has_tables(connection) \
            or private_key is None:
        return False
    row = connection.execute("SELECT roles FROM users WHERE id = ?",
                             (coordinator_id,)).fetchone()
    found(connection, coordinator_id, sealing.public_key(bytes(private_key)), row[0].split())
    for user_id, roles, disabled in connection.execute(
            "SELECT id, roles, disabled FROM users WHERE id != ? ORDER BY username",
            (coordinator_id,)).fetchall():
        issue(connection, coordinator_id, user_id, private_key=private_key,
              roles=roles.split(), disabled=bool(disabled))
    return True


class RolesNotProven(VaultError):
    message = N_("Your roles are not confirmed by a coordinator's signature, so the vault "
                 "cannot open for you. Ask a coordinator to set your roles again.")


def _member_laptop(connection: Connection) -> bool:
    """A laptop that joined an organisation (not the one that founded it): its root arrives
    with the founding laptop's envelopes instead of being made here."""
    row = connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                             " AND name = 'sync_state'").fetchone()
    if row is None:
        return False
    state = connection.execute("SELECT device_id, org_id FROM sync_state").fetchone()
    if state is None or not state[1]:
        return False
    own = connection.execute("SELECT added_by FROM sync_devices WHERE device_id = ?",
                             (state[0],)).fetchone()
    return own is not None and own[0] != state[0]


def believe(connection: Connection, user_id: str, table_roles: tuple[str, ...],
            private_key: bytes | None = None) -> tuple[tuple[str, ...], bool]:
    """At unlock (caller's transaction): the roles to believe for the user and whether the
    vault's ``users`` row claims something else. Raises RolesNotProven when the chain
    proves no role (or a disabling), and founds the chain of an old vault at the first
    unlock by a coordinator (trust on first use)."""
    if roster.root(connection) is None:
        if roster.COORDINATOR in table_roles and not _member_laptop(connection):
            found_existing(connection, user_id, None if private_key is None else bytes(
                private_key))
        return table_roles, False
    proof = roster.evaluate(connection).proofs.get(user_id)
    if proof is None or proof.disabled or not proof.roles:
        raise RolesNotProven()
    return proof.roles, set(proof.roles) != set(table_roles)


DEVICE_INVITE = "device.invite"
DEVICE_REVOKE = "device.revoke"


def sign_device(connection: Connection, signer_id: str, kind: str, subject: str, *,
                private_key: bytes | None, **fields: object) -> dict[str, str] | None:
    """A coordinator's signed statement about the organisation's laptops (an invitation, a
    removal), to travel inside the control record; None for a vault without signed roles."""
    if roster.root(connection) is None:
        return None
    signer = roster_keys.open_key(connection, signer_id, private_key)
    if signer is None:
        raise CannotSign()
    body = {"kind": kind, "subject": subject, "serial": 1, "prev": "",
            "at": roster.stamp_after(""), **fields}
    return roster.sign(signer[0], body).as_dict()


VALID, PENDING, REFUSED = "valid", "pending", "refused"


def judge_device_statement(connection: Connection, carried: object, kind: str, subject: str,
                           **fields: object) -> str:
    """VALID when an active coordinator signed a statement of this kind, about this subject,
    saying these fields (always, for a vault without signed roles); PENDING when it is well
    signed by a key no statement here names yet; REFUSED otherwise."""
    if roster.root(connection) is None:
        return VALID
    try:
        statement = roster.Statement.from_dict(carried)
    except (KeyError, TypeError, ValueError):
        return REFUSED
    if statement.kind != kind or statement.subject != subject:
        return REFUSED
    if any(statement.body.get(name) != value for name, value in fields.items()):
        return REFUSED
    if roster.authorised(connection, statement) is not None:
        return VALID
    return PENDING if roster.signer_unknown(connection, statement) else REFUSED
