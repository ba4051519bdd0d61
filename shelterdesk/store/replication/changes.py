"""The change log as the sync engine sees it: this device's id and clock, its outbox, peers.

A :class:`Change` is one captured write: a whole-row insert (``col == '+'``,
value a dict of the row's columns), a row delete (``'-'``), one field set
(``col`` = the column), or a control record of the sync layer (``tbl``
starting with ``~``). Clocks are hybrid logical clocks packed in one integer,
``wall_ms << 16 | counter`` (see ``shelterdesk/sync/hlc.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication.capture import HLC, NOW_MS, TICK

INSERT, DELETE = "+", "-"


@dataclass(frozen=True, slots=True)
class Change:
    origin: str
    seq: int
    hlc: int
    tbl: str
    row_id: str
    col: str
    value: Any
    prev: int = 0

    @property
    def is_control(self) -> bool:
        return self.tbl.startswith("~")


def device_id(connection: Connection) -> str:
    return connection.execute("SELECT device_id FROM sync_state").fetchone()[0]


def wall_ms(connection: Connection) -> int:
    """This device's wall clock in milliseconds (with the simulated offset, if any)."""
    return int(connection.execute(f"SELECT {NOW_MS}").fetchone()[0])


def current_hlc(connection: Connection) -> int:
    return int(connection.execute("SELECT hlc FROM sync_state").fetchone()[0])


def observe(connection: Connection, hlc: int) -> None:
    """Receive rule of the clock: never behind a change this device has applied."""
    connection.execute("UPDATE sync_state SET hlc = max(hlc, ?)", (hlc,))


def set_clock_offset(connection: Connection, offset_ms: int) -> None:
    """Shift this device's notion of now (what setting the system clock would do; for tests)."""
    connection.execute("UPDATE sync_state SET clock_offset_ms = ?", (int(offset_ms),))


def last_seq(connection: Connection) -> int:
    """The newest sequence number this device has given a change (0 if none)."""
    row = connection.execute(
        "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'").fetchone()
    return int(row[0]) if row else 0


def append_control(connection: Connection, kind: str, row_id: str, value: dict) -> int:
    """Log a control record of the sync layer in this device's stream; returns its seq."""
    connection.execute(TICK)
    cursor = connection.execute(
        "INSERT INTO change_log (hlc, tbl, row_id, col, value, prev)"
        f" VALUES ({HLC}, ?, ?, '', ?, 0)",
        ("~" + kind, row_id, json.dumps(value, sort_keys=True, separators=(",", ":"))))
    return int(cursor.lastrowid)


def _decode(tbl: str, col: str, value: Any) -> Any:
    if col == INSERT or (tbl.startswith("~") and isinstance(value, str)):
        return json.loads(value)
    return value


def outbox(connection: Connection, after_seq: int, limit: int) -> list[Change]:
    """This device's changes after ``after_seq``, oldest first, at most ``limit``."""
    me = device_id(connection)
    rows = connection.execute(
        "SELECT seq, hlc, tbl, row_id, col, value, prev FROM change_log WHERE seq > ?"
        " ORDER BY seq LIMIT ?", (after_seq, limit)).fetchall()
    return [Change(me, r[0], r[1], r[2], r[3], r[4], _decode(r[2], r[4], r[5]), r[6])
            for r in rows]


def iter_outbox(connection: Connection, after_seq: int,
                batch: int = 5000) -> Iterator[list[Change]]:
    while True:
        found = outbox(connection, after_seq, batch)
        if not found:
            return
        yield found
        after_seq = found[-1].seq


def prune_outbox(connection: Connection, up_to_seq: int) -> None:
    """Forget changes already sealed into envelopes (the envelopes are kept in sync_sent)."""
    connection.execute("DELETE FROM change_log WHERE seq <= ?", (up_to_seq,))


# --- peers: what this device has applied from every other --------------------------
@dataclass(frozen=True)
class Peer:
    idx: int
    device_id: str
    applied_seq: int
    last_hash: bytes | None


def peer(connection: Connection, device: str) -> Peer:
    row = connection.execute(
        "SELECT idx, device_id, applied_seq, last_hash FROM sync_peers WHERE device_id = ?",
        (device,)).fetchone()
    if row is None:
        cursor = connection.execute("INSERT INTO sync_peers (device_id) VALUES (?)", (device,))
        return Peer(int(cursor.lastrowid), device, 0, None)
    return Peer(row[0], row[1], row[2], bytes(row[3]) if row[3] is not None else None)


def peers(connection: Connection) -> list[Peer]:
    return [Peer(r[0], r[1], r[2], bytes(r[3]) if r[3] is not None else None)
            for r in connection.execute(
                "SELECT idx, device_id, applied_seq, last_hash FROM sync_peers ORDER BY idx")]


def record_applied(connection: Connection, device: str, seq_to: int, envelope_hash: bytes) -> None:
    peer(connection, device)
    connection.execute("UPDATE sync_peers SET applied_seq = ?, last_hash = ? WHERE device_id = ?",
                       (seq_to, envelope_hash, device))


def version_vector(connection: Connection) -> dict[str, int]:
    """What this device holds: its own last seq and, per peer, the last applied seq."""
    me = device_id(connection)
    vector = {r[0]: int(r[1]) for r in connection.execute(
        "SELECT device_id, applied_seq FROM sync_peers WHERE device_id != ?", (me,))}
    vector[me] = last_seq(connection)
    return vector
