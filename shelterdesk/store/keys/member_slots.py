"""One passphrase on every laptop: per-user keys and credentials, and this laptop's slots for them.

Each user has a random *user key*. ``user_secrets`` (a replicated table, so
only ever inside the encrypted database or an encrypted envelope) holds it and
the user's *credential*: the user key wrapped under Argon2id(passphrase). A
passphrase set on one laptop changes the credential; the next sync carries it
to the others, where :func:`refresh` rewrites that laptop's key-slot file: the
same credential, plus this laptop's own vault key wrapped under the user key.
A stolen copy of one laptop's files therefore still needs a passphrase, and
never opens another laptop's database by itself.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from shelterdesk.store.connection import Connection
from shelterdesk.store.errors import SlotFileCorrupted
from shelterdesk.store.keys import sealing
from shelterdesk.store.keys.keyslots import KdfParams, SlotFile, make_credential
from shelterdesk.store.rows import now


def has_table(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                              " AND name = 'user_secrets'").fetchone() is not None


def user_key(connection: Connection, user_id: str) -> bytes | None:
    row = connection.execute("SELECT user_key FROM user_secrets WHERE user_id = ?",
                             (user_id,)).fetchone()
    return bytes(row[0]) if row else None


def has_key_pairs(connection: Connection) -> bool:
    return any(row[1] == "public_key" for row in connection.execute(
        "PRAGMA table_info(user_secrets)"))


def set_passphrase(connection: Connection, user_id: str, passphrase: str, params: KdfParams,
                   private_key: bytes | None = None) -> tuple[bytes, dict, bytes | None]:
    """A new credential for the user (a user key made if there is none), in the caller's
    transaction; returns (user key, credential, public key).

    The credential also wraps the user's X25519 private key: the one given (the user
    changing their own passphrase keeps their key pair, and so their compartment keys),
    or a new one (a reset: the compartment keys are sealed again to the new public key by
    whoever holds them, store/keys/compartments.py)."""
    key = user_key(connection, user_id) or secrets.token_bytes(32)
    if not has_key_pairs(connection):  # a schema from before compartments (upgrade tests)
        credential = make_credential(passphrase, key, params)
        connection.execute(
            "INSERT INTO user_secrets (user_id, user_key, credential, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " credential = excluded.credential, updated_at = excluded.updated_at",
            (user_id, key, json.dumps(credential, sort_keys=True), now()))
        return key, credential, None
    private = bytes(private_key) if private_key is not None else sealing.new_private_key()
    public = sealing.public_key(private)
    credential = make_credential(passphrase, key, params, private)
    connection.execute(
        "INSERT INTO user_secrets (user_id, user_key, credential, updated_at, public_key)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
        " credential = excluded.credential, updated_at = excluded.updated_at,"
        " public_key = excluded.public_key",
        (user_id, key, json.dumps(credential, sort_keys=True), now(), public))
    return key, credential, public


def forget(connection: Connection, user_id: str) -> None:
    """A disabled user's key and credential go from every laptop (the delete replicates)."""
    connection.execute("DELETE FROM user_secrets WHERE user_id = ?", (user_id,))
    if has_key_pairs(connection):
        connection.execute("DELETE FROM compartment_grants WHERE user_id = ?", (user_id,))


def refresh(connection: Connection, slots_path: Path, vault_key: bytes | bytearray) -> int:
    """Bring this laptop's key-slot file in line with the users and credentials in the
    database; returns how many slots changed (the file is rewritten only then)."""
    if not has_table(connection):
        return 0
    slots = SlotFile.load(slots_path)
    if not slots.mac_matches(vault_key):
        raise SlotFileCorrupted()
    public = "s.public_key" if has_key_pairs(connection) else "NULL"
    rows = connection.execute(
        f"SELECT u.username, u.disabled, s.user_key, s.credential, {public} FROM users u"
        " LEFT JOIN user_secrets s ON s.user_id = u.id ORDER BY u.username").fetchall()
    rotated = connection.execute(
        "SELECT 1 FROM meta WHERE key = 'keys_rotated_at'").fetchone() is not None
    changed = 0
    for username, disabled, key, credential_text, public_key in rows:
        existing = slots.find(slots.slot_id_for(username))
        if disabled:
            if existing is not None and existing.kind != "disabled":
                slots.disable(username)
                changed += 1
            continue
        if key is None or credential_text is None:
            continue  # a user from before this version: upgraded at their next login
        credential = json.loads(credential_text)
        public_key = bytes(public_key) if public_key is not None else None
        if public_key is None and rotated:
            # After a key rotation no slot is wrapped under a user key (which the database
            # shows to anyone with the core key): this user needs a passphrase reset.
            continue
        if not slots.has_member(username, credential, public_key):
            slots.put_member(username, credential, bytes(key), vault_key, public_key)
            changed += 1
    if changed:
        slots.save(slots_path, vault_key)
    return changed
