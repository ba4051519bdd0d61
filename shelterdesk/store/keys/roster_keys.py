"""A coordinator's personal signing key, sealed so that only her own unlock opens it.

The Ed25519 private half is sealed to her own X25519 public key (``sealing``): the
X25519 private key lives only inside her credential, wrapped under Argon2id of her
passphrase, and reaches the program only in an unlocked session (``Session.private_key``).
Nothing in the shared database opens it — not the core key, and not the user keys that
``user_secrets`` still keeps for the laptops' key slots (``member_slots``).

The row replicates, so the coordinator signs on every laptop of the organisation. The
stored form is ``x1:<recipient X25519 public>:<sealed>``; the associated data binds the
user id, the signing public key and the recipient, so a row moved to another user,
paired with another public key or relabelled to another recipient does not open.

Vaults from before this form sealed the key under HKDF(user key), which anyone with
the core key could read: :func:`upgrade` reseals such a row at the coordinator's next
unlock and overwrites the old form (docs/security.md "Signed roles" says what stays).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shelterdesk.store.connection import Connection
from shelterdesk.store.keys import member_slots, roster, sealing
from shelterdesk.store.rows import now

FORM = "x1:"
_LEGACY_INFO = b"shelterdesk/roster-signing-key/v1"


def _aad(user_id: str, public: str, recipient: str) -> bytes:
    return roster.canonical({"format": "shelterdesk/roster-key/v2", "user": user_id,
                             "public": public, "to": recipient})


def _write(connection: Connection, user_id: str, private: bytes, public: str,
           recipient: bytes) -> None:
    to = roster.b64(recipient)
    sealed = sealing.seal(recipient, private, _aad(user_id, public, to))
    connection.execute(
        "INSERT INTO roster_keys (user_id, public_key, sealed, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET public_key = excluded.public_key,"
        " sealed = excluded.sealed, updated_at = excluded.updated_at",
        (user_id, public, f"{FORM}{to}:{roster.b64(sealed)}", now()))


def create(connection: Connection, user_id: str, recipient: bytes) -> tuple[bytes, str]:
    """A new key pair for the user, sealed to her X25519 public key ``recipient`` and
    stored (caller's transaction); returns (private, public)."""
    private = roster.new_private_key()
    public = roster.public_of(private)
    _write(connection, user_id, private, public, recipient)
    return private, public


def create_for(connection: Connection, user_id: str, enc: str) -> str:
    """A key pair for a user given a coordinator role, sealed to ``enc`` — her X25519
    public key as a signed statement names it, never a bare table row; "" without one."""
    recipient = _decode(enc)
    return create(connection, user_id, recipient)[1] if recipient else ""


def _decode(enc: str) -> bytes | None:
    try:
        raw = roster.unb64(enc) if enc else b""
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def _row(connection: Connection, user_id: str) -> tuple[str, str] | None:
    row = connection.execute("SELECT public_key, sealed FROM roster_keys WHERE user_id = ?",
                             (user_id,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def sealed_to(connection: Connection, user_id: str) -> tuple[str, str] | None:
    """(signing public key, recipient X25519 public key) of the user's sealed row in the
    current form, or None (missing, malformed or the old form)."""
    row = _row(connection, user_id)
    if row is None or not row[1].startswith(FORM):
        return None
    parts = row[1].split(":")
    return (row[0], parts[1]) if len(parts) == 3 else None


def open_key(connection: Connection, user_id: str,
             private_key: bytes | None) -> tuple[bytes, str] | None:
    """(private, public) of the user's signing key, opened with her own X25519 private key
    (from her unlocked credential); None if missing, sealed to anyone else, or altered."""
    row = _row(connection, user_id)
    if row is None or private_key is None or not row[1].startswith(FORM):
        return None
    public, text = row
    parts = text.split(":")
    if len(parts) != 3 or parts[1] != roster.b64(sealing.public_key(bytes(private_key))):
        return None
    try:
        sealed = roster.unb64(parts[2])
    except ValueError:
        return None
    private = sealing.open_sealed(bytes(private_key), sealed, _aad(user_id, public, parts[1]))
    if private is None or len(private) != 32 or roster.public_of(private) != public:
        return None
    return private, public


def _open_legacy(connection: Connection, user_id: str) -> tuple[bytes, str] | None:
    """The old form, under HKDF(user key from ``user_secrets``): only :func:`upgrade` asks."""
    row = _row(connection, user_id)
    user_key = member_slots.user_key(connection, user_id) if member_slots.has_table(
        connection) else None
    if row is None or user_key is None or row[1].startswith(FORM):
        return None
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=_LEGACY_INFO).derive(user_key)
    aad = roster.canonical({"format": "shelterdesk/roster-key/v1", "user": user_id,
                            "public": row[0]})
    try:
        sealed = roster.unb64(row[1])
        private = AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)
    except (InvalidTag, ValueError):
        return None
    return (private, row[0]) if roster.public_of(private) == row[0] else None


def upgrade(connection: Connection, user_id: str, private_key: bytes) -> bool:
    """At her unlock (caller's transaction): a signing key still in the old form is sealed
    to her own X25519 public key (derived from her private key, not read from a table)
    and the old form overwritten. True when a row was resealed."""
    opened = _open_legacy(connection, user_id)
    if opened is None:
        return False
    _write(connection, user_id, opened[0], opened[1],
           sealing.public_key(bytes(private_key)))
    return True


def legacy_rows(connection: Connection) -> int:
    """How many signing keys are still in the old form (waiting for their owner's unlock)."""
    return connection.execute("SELECT count(*) FROM roster_keys WHERE sealed NOT LIKE ?",
                              (FORM + "%",)).fetchone()[0]
