"""The hash-chained audit log: append inside the caller's transaction, verify by recomputing.

Each row's hash covers its own fields and the previous row's hash; the newest
hash is also kept in ``meta`` so that cutting rows off the end is noticed.
Rows carry ids and codes only, never a name or any other personal data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shelterdesk.store.connection import Connection

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor_id: str
    action: str
    object_kind: str
    object_id: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str = ""


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _row_hash(prev_hash: str, seq: int, at: str, actor_id: str, action: str,
              object_kind: str, object_id: str, detail: str) -> str:
    payload = json.dumps([prev_hash, seq, at, actor_id, action, object_kind, object_id, detail],
                         separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(connection: Connection, actor_id: str, action: str, object_kind: str = "",
           object_id: str = "", **detail: Any) -> int:
    """Add one entry; call inside the transaction of the change it records."""
    last = connection.execute(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = now_iso()
    detail_json = json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    digest = _row_hash(prev_hash, seq, at, actor_id, action, object_kind, object_id, detail_json)
    connection.execute(
        "INSERT INTO audit_log (seq, at, actor_id, action, object_kind, object_id, detail,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor_id, action, object_kind, object_id, detail_json, prev_hash, digest),
    )
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, f"{seq}:{digest}"),
    )
    return seq


def verify(connection: Connection, *, anchors: bool = True) -> AuditReport:
    """Recompute the chain; reports the first edited, deleted or reordered row, then (unless
    ``anchors`` is False) holds it against the signed heads seen at syncs."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for row in connection.execute(
            "SELECT seq, at, actor_id, action, object_kind, object_id, detail, prev_hash, hash"
            " FROM audit_log ORDER BY seq"):
        seq, at, actor, action, kind, object_id, detail, prev_hash, digest = row
        if seq != expected_seq:
            return AuditReport(False, count, expected_seq, "missing")
        if prev_hash != expected_prev:
            return AuditReport(False, count, seq, "broken_link")
        if _row_hash(prev_hash, seq, at, actor, action, kind, object_id, detail) != digest:
            return AuditReport(False, count, seq, "altered")
        expected_prev = digest
        expected_seq += 1
        count += 1
    head = connection.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if count and (head is None or head[0] != f"{count}:{expected_prev}"):
        return AuditReport(False, count, count + 1, "truncated")
    if not count and head is not None:
        return AuditReport(False, 0, 1, "truncated")
    return against_anchors(connection, count) if anchors else AuditReport(True, count)


def against_anchors(connection: Connection, count: int) -> AuditReport:
    """The chain against every signed head of this laptop's chain it has seen (its own and
    those handed back by other laptops, sync/anchors.py): a chain rewritten and re-hashed
    after an anchor no longer has the signed hash at the signed position. Named is the
    first entry after the last anchor that still matches (the change lies between it and
    the anchor that does not)."""
    if not _has_anchors(connection):
        return AuditReport(True, count)
    device = connection.execute("SELECT device_id FROM sync_state").fetchone()
    if device is None:
        return AuditReport(True, count)
    hashes = dict(connection.execute("SELECT seq, hash FROM audit_log"))
    last_good = 0
    for seq, head in connection.execute(
            "SELECT seq, head FROM audit_anchors WHERE device_id = ? ORDER BY seq, head",
            (device[0],)):
        if seq > count:
            return AuditReport(False, count, count + 1, "anchor_truncated")
        if hashes.get(seq) != head:
            return AuditReport(False, last_good, last_good + 1, "anchor_differs")
        last_good = seq
    return AuditReport(True, count)


def _has_anchors(connection: Connection) -> bool:
    return connection.execute(
        "SELECT 1 FROM sqlite_schema WHERE name IN ('audit_anchors', 'sync_state')"
        " GROUP BY NULL HAVING count(*) = 2").fetchone() is not None


def recent(connection: Connection, limit: int = 100) -> list[AuditEntry]:
    rows = connection.execute(
        "SELECT seq, at, actor_id, action, object_kind, object_id, detail FROM audit_log"
        " ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
    return [AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]
