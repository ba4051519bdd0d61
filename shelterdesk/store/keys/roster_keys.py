"""A coordinator's personal signing key, sealed so that only her own unlock opens it.

The private half is sealed with AES-256-GCM under HKDF(user key) — the user key is
what that user's credential wraps under Argon2id(passphrase) (``member_slots``). The
row replicates, so the coordinator signs on every laptop of the organisation; the
associated data binds the user id and the public key, so a row moved to another
user or paired with another public key does not open.

While ``user_secrets`` keeps user keys inside the (shared) database, a person who
opens the database outside the program can read them; the compartment work
(issue 18, item 1) takes them out. :func:`user_key_for` is the one place that asks.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import member_slots, roster
from shelterdesk.store.rows import now

_INFO = b"shelterdesk/roster-signing-key/v1"


def user_key_for(connection: Connection, user_id: str) -> bytes | None:
    return member_slots.user_key(connection, user_id) if member_slots.has_table(
        connection) else None


def _seal_key(user_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(user_key)


def _aad(user_id: str, public: str) -> bytes:
    return roster.canonical({"format": "shelterdesk/roster-key/v1", "user": user_id,
                             "public": public})


def create(connection: Connection, user_id: str, user_key: bytes) -> tuple[bytes, str]:
    """A new key pair for the user, sealed and stored (caller's transaction);
    returns (private, public)."""
    private = roster.new_private_key()
    public = roster.public_of(private)
    nonce = secrets.token_bytes(12)
    sealed = nonce + AESGCM(_seal_key(user_key)).encrypt(nonce, private, _aad(user_id, public))
    connection.execute(
        "INSERT INTO roster_keys (user_id, public_key, sealed, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET public_key = excluded.public_key,"
        " sealed = excluded.sealed, updated_at = excluded.updated_at",
        (user_id, public, roster.b64(sealed), now()))
    return private, public


def create_for(connection: Connection, user_id: str) -> str:
    """A key pair for a user given a coordinator role; "" if the user has no user key yet
    (a user from before sync: a later change gives her one)."""
    user_key = user_key_for(connection, user_id)
    if user_key is None:
        return ""
    return create(connection, user_id, user_key)[1]


def open_key(connection: Connection, user_id: str) -> tuple[bytes, str] | None:
    """(private, public) of the user's signing key, or None if it is missing or does not open."""
    row = connection.execute("SELECT public_key, sealed FROM roster_keys WHERE user_id = ?",
                             (user_id,)).fetchone()
    user_key = user_key_for(connection, user_id)
    if row is None or user_key is None:
        return None
    try:
        sealed = roster.unb64(row[1])
        private = AESGCM(_seal_key(user_key)).decrypt(sealed[:12], sealed[12:],
                                                      _aad(user_id, row[0]))
    except (InvalidTag, ValueError):
        return None
    if roster.public_of(private) != row[0]:
        return None
    return private, row[0]
