"""The numbers the Sync page shows: last sync, changes waiting and received, the clock."""

from __future__ import annotations

import time
from dataclasses import dataclass

from shelterdesk.store.connection import Connection

_DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class SyncCounts:
    last_sync_at: str
    waiting: int
    received: int
    held: int
    ahead: bool
    halted: bool
    conflicts: int


def report(connection: Connection, device_id: str) -> SyncCounts:
    """Read-only; the caller holds the session lock."""
    def one(sql: str, *params: object) -> object:
        row = connection.execute(sql, params).fetchone()
        return row[0] if row else None

    last = one("SELECT max(at) FROM audit_log WHERE action IN ('sync.run', 'sync.enroll')")
    unsealed = one("SELECT count(*) FROM change_log") or 0
    unput = one("SELECT coalesce(sum(seq_to - seq_from + 1), 0) FROM sync_sent"
                " WHERE put_at IS NULL") or 0
    received = one("SELECT coalesce(sum(applied_seq), 0) FROM sync_peers WHERE device_id != ?",
                   device_id) or 0
    held = one("SELECT count(*) FROM sync_quarantine") or 0
    hlc, offset, halted = connection.execute(
        "SELECT hlc, clock_offset_ms, halted FROM sync_state").fetchone()
    now_ms = int(time.time() * 1000) + int(offset)
    conflicts = one("SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL") or 0
    return SyncCounts(str(last or ""), int(unsealed) + int(unput), int(received), int(held),
                      (int(hlc) >> 16) > now_ms + _DAY_MS, bool(halted), int(conflicts))


def last_seen(connection: Connection) -> dict[str, str]:
    """When each laptop last published what it holds (its newest signed acknowledgement)."""
    return {row[0]: row[1] for row in connection.execute(
        "SELECT device_id, signed_at FROM sync_acks")}


def relaying(connection: Connection) -> tuple[int, int]:
    """(other laptops' envelopes kept to pass on, changes waiting for a client's key)."""
    kept = connection.execute("SELECT count(*) FROM sync_received").fetchone()[0]
    waiting = connection.execute("SELECT count(*) FROM sync_sealed_waiting").fetchone()[0]
    return int(kept), int(waiting)
