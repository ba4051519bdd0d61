"""Applying other devices' changes: per-field last-writer-wins on (clock, device), tombstones.

The rule (docs/sync.md): a row exists if its newest insert is newer than its
newest delete; each field holds the value of its newest write. Writes that
arrive for a row this device does not hold (not yet received, or deleted
before the write) are kept in ``sync_orphans`` and applied when the row
(re)appears. A losing write that was made concurrently with the winner (its
writer had not seen it) is kept in ``sync_conflicts``. The same changes in
any order, any number of times, give the same tables.

Everything here runs inside :func:`applying`: one transaction, with the
capture triggers quiet, foreign keys and CHECKs deferred to the conflict
review (a child may arrive before its parent from another device).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.records import search
from shelterdesk.store.replication import merge_rules
from shelterdesk.store.replication.capture import NOISY_COLUMNS, SYNCED_TABLES, TableShape, shapes
from shelterdesk.store.replication.changes import DELETE, INSERT, Change, observe, peer
from shelterdesk.store.rows import now


@dataclass
class ApplyReport:
    """What one apply did; ``touched`` maps table -> row ids whose stored row changed."""

    applied: int = 0
    superseded: int = 0
    quarantined: int = 0
    orphaned: int = 0
    conflicts: int = 0
    ignored: int = 0
    erased: int = 0  # rows removed by an erasure's tombstone (the receiver then compacts)
    max_hlc: int = 0
    touched: dict[str, set[str]] = field(default_factory=dict)
    controls: list[Change] = field(default_factory=list)

    def touch(self, table: str, row_id: str) -> None:
        self.touched.setdefault(table, set()).add(row_id)

    def add(self, other: ApplyReport) -> None:
        for name in ("applied", "superseded", "quarantined", "orphaned", "conflicts", "ignored",
                     "erased"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.max_hlc = max(self.max_hlc, other.max_hlc)
        for table, ids in other.touched.items():
            self.touched.setdefault(table, set()).update(ids)
        self.controls.extend(other.controls)


@contextlib.contextmanager
def applying(connection: Connection) -> Iterator[Connection]:
    """One apply transaction: all of it or none (a crash replays it whole)."""
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("PRAGMA ignore_check_constraints = ON")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("UPDATE sync_state SET applying = 1")
            yield connection
            connection.execute("UPDATE sync_state SET applying = 0")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.execute("PRAGMA ignore_check_constraints = OFF")
        connection.execute("PRAGMA foreign_keys = ON")


Clock = tuple[int, str]  # (hlc, device id): the order writes are compared in
RowState = tuple[Clock, bool, int, bool]  # clock, alive, prev, erased
ERASE = "erase"  # the value of an erasure's tombstone


class Merger:
    """Applies changes to one connection (inside :func:`applying`)."""

    def __init__(self, connection: Connection, horizon_hlc: int,
                 table_shapes: dict[str, TableShape] | None = None) -> None:
        self.c = connection
        self.horizon = horizon_hlc
        self.shapes: dict[str, TableShape] = table_shapes or shapes(connection)
        self.devices: dict[int, str] = {r[0]: r[1] for r in connection.execute(
            "SELECT idx, device_id FROM sync_peers")}
        self.indexes: dict[str, int] = {v: k for k, v in self.devices.items()}
        self.stamp = now()

    # --- entry points --------------------------------------------------------------
    def apply(self, changes: Iterable[Change]) -> ApplyReport:
        report = ApplyReport()
        for (table, row_id), run in groupby(changes, key=lambda c: (c.tbl, c.row_id)):
            group = list(run)
            if table.startswith("~"):
                report.controls.extend(group)
                continue
            shape = self.shapes.get(table)
            if shape is None:
                report.ignored += len(group)
                continue
            accepted = []
            for change in group:
                if change.hlc > self.horizon:
                    self._quarantine(change)
                    report.quarantined += 1
                else:
                    accepted.append(change)
            if not accepted:
                continue
            report.max_hlc = max(report.max_hlc, max(c.hlc for c in accepted))
            if all(c.col not in (INSERT, DELETE) for c in accepted):
                self._fields(shape, row_id, accepted, report)
            else:
                for change in accepted:
                    self._one(shape, change, report)
        if report.max_hlc:
            observe(self.c, report.max_hlc)
        return report

    def release_quarantine(self) -> ApplyReport:
        """Apply held changes the clock has now reached (oldest first)."""
        rows = self.c.execute(
            "SELECT origin, seq, hlc, tbl, row_id, col, value, prev FROM sync_quarantine"
            " WHERE hlc <= ? ORDER BY hlc, origin, seq", (self.horizon,)).fetchall()
        if not rows:
            return ApplyReport()
        self.c.execute("DELETE FROM sync_quarantine WHERE hlc <= ?", (self.horizon,))
        changes = [Change(r[0], r[1], r[2], r[3], r[4], r[5],
                          json.loads(r[6]) if r[5] == INSERT else r[6], r[7]) for r in rows]
        return self.apply(changes)

    # --- clocks ----------------------------------------------------------------------
    def _index(self, device: str) -> int:
        if device not in self.indexes:
            found = peer(self.c, device)
            self.indexes[device], self.devices[found.idx] = found.idx, device
        return self.indexes[device]

    def _clock(self, hlc: int, idx: int) -> Clock:
        return hlc, self.devices[idx]

    def _row_state(self, shape: TableShape, row_id: str) -> RowState | None:
        """(clock, alive, prev, erased): ``alive`` is 1, a tombstone 0, an erasure's -1."""
        row = self.c.execute("SELECT hlc, dev, alive, prev FROM sync_rows WHERE tbl = ?"
                             " AND row_id = ?", (shape.name, row_id)).fetchone()
        if row is None:
            return None
        return self._clock(row[0], row[1]), row[2] == 1, row[3], row[2] == -1

    def _field_clocks(self, shape: TableShape, row_id: str) -> dict[str, tuple[Clock, int]]:
        return {r[0]: (self._clock(r[1], r[2]), r[3]) for r in self.c.execute(
            "SELECT col, hlc, dev, prev FROM sync_fields WHERE tbl = ? AND row_id = ?",
            (shape.name, row_id))}

    def _set_row_state(self, shape: TableShape, change: Change, alive: int) -> None:
        self.c.execute(
            "INSERT INTO sync_rows (tbl, row_id, hlc, dev, alive, prev) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev,"
            " alive = excluded.alive, prev = excluded.prev",
            (shape.name, change.row_id, change.hlc, self._index(change.origin), alive,
             change.prev))

    # --- field changes on a live row (the common case, one row at a time) -----------------
    def _fields(self, shape: TableShape, row_id: str, changes: list[Change],
                report: ApplyReport) -> None:
        state = self._row_state(shape, row_id)
        if state is None or not state[1]:
            for change in changes:
                self._one(shape, change, report)
            return
        base, _alive, base_prev, _erased = state
        clocks = self._field_clocks(shape, row_id)
        winners: dict[str, Change] = {}
        for change in changes:
            if change.col not in shape.values:
                report.ignored += 1
                continue
            incoming = (change.hlc, change.origin)
            current, current_prev = clocks.get(change.col, (base, base_prev))
            if incoming >= current:
                if incoming > current and self._concurrent(change, current, current_prev):
                    loser = self._value(shape, row_id, change.col)
                    if loser != change.value:
                        self._conflict("concurrent_edit", shape.name, row_id, change.col, loser,
                                       current, change)
                        report.conflicts += 1
                winners[change.col] = change
                clocks[change.col] = (incoming, change.prev)
                report.applied += 1
            else:
                report.superseded += 1
                if self._concurrent_loser(change, current, current_prev) and \
                        change.value != self._value(shape, row_id, change.col):
                    self._conflict("concurrent_edit", shape.name, row_id, change.col,
                                   change.value, (change.hlc, change.origin), None)
                    report.conflicts += 1
        if not winners:
            return
        merge_rules.update_row(self.c, shape, row_id,
                               {col: ch.value for col, ch in winners.items()}, report)
        self.c.executemany(
            "INSERT INTO sync_fields (tbl, row_id, col, hlc, dev, prev) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc,"
            " dev = excluded.dev, prev = excluded.prev",
            [(shape.name, row_id, col, ch.hlc, self._index(ch.origin), ch.prev)
             for col, ch in winners.items()])
        report.touch(shape.name, row_id)

    @staticmethod
    def _concurrent(winner: Change, current: Clock, current_prev: int) -> bool:
        """The winner's writer had not seen the value it replaces (a real conflict)."""
        return (winner.origin != current[1] and winner.prev < current[0]
                and winner.col not in NOISY_COLUMNS)

    @staticmethod
    def _concurrent_loser(loser: Change, current: Clock, current_prev: int) -> bool:
        return (loser.origin != current[1] and current_prev < loser.hlc
                and loser.col not in NOISY_COLUMNS)

    def _value(self, shape: TableShape, row_id: str, col: str) -> Any:
        where, params = merge_rules.key_where(shape, row_id)
        row = self.c.execute(f"SELECT {col} FROM {shape.name} WHERE {where}", params).fetchone()
        return None if row is None else row[0]

    # --- everything else, one change at a time -----------------------------------------
    def _one(self, shape: TableShape, change: Change, report: ApplyReport) -> None:
        if change.col == INSERT:
            self._insert(shape, change, report)
        elif change.col == DELETE:
            self._delete(shape, change, report)
        elif change.col not in shape.values:
            report.ignored += 1
        else:
            state = self._row_state(shape, change.row_id)
            if state is not None and state[1]:
                self._fields(shape, change.row_id, [change], report)
            else:
                self._orphan(shape, change, state, report)

    def _insert(self, shape: TableShape, change: Change, report: ApplyReport) -> None:
        incoming = (change.hlc, change.origin)
        state = self._row_state(shape, change.row_id)
        if state is not None and incoming <= state[0]:
            report.superseded += 1
            return
        values = {c: _from_json(v) if c in shape.blobs else v
                  for c, v in dict(change.value).items() if c in shape.columns}
        if state is not None and state[1]:
            clocks = self._field_clocks(shape, change.row_id)
            newer = {c for c, (clock, _p) in clocks.items() if clock > incoming}
            merge_rules.update_row(self.c, shape, change.row_id, {
                c: v for c, v in values.items() if c in shape.values and c not in newer}, report)
            self.c.executemany("DELETE FROM sync_fields WHERE tbl = ? AND row_id = ? AND col = ?",
                               [(shape.name, change.row_id, col) for col in clocks
                                if col not in newer])
            self._set_row_state(shape, change, 1)
        else:
            merge_rules.insert_row(self.c, shape, change.row_id, values, report)
            self._set_row_state(shape, change, 1)
            self._adopt_orphans(shape, change, report)
        report.applied += 1
        report.touch(shape.name, change.row_id)

    def _delete(self, shape: TableShape, change: Change, report: ApplyReport) -> None:
        incoming = (change.hlc, change.origin)
        erase = change.value == ERASE
        state = self._row_state(shape, change.row_id)
        if state is not None and incoming <= state[0]:
            report.superseded += 1
            return
        if state is not None and state[1]:
            clocks = self._field_clocks(shape, change.row_id)
            for col, (clock, prev) in clocks.items():
                value = None if erase else self._value(shape, change.row_id, col)
                if clock > incoming and not erase:  # written after the delete: kept
                    self._store_orphan(shape.name, change.row_id, col, clock, prev, value)
                    report.orphaned += 1
                if clock[1] != change.origin and clock[0] > change.prev \
                        and col not in NOISY_COLUMNS:
                    self._conflict("edited_and_deleted", shape.name, change.row_id, col, value,
                                   clock, change)
                    report.conflicts += 1
            merge_rules.delete_row(self.c, shape, change.row_id)
            self.c.execute("DELETE FROM sync_fields WHERE tbl = ? AND row_id = ?",
                           (shape.name, change.row_id))
        if erase:
            merge_rules.scrub(self.c, shape.name, change.row_id)
            report.erased += 1
        self._set_row_state(shape, change, -1 if erase else 0)
        report.applied += 1
        report.touch(shape.name, change.row_id)

    def _orphan(self, shape: TableShape, change: Change, state: RowState | None,
                report: ApplyReport) -> None:
        """A field write for a row not here: older than its delete is superseded, else kept
        (never for an erased row: its data stays gone)."""
        incoming = (change.hlc, change.origin)
        if state is not None and (incoming <= state[0] or state[3]):
            report.superseded += 1
            if change.origin != state[0][1] and change.hlc > state[2] \
                    and change.col not in NOISY_COLUMNS:
                self._conflict("edited_and_deleted", shape.name, change.row_id, change.col,
                               None if state[3] else change.value, incoming, None)
                report.conflicts += 1
            return
        found = self.c.execute("SELECT hlc, dev FROM sync_orphans WHERE tbl = ? AND row_id = ?"
                               " AND col = ?", (shape.name, change.row_id, change.col)).fetchone()
        if found is None or incoming >= self._clock(found[0], found[1]):
            self._store_orphan(shape.name, change.row_id, change.col, incoming, change.prev,
                               change.value)
        if state is not None:  # the row was deleted before this write
            self._conflict("edited_and_deleted", shape.name, change.row_id, change.col,
                           change.value, incoming, None)
            report.conflicts += 1
        report.orphaned += 1

    def _store_orphan(self, table: str, row_id: str, col: str, clock: Clock, prev: int,
                      value: Any) -> None:
        self.c.execute(
            "INSERT OR REPLACE INTO sync_orphans (tbl, row_id, col, hlc, dev, prev, value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (table, row_id, col, clock[0], self._index(clock[1]), prev, value))

    def _adopt_orphans(self, shape: TableShape, change: Change, report: ApplyReport) -> None:
        rows = self.c.execute("SELECT col, hlc, dev, prev, value FROM sync_orphans"
                              " WHERE tbl = ? AND row_id = ?", (shape.name, change.row_id))
        kept = [Change(self.devices[r[2]], 0, r[1], shape.name, change.row_id, r[0], r[4], r[3])
                for r in rows.fetchall()]
        if not kept:
            return
        self.c.execute("DELETE FROM sync_orphans WHERE tbl = ? AND row_id = ?",
                       (shape.name, change.row_id))
        newer = [k for k in kept if (k.hlc, k.origin) > (change.hlc, change.origin)]
        if newer:
            self._fields(shape, change.row_id, newer, report)

    # --- holding and flagging ------------------------------------------------------------
    def _quarantine(self, change: Change) -> None:
        value = json.dumps(change.value, sort_keys=True) if change.col == INSERT \
            else change.value
        self.c.execute(
            "INSERT OR IGNORE INTO sync_quarantine (origin, seq, hlc, tbl, row_id, col, value,"
            " prev, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (change.origin, change.seq, change.hlc, change.tbl, change.row_id, change.col,
             value, change.prev, self.stamp))

    def _conflict(self, kind: str, table: str, row_id: str, col: str, value: Any,
                  loser: Clock, winner: Change | None) -> None:
        detail = {"loser_hlc": loser[0], "loser_device": loser[1]}
        if winner is not None:
            detail.update(winner_hlc=winner.hlc, winner_device=winner.origin)
        merge_rules.flag(self.c, kind, f"{table}/{row_id}/{col}/{loser[0]}/{loser[1]}",
                         table=table, row_id=row_id, col=col, value=value, detail=detail,
                         stamp=self.stamp)


def _from_json(value: Any) -> Any:
    """A BLOB column of a row insert: {"$hex": "…"} as the capture trigger wrote it."""
    if isinstance(value, dict) and isinstance(value.get("$hex"), str):
        return bytes.fromhex(value["$hex"])
    return value


def reindex(connection: Connection, touched: dict[str, set[str]]) -> int:
    """Rebuild the search rows of cases whose client, case or notes changed here."""
    case_ids = set(touched.get("cases", ()))
    for table, source in (("clients", "SELECT id FROM cases WHERE client_id IN"),
                          ("notes", "SELECT case_id FROM notes WHERE id IN")):
        ids = list(touched.get(table, ()))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            case_ids.update(r[0] for r in connection.execute(f"{source} ({marks})", chunk))
    for case_id in sorted(case_ids):
        search.index_case(connection, case_id)
    return len(case_ids)


def dangling_references(connection: Connection) -> int:
    """Replicated rows whose parent row has not arrived (yet) from another device."""
    synced = set(SYNCED_TABLES)
    return sum(1 for row in connection.execute("PRAGMA foreign_key_check") if row[0] in synced)


def apply_changes(connection: Connection, changes: Iterable[Change],
                  horizon_hlc: int) -> ApplyReport:
    """Merge changes into the replica; call inside :func:`applying`."""
    return Merger(connection, horizon_hlc).apply(changes)


