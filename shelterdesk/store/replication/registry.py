"""Sync bookkeeping kept per device: identity and keys, the device registry, key epochs,
invitations, acknowledgements seen, and the envelopes this device has built.

Secret keys (this device's signing and key-exchange keys, the organisation's
epoch keys) live only here, inside the encrypted database, never in the
key-slot file. Callers run these inside their own transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from shelterdesk.store.connection import Connection
from shelterdesk.store.rows import now


@dataclass(frozen=True)
class Identity:
    device_id: str
    org_id: str
    sign_key: bytes | None
    kx_key: bytes | None

    @property
    def enrolled(self) -> bool:
        return bool(self.org_id) and self.sign_key is not None


@dataclass(frozen=True)
class Device:
    device_id: str
    sign_pub: bytes
    kx_pub: bytes
    label: str
    added_by: str
    invite_id: str
    added_at: str
    revoked_after: int | None
    revoked_at: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_after is not None


def identity(connection: Connection) -> Identity:
    row = connection.execute(
        "SELECT device_id, org_id, sign_key, kx_key FROM sync_state").fetchone()
    return Identity(row[0], row[1], bytes(row[2]) if row[2] is not None else None,
                    bytes(row[3]) if row[3] is not None else None)


def set_identity(connection: Connection, org_id: str, sign_key: bytes, kx_key: bytes) -> None:
    connection.execute("UPDATE sync_state SET org_id = ?, sign_key = ?, kx_key = ?",
                       (org_id, sign_key, kx_key))


# --- devices ------------------------------------------------------------------------
_DEVICE_COLUMNS = ("device_id, sign_pub, kx_pub, label, added_by, invite_id, added_at,"
                   " revoked_after, revoked_at")


def _device(row) -> Device:
    return Device(row[0], bytes(row[1]), bytes(row[2]), row[3], row[4], row[5], row[6], row[7],
                  row[8])


def device(connection: Connection, device_id: str) -> Device | None:
    row = connection.execute(f"SELECT {_DEVICE_COLUMNS} FROM sync_devices WHERE device_id = ?",
                             (device_id,)).fetchone()
    return _device(row) if row else None


def devices(connection: Connection) -> list[Device]:
    return [_device(r) for r in connection.execute(
        f"SELECT {_DEVICE_COLUMNS} FROM sync_devices ORDER BY added_at, device_id")]


def add_device(connection: Connection, device_id: str, sign_pub: bytes, kx_pub: bytes, *,
               label: str = "", added_by: str = "", invite_id: str = "",
               added_at: str | None = None) -> bool:
    """Register a device's public keys; False if it was known already (keys never change)."""
    cursor = connection.execute(
        "INSERT OR IGNORE INTO sync_devices (device_id, sign_pub, kx_pub, label, added_by,"
        " invite_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (device_id, sign_pub, kx_pub, label, added_by, invite_id, added_at or now()))
    return cursor.rowcount == 1


def revoke_device(connection: Connection, device_id: str, after_seq: int,
                  at: str | None = None) -> bool:
    """Envelopes of the device beyond ``after_seq`` are refused from now on. Of two bounds
    heard, the higher wins: it is what some remaining device had already applied, and all
    must hold the same. True if this changed anything."""
    cursor = connection.execute(
        "UPDATE sync_devices SET revoked_after = ?, revoked_at = coalesce(revoked_at, ?)"
        " WHERE device_id = ? AND (revoked_after IS NULL OR revoked_after < ?)",
        (after_seq, at or now(), device_id, after_seq))
    return cursor.rowcount == 1


def device_using_invite(connection: Connection, invite_id: str) -> str | None:
    row = connection.execute("SELECT device_id FROM sync_devices WHERE invite_id = ?",
                             (invite_id,)).fetchone()
    return row[0] if row else None


# --- laptop names and users (from ~laptop records inside envelopes) --------------------
@dataclass(frozen=True)
class LaptopInfo:
    name: str
    user_id: str
    user_name: str  # the user's display name (or user name) in this vault; "" if unknown


def set_laptop_info(connection: Connection, device_id: str, hlc: int, *,
                    name: str | None = None, user_id: str | None = None) -> None:
    """Record a laptop's name and/or user as of ``hlc``; an older write changes nothing."""
    connection.execute("INSERT OR IGNORE INTO sync_laptops (device_id) VALUES (?)",
                       (device_id,))
    if name is not None:
        connection.execute("UPDATE sync_laptops SET name = ?, name_hlc = ?"
                           " WHERE device_id = ? AND name_hlc < ?", (name, hlc, device_id, hlc))
    if user_id is not None:
        connection.execute("UPDATE sync_laptops SET user_id = ?, user_hlc = ?"
                           " WHERE device_id = ? AND user_hlc < ?",
                           (user_id, hlc, device_id, hlc))


def laptop_info(connection: Connection) -> dict[str, LaptopInfo]:
    """Every laptop's name and last user, by device id."""
    return {r[0]: LaptopInfo(r[1], r[2], r[3] or "") for r in connection.execute(
        "SELECT l.device_id, l.name, l.user_id,"
        " coalesce(nullif(u.display_name, ''), u.username)"
        " FROM sync_laptops l LEFT JOIN users u ON u.id = l.user_id")}


# --- epochs -------------------------------------------------------------------------
def epoch_keys(connection: Connection) -> dict[int, bytes]:
    return {r[0]: bytes(r[1]) for r in connection.execute("SELECT epoch, key FROM sync_epochs")}


def current_epoch(connection: Connection) -> int:
    row = connection.execute("SELECT max(epoch) FROM sync_epochs").fetchone()
    return int(row[0] or 0)


def add_epoch(connection: Connection, epoch: int, key: bytes, created_by: str = "") -> bool:
    cursor = connection.execute(
        "INSERT OR IGNORE INTO sync_epochs (epoch, key, created_by, created_at)"
        " VALUES (?, ?, ?, ?)", (epoch, key, created_by, now()))
    return cursor.rowcount == 1


# --- invitations --------------------------------------------------------------------
@dataclass(frozen=True)
class Invite:
    invite_id: str
    issuer: str
    invite_pub: bytes
    expires_at: str
    used_by: str
    own: bool


def add_invite(connection: Connection, invite_id: str, issuer: str, invite_pub: bytes,
               expires_at: str, *, own: bool = False) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO sync_invites (invite_id, issuer, invite_pub, expires_at, own)"
        " VALUES (?, ?, ?, ?, ?)", (invite_id, issuer, invite_pub, expires_at, int(own)))


def invite(connection: Connection, invite_id: str) -> Invite | None:
    row = connection.execute(
        "SELECT invite_id, issuer, invite_pub, expires_at, used_by, own FROM sync_invites"
        " WHERE invite_id = ?", (invite_id,)).fetchone()
    return Invite(row[0], row[1], bytes(row[2]), row[3], row[4], bool(row[5])) if row else None


def own_open_invites(connection: Connection) -> list[Invite]:
    return [Invite(r[0], r[1], bytes(r[2]), r[3], r[4], bool(r[5])) for r in connection.execute(
        "SELECT invite_id, issuer, invite_pub, expires_at, used_by, own FROM sync_invites"
        " WHERE own = 1 AND used_by = ''")]


def mark_invite_used(connection: Connection, invite_id: str, device_id: str) -> None:
    connection.execute("UPDATE sync_invites SET used_by = ? WHERE invite_id = ? AND used_by = ''",
                       (device_id, invite_id))


# --- acknowledgements -----------------------------------------------------------------
def record_ack(connection: Connection, device_id: str, vector: dict[str, int],
               signed_at: str) -> None:
    connection.execute(
        "INSERT INTO sync_acks (device_id, vector, signed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (device_id) DO UPDATE SET vector = excluded.vector,"
        " signed_at = excluded.signed_at WHERE excluded.signed_at >= sync_acks.signed_at",
        (device_id, json.dumps(vector, sort_keys=True), signed_at))


def acks(connection: Connection) -> dict[str, dict[str, int]]:
    return {r[0]: json.loads(r[1]) for r in connection.execute(
        "SELECT device_id, vector FROM sync_acks")}


# --- envelopes this device built --------------------------------------------------------
@dataclass(frozen=True)
class SentEnvelope:
    seq_from: int
    seq_to: int
    epoch: int
    hash: bytes
    blob: bytes | None
    put_at: str | None


def sent_envelopes(connection: Connection, *, unput_only: bool = False) -> list[SentEnvelope]:
    where = " WHERE put_at IS NULL" if unput_only else ""
    return [SentEnvelope(r[0], r[1], r[2], bytes(r[3]), bytes(r[4]) if r[4] is not None else None,
                         r[5]) for r in connection.execute(
        "SELECT seq_from, seq_to, epoch, hash, blob, put_at FROM sync_sent"
        f"{where} ORDER BY seq_from")]


def last_sent(connection: Connection) -> tuple[int, bytes | None]:
    """The last sealed seq and the hash of that envelope (the next one's prev)."""
    row = connection.execute(
        "SELECT seq_to, hash FROM sync_sent ORDER BY seq_from DESC LIMIT 1").fetchone()
    return (int(row[0]), bytes(row[1])) if row else (0, None)


def record_sent(connection: Connection, seq_from: int, seq_to: int, epoch: int,
                envelope_hash: bytes, blob: bytes) -> None:
    connection.execute(
        "INSERT INTO sync_sent (seq_from, seq_to, epoch, hash, blob) VALUES (?, ?, ?, ?, ?)",
        (seq_from, seq_to, epoch, envelope_hash, blob))


def mark_put(connection: Connection, seq_from: int) -> None:
    connection.execute("UPDATE sync_sent SET put_at = ? WHERE seq_from = ?", (now(), seq_from))


def forget_acknowledged_blobs(connection: Connection, up_to_seq: int) -> int:
    """Drop the kept bytes of envelopes every device has applied (their hashes stay)."""
    return connection.execute("UPDATE sync_sent SET blob = NULL WHERE put_at IS NOT NULL"
                              " AND blob IS NOT NULL AND seq_to <= ?", (up_to_seq,)).rowcount


def schema_version(connection: Connection) -> int:
    row = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)
