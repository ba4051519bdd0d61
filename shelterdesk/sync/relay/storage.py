"""The relay's storage: one small interface, the SQL both databases share, and migrations.

Everything is keyed by the authenticated organisation; no method reads across
organisations. Envelopes are keyed by (org, sender device, seq_from, seq_to)
and inserted with ``ON CONFLICT DO NOTHING``, so a repeated put is a no-op and
several relay processes over one PostgreSQL database cannot duplicate one;
a different blob under the same key is refused (:data:`CONFLICT`). Listings
are "everything beyond this version vector", ordered by the natural key and
never by a database serial (serials commit out of order, and a cursor on them
skips rows); a page that stops early is resumed by the client with a larger
vector. ``SqliteStore`` and ``PostgresStore`` supply connections, transactions
and the column type for bytes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

CREATED, SAME, CONFLICT = "created", "same", "conflict"

# Numbered migrations; {blob} is BLOB (SQLite) or BYTEA (PostgreSQL). Never edit one that
# has shipped: add the next number.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE relay_orgs (org_id TEXT PRIMARY KEY, created_at BIGINT NOT NULL)""",
        """CREATE TABLE relay_devices (
            org_id TEXT NOT NULL, device_id TEXT NOT NULL, sign_pub {blob} NOT NULL,
            added_by TEXT NOT NULL, added_at BIGINT NOT NULL, revoked_at BIGINT,
            PRIMARY KEY (org_id, device_id))""",
        """CREATE TABLE relay_nonces (
            nonce_hash TEXT PRIMARY KEY, org_id TEXT, device_id TEXT,
            counter BIGINT NOT NULL DEFAULT 0, expires_at BIGINT NOT NULL)""",
        """CREATE INDEX relay_nonces_expiry ON relay_nonces (expires_at)""",
        """CREATE TABLE relay_envelopes (
            org_id TEXT NOT NULL, device_id TEXT NOT NULL, seq_from BIGINT NOT NULL,
            seq_to BIGINT NOT NULL, digest {blob} NOT NULL, blob {blob} NOT NULL,
            stored_at BIGINT NOT NULL,
            PRIMARY KEY (org_id, device_id, seq_from, seq_to))""",
        """CREATE INDEX relay_envelopes_beyond ON relay_envelopes (org_id, device_id, seq_to)""",
        """CREATE TABLE relay_records (
            org_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, blob {blob} NOT NULL,
            updated_at BIGINT NOT NULL, PRIMARY KEY (org_id, kind, name))""",
        """CREATE TABLE relay_invitations (
            invite_hash TEXT PRIMARY KEY, org_id TEXT NOT NULL, created_by TEXT NOT NULL,
            blob {blob} NOT NULL, expires_at BIGINT NOT NULL, admitted_device TEXT)""",
    ]),
    (2, [
        # the new laptop's request of an enrollment exchange (the first one only)
        """ALTER TABLE relay_invitations ADD COLUMN request {blob}""",
        # admission tokens from the operator: SHA-256 only, each founds one organisation
        """CREATE TABLE relay_admission (
            token_hash TEXT PRIMARY KEY, added_at BIGINT NOT NULL, used_by_org TEXT,
            used_at BIGINT)""",
    ]),
]
REGISTERED, EXISTS, NOT_ADMITTED = "registered", "exists", "not_admitted"
_BATCH = 100


@dataclass(frozen=True)
class DeviceRow:
    org_id: str
    device_id: str
    sign_pub: bytes
    revoked: bool


@dataclass(frozen=True)
class Ref:
    device_id: str
    seq_from: int
    seq_to: int


def now() -> int:
    return int(time.time())


class RelayStore:
    """The SQL of the relay over a DB-API connection; subclasses provide the connections."""

    blob_type = "BLOB"
    placeholder = "?"

    # --- what a subclass provides --------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Any]:
        """A context yielding a cursor inside one transaction (committed on success)."""
        raise NotImplementedError

    def _lock_for_migration(self, cursor: Any) -> None:
        """Serialise migrations between processes (a no-op where the transaction does it)."""

    def close(self) -> None:
        raise NotImplementedError

    # --- helpers ---------------------------------------------------------------------
    def _q(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _run(self, cursor: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        cursor.execute(self._q(sql), tuple(params))
        return cursor

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.transaction() as cursor:
            return list(self._run(cursor, sql, params).fetchall())

    # --- schema ----------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply missing migrations (each in its own transaction); returns the version."""
        with self.transaction() as cursor:
            self._lock_for_migration(cursor)
            cursor.execute("CREATE TABLE IF NOT EXISTS relay_migrations ("
                           "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")
        version = 0
        for number, statements in MIGRATIONS:
            with self.transaction() as cursor:
                self._lock_for_migration(cursor)
                done = self._run(cursor, "SELECT 1 FROM relay_migrations WHERE version = ?",
                                 (number,)).fetchone()
                if not done:
                    for statement in statements:
                        cursor.execute(statement.format(blob=self.blob_type))
                    self._run(cursor, "INSERT INTO relay_migrations VALUES (?, ?)",
                              (number, now()))
            version = number
        return version

    def schema_version(self) -> int:
        return int(self._rows("SELECT coalesce(max(version), 0) FROM relay_migrations")[0][0])

    def healthy(self) -> bool:
        return self._rows("SELECT 1")[0][0] == 1

    # --- challenges --------------------------------------------------------------------
    def issue_nonce(self, nonce_hash: str, ttl: int) -> None:
        with self.transaction() as cursor:
            self._run(cursor, "DELETE FROM relay_nonces WHERE expires_at < ?", (now(),))
            self._run(cursor, "INSERT INTO relay_nonces (nonce_hash, counter, expires_at) "
                              "VALUES (?, 0, ?)", (nonce_hash, now() + ttl))

    def _relax_commit(self, cursor: Any) -> None:
        """Let this transaction commit without waiting for its log to reach the disk (where
        the database can): a crash may forget the last counters, not any envelope."""

    def authenticate(self, org_id: str, device_id: str, nonce_hash: str, counter: int,
                     check: Callable[[bytes], None]) -> str:
        """One transaction: the device's key (``check`` raises for a bad signature), then
        the challenge's counter. "ok", "unknown", "revoked" or "stale"."""
        with self.transaction() as cursor:
            self._relax_commit(cursor)
            row = self._run(cursor, "SELECT sign_pub, revoked_at FROM relay_devices "
                                    "WHERE org_id = ? AND device_id = ?",
                            (org_id, device_id)).fetchone()
            if row is None:
                return "unknown"
            if row[1] is not None:
                return "revoked"
            check(bytes(row[0]))
            updated = self._run(cursor, """
                UPDATE relay_nonces SET counter = ?, org_id = ?, device_id = ?
                WHERE nonce_hash = ? AND counter < ? AND expires_at >= ?
                  AND (device_id IS NULL OR (device_id = ? AND org_id = ?))""",
                (counter, org_id, device_id, nonce_hash, counter, now(), device_id, org_id))
            return "ok" if updated.rowcount == 1 else "stale"

    def use_nonce(self, nonce_hash: str, org_id: str, device_id: str, counter: int) -> bool:
        """True once per (nonce, rising counter); binds the nonce to its first device."""
        with self.transaction() as cursor:
            updated = self._run(cursor, """
                UPDATE relay_nonces SET counter = ?, org_id = ?, device_id = ?
                WHERE nonce_hash = ? AND counter < ? AND expires_at >= ?
                  AND (device_id IS NULL OR (device_id = ? AND org_id = ?))""",
                (counter, org_id, device_id, nonce_hash, counter, now(), device_id, org_id))
            return updated.rowcount == 1

    # --- organisations and devices -------------------------------------------------------
    def device(self, org_id: str, device_id: str) -> DeviceRow | None:
        rows = self._rows("SELECT sign_pub, revoked_at FROM relay_devices "
                          "WHERE org_id = ? AND device_id = ?", (org_id, device_id))
        if not rows:
            return None
        return DeviceRow(org_id, device_id, bytes(rows[0][0]), rows[0][1] is not None)

    def org_exists(self, org_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM relay_orgs WHERE org_id = ?", (org_id,)))

    def add_admission_tokens(self, token_hashes: Sequence[str]) -> int:
        """Tokens the operator hands out (hashes only); returns how many were new."""
        added = 0
        with self.transaction() as cursor:
            for token_hash in token_hashes:
                added += self._run(cursor, "INSERT INTO relay_admission (token_hash, added_at) "
                                           "VALUES (?, ?) ON CONFLICT DO NOTHING",
                                   (token_hash, now())).rowcount
        return added

    def register_org(self, org_id: str, device_id: str, sign_pub: bytes,
                     token_hash: str) -> str:
        """Found an organisation with its first device, spending one admission token.

        The token is checked first, so that nobody without one learns whether an
        organisation exists: :data:`NOT_ADMITTED` for an unknown or spent token (spent on
        another organisation), :data:`EXISTS` (token kept) or :data:`REGISTERED`."""
        try:
            return self._register(org_id, device_id, sign_pub, token_hash)
        except _Rollback:
            return NOT_ADMITTED

    def _register(self, org_id: str, device_id: str, sign_pub: bytes, token_hash: str) -> str:
        with self.transaction() as cursor:
            token = self._run(cursor, "SELECT used_by_org FROM relay_admission "
                                      "WHERE token_hash = ?", (token_hash,)).fetchone()
            if token is None or token[0] not in (None, org_id):
                return NOT_ADMITTED
            inserted = self._run(cursor, "INSERT INTO relay_orgs VALUES (?, ?) "
                                         "ON CONFLICT DO NOTHING", (org_id, now())).rowcount
            if inserted != 1:
                return EXISTS
            spent = self._run(cursor, "UPDATE relay_admission SET used_by_org = ?, used_at = ? "
                                      "WHERE token_hash = ? AND used_by_org IS NULL",
                              (org_id, now(), token_hash)).rowcount
            if spent != 1:
                raise _Rollback()
            self._run(cursor, "INSERT INTO relay_devices VALUES (?, ?, ?, ?, ?, NULL)",
                      (org_id, device_id, sign_pub, device_id, now()))
            return REGISTERED

    def apply_roster(self, org_id: str, by_device: str,
                     devices: Sequence[tuple[str, bytes, bool]]) -> tuple[int, int]:
        """Add unknown devices and revoke named ones (never un-revoke, never re-key).
        Returns (added, revoked)."""
        added = revoked = 0
        with self.transaction() as cursor:
            for device_id, sign_pub, is_revoked in devices:
                if is_revoked:
                    revoked += self._run(cursor, """
                        UPDATE relay_devices SET revoked_at = ?
                        WHERE org_id = ? AND device_id = ? AND revoked_at IS NULL""",
                        (now(), org_id, device_id)).rowcount
                    self._run(cursor, "INSERT INTO relay_devices VALUES (?, ?, ?, ?, ?, ?) "
                                      "ON CONFLICT DO NOTHING",
                              (org_id, device_id, sign_pub, by_device, now(), now()))
                else:
                    added += self._run(cursor, "INSERT INTO relay_devices VALUES "
                                               "(?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
                                       (org_id, device_id, sign_pub, by_device, now())).rowcount
        return added, revoked

    def admit(self, invite_hash: str, org_id: str, device_id: str, sign_pub: bytes) -> str:
        """A new device joins with an invitation: "ok", "not_found" or "conflict" (the
        device id is taken by another key). One device per invitation at a time."""
        with self.transaction() as cursor:
            row = self._run(cursor, """
                SELECT admitted_device FROM relay_invitations
                WHERE invite_hash = ? AND org_id = ? AND expires_at >= ?""",
                (invite_hash, org_id, now())).fetchone()
            if row is None:
                return "not_found"
            if row[0] is not None and row[0] != device_id:
                # an enrollment that failed half-way and is tried again (the invitation is
                # deleted only on success): the earlier attempt's device is revoked here
                self._run(cursor, "UPDATE relay_devices SET revoked_at = ? WHERE org_id = ? "
                                  "AND device_id = ? AND revoked_at IS NULL",
                          (now(), org_id, row[0]))
                self._run(cursor, "UPDATE relay_invitations SET admitted_device = NULL "
                                  "WHERE invite_hash = ?", (invite_hash,))
            existing = self._run(cursor, "SELECT sign_pub FROM relay_devices "
                                         "WHERE org_id = ? AND device_id = ?",
                                 (org_id, device_id)).fetchone()
            if existing is not None:
                return "ok" if bytes(existing[0]) == sign_pub else "conflict"
            updated = self._run(cursor, """
                UPDATE relay_invitations SET admitted_device = ?
                WHERE invite_hash = ? AND admitted_device IS NULL""",
                (device_id, invite_hash)).rowcount
            if updated != 1:
                return "conflict"
            self._run(cursor, "INSERT INTO relay_devices VALUES (?, ?, ?, ?, ?, NULL)",
                      (org_id, device_id, sign_pub, "invite:" + invite_hash[:16], now()))
            return "ok"

    # --- envelopes ---------------------------------------------------------------------
    def put_envelope(self, org_id: str, ref: Ref, blob: bytes) -> str:
        digest = hashlib.sha256(blob).digest()
        with self.transaction() as cursor:
            inserted = self._run(cursor, """
                INSERT INTO relay_envelopes VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""",
                (org_id, ref.device_id, ref.seq_from, ref.seq_to, digest, blob, now())).rowcount
            if inserted == 1:
                return CREATED
            row = self._run(cursor, """
                SELECT digest FROM relay_envelopes
                WHERE org_id = ? AND device_id = ? AND seq_from = ? AND seq_to = ?""",
                (org_id, ref.device_id, ref.seq_from, ref.seq_to)).fetchone()
        return SAME if row is not None and bytes(row[0]) == digest else CONFLICT

    def list_envelopes(self, org_id: str, beyond: Mapping[str, int],
                       limit: int) -> tuple[list[Ref], bool]:
        """Envelopes with seq_to past ``beyond[device]`` in (device, seq_to, seq_from) order;
        at most ``limit`` (plus ties of the last seq_to), and whether more remain."""
        found: list[Ref] = []
        with self.transaction() as cursor:
            devices = [r[0] for r in self._run(
                cursor, "SELECT DISTINCT device_id FROM relay_envelopes WHERE org_id = ? "
                        "ORDER BY device_id", (org_id,)).fetchall()]
            for device in devices:
                room = limit - len(found)
                rows = self._run(cursor, """
                    SELECT seq_from, seq_to FROM relay_envelopes
                    WHERE org_id = ? AND device_id = ? AND seq_to > ?
                    ORDER BY seq_to, seq_from LIMIT ?""",
                    (org_id, device, int(beyond.get(device, 0)), room + 1)).fetchall()
                if len(rows) <= room:
                    found += [Ref(device, int(a), int(b)) for a, b in rows]
                    continue
                kept = [Ref(device, int(a), int(b)) for a, b in rows[:room]]
                if kept:  # never split a seq_to between pages: the client resumes past it
                    last = kept[-1].seq_to
                    ties = self._run(cursor, """
                        SELECT seq_from, seq_to FROM relay_envelopes WHERE org_id = ?
                        AND device_id = ? AND seq_to = ? AND seq_from > ? ORDER BY seq_from""",
                        (org_id, device, last, kept[-1].seq_from)).fetchall()
                    kept += [Ref(device, int(a), int(b)) for a, b in ties]
                return found + kept, True
        return found, False

    def get_envelopes(self, org_id: str, refs: Sequence[Ref]) -> Iterator[tuple[Ref, bytes | None]]:
        """Many envelopes, a hundred per query, in the order asked (None: not here)."""
        for start in range(0, len(refs), _BATCH):
            chunk = refs[start:start + _BATCH]
            where = " OR ".join(["(device_id = ? AND seq_from = ? AND seq_to = ?)"] * len(chunk))
            params: list[Any] = [org_id]
            for ref in chunk:
                params += [ref.device_id, ref.seq_from, ref.seq_to]
            found = {Ref(d, int(a), int(b)): bytes(blob) for d, a, b, blob in self._rows(
                f"SELECT device_id, seq_from, seq_to, blob FROM relay_envelopes "  # noqa: S608
                f"WHERE org_id = ? AND ({where})", params)}
            for ref in chunk:
                yield ref, found.get(ref)

    def get_envelope(self, org_id: str, ref: Ref) -> bytes | None:
        rows = self._rows("""SELECT blob FROM relay_envelopes WHERE org_id = ?
                             AND device_id = ? AND seq_from = ? AND seq_to = ?""",
                          (org_id, ref.device_id, ref.seq_from, ref.seq_to))
        return bytes(rows[0][0]) if rows else None

    # --- records -----------------------------------------------------------------------
    def put_record(self, org_id: str, kind: str, name: str, blob: bytes) -> None:
        with self.transaction() as cursor:
            self._run(cursor, """
                INSERT INTO relay_records VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (org_id, kind, name)
                DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at""",
                (org_id, kind, name, blob, now()))

    def list_records(self, org_id: str, kind: str) -> list[str]:
        return [r[0] for r in self._rows("SELECT name FROM relay_records WHERE org_id = ? "
                                         "AND kind = ? ORDER BY name", (org_id, kind))]

    def get_record(self, org_id: str, kind: str, name: str) -> bytes | None:
        rows = self._rows("SELECT blob FROM relay_records WHERE org_id = ? AND kind = ? "
                          "AND name = ?", (org_id, kind, name))
        return bytes(rows[0][0]) if rows else None

    # --- invitations -------------------------------------------------------------------
    def put_invitation(self, invite_hash: str, org_id: str, device_id: str, blob: bytes,
                       ttl: int) -> bool:
        """Store (or replace, for the same organisation) an invitation; False if another
        organisation holds this id."""
        with self.transaction() as cursor:
            self._run(cursor, "DELETE FROM relay_invitations WHERE expires_at < ?", (now(),))
            return self._run(cursor, """
                INSERT INTO relay_invitations (invite_hash, org_id, created_by, blob, expires_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (invite_hash) DO UPDATE SET blob = excluded.blob
                WHERE relay_invitations.org_id = excluded.org_id""",
                (invite_hash, org_id, device_id, blob, now() + ttl)).rowcount == 1

    def get_invitation(self, invite_hash: str) -> bytes | None:
        rows = self._rows("SELECT blob FROM relay_invitations WHERE invite_hash = ? "
                          "AND expires_at >= ?", (invite_hash, now()))
        return bytes(rows[0][0]) if rows else None

    def post_request(self, invite_hash: str, blob: bytes) -> str:
        """The new laptop's request: "ok" (stored, or the same bytes again), "taken" (another
        request came first) or "not_found" (no such invitation, or expired)."""
        with self.transaction() as cursor:
            row = self._run(cursor, "SELECT request FROM relay_invitations WHERE invite_hash = ? "
                                    "AND expires_at >= ?", (invite_hash, now())).fetchone()
            if row is None:
                return "not_found"
            if row[0] is not None:
                return "ok" if bytes(row[0]) == blob else "taken"
            updated = self._run(cursor, "UPDATE relay_invitations SET request = ? "
                                        "WHERE invite_hash = ? AND request IS NULL",
                                (blob, invite_hash)).rowcount
            return "ok" if updated == 1 else "taken"

    def get_request(self, invite_hash: str) -> bytes | None:
        rows = self._rows("SELECT request FROM relay_invitations WHERE invite_hash = ? "
                          "AND expires_at >= ? AND request IS NOT NULL", (invite_hash, now()))
        return bytes(rows[0][0]) if rows else None

    def delete_invitation(self, invite_hash: str) -> None:
        with self.transaction() as cursor:
            self._run(cursor, "DELETE FROM relay_invitations WHERE invite_hash = ?",
                      (invite_hash,))

    def iter_tables(self) -> Iterator[str]:
        """The relay's tables (for tests and backups)."""
        yield from ("relay_migrations", "relay_orgs", "relay_devices", "relay_nonces",
                    "relay_envelopes", "relay_records", "relay_invitations", "relay_admission")


class _Rollback(Exception):
    """A race lost half-way (another process spent the token): nothing is kept."""
