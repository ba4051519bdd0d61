"""The merge rule on its own: any order, any duplicates, the same rows — the oracle's."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shelterdesk.store.replication import replica
from shelterdesk.store.replication.changes import Change
from shelterdesk.store.vault import Session

DEVICES = ["a" * 32, "b" * 32, "c" * 32]
COLUMNS = ("name", "address", "phone")
ROWS = ("s1", "s2")


def _apply_then_look(connection, changes: list[Change], together: bool = False) -> list[tuple]:
    """Apply in a transaction that is rolled back: many orders on one database."""
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("UPDATE sync_state SET applying = 1")
        merger = replica.Merger(connection, 1 << 62)
        for batch in ([changes] if together else [[c] for c in changes]):
            merger.apply(batch)
        return connection.execute(
            "SELECT id, name, address, phone FROM shelters WHERE id IN ('s1', 's2')"
            " ORDER BY id").fetchall()
    finally:
        connection.execute("ROLLBACK")
        connection.execute("PRAGMA foreign_keys = ON")


def _oracle(changes: list[Change]) -> list[tuple]:
    rows = []
    for row_id in ROWS:
        mine = [c for c in changes if c.row_id == row_id]
        existence = [c for c in mine if c.col in ("+", "-")]
        if not existence or max(existence, key=lambda c: (c.hlc, c.origin)).col == "-":
            continue
        values = []
        for col in COLUMNS:
            writes = [(c.hlc, c.origin, c.value[col] if c.col == "+" else c.value)
                      for c in mine if c.col == col or (c.col == "+" and col in c.value)]
            values.append(max(writes)[2])
        rows.append((row_id, *values))
    return rows


@st.composite
def histories(draw) -> list[Change]:
    count = draw(st.integers(1, 12))
    clocks = draw(st.lists(st.integers(1, 40), min_size=count, max_size=count, unique=True))
    found = []
    for seq, clock in enumerate(clocks, 1):
        row_id = draw(st.sampled_from(ROWS[:1] * 4 + ROWS[1:]))  # mostly one row: more clashes
        kind = draw(st.sampled_from(["+", "-", "set", "set", "set"]))
        device = draw(st.sampled_from(DEVICES))
        prev = draw(st.integers(0, 40))
        if kind == "+":
            value = {"id": row_id, "created_at": "c",
                     **{c: draw(st.sampled_from(["x", "y", "007", ""])) for c in COLUMNS}}
            found.append(Change(device, seq, clock, "shelters", row_id, "+", value, 0))
        elif kind == "-":
            found.append(Change(device, seq, clock, "shelters", row_id, "-", None, prev))
        else:
            col = draw(st.sampled_from(COLUMNS))
            found.append(Change(device, seq, clock, "shelters", row_id, col,
                                draw(st.sampled_from(["p", "q", "r", "1.0"])), prev))
    return found


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # rolled back each time
@given(history=histories(), seed=st.integers(0, 2**32 - 1))
def test_any_order_and_any_duplicates_give_the_oracle(admin_session: Session,
                                                      history: list[Change], seed: int) -> None:
    rng = random.Random(seed)
    expected = _oracle(history)
    for attempt in range(4):
        order = history + rng.sample(history, k=min(3, len(history)))  # with duplicates
        rng.shuffle(order)
        assert _apply_then_look(admin_session.connection, order, attempt % 2 == 1) == expected, \
            order


def test_a_write_newer_than_a_delete_survives_into_the_row_inserted_again(
        admin_session: Session) -> None:
    row = {"id": "s1", "created_at": "c", "name": "first", "address": "", "phone": ""}
    insert = Change(DEVICES[0], 1, 1, "shelters", "s1", "+", row, 0)
    later_edit = Change(DEVICES[1], 1, 7, "shelters", "s1", "phone", "+994 50", 1)
    delete = Change(DEVICES[0], 2, 5, "shelters", "s1", "-", None, 1)
    again = Change(DEVICES[2], 1, 6, "shelters", "s1", "+", {**row, "name": "again"}, 0)
    for order in ([insert, later_edit, delete, again], [insert, delete, later_edit, again],
                  [again, later_edit, delete, insert], [later_edit, delete, insert, again]):
        assert _apply_then_look(admin_session.connection, order) == [
            ("s1", "again", "", "+994 50")], order


def test_equal_clocks_from_two_devices_break_ties_by_device(admin_session: Session) -> None:
    base = {"id": "s1", "created_at": "c", "name": "n", "address": "", "phone": ""}
    first = Change(DEVICES[0], 1, 5, "shelters", "s1", "+", base, 0)
    low = Change(DEVICES[0], 2, 9, "shelters", "s1", "name", "from a", 5)
    high = Change(DEVICES[2], 1, 9, "shelters", "s1", "name", "from c", 5)
    for order in ([first, low, high], [first, high, low], [high, low, first]):
        rows = _apply_then_look(admin_session.connection, order)
        assert rows == [("s1", "from c", "", "")]


def test_a_composite_key_row_is_deleted_and_linked_again(admin_session: Session) -> None:
    key = json.dumps(["p1", "e1"], separators=(",", ":"))
    insert = Change(DEVICES[0], 1, 1, "perpetrator_evidence", key, "+",
                    {"perpetrator_id": "p1", "evidence_id": "e1"}, 0)
    delete = Change(DEVICES[0], 2, 2, "perpetrator_evidence", key, "-", None, 1)
    again = Change(DEVICES[0], 3, 3, "perpetrator_evidence", key, "+",
                   {"perpetrator_id": "p1", "evidence_id": "e1"}, 0)
    connection = admin_session.connection
    for order in ([insert, delete, again], [again, delete, insert], [delete, again, insert]):
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("UPDATE sync_state SET applying = 1")
            replica.Merger(connection, 1 << 62).apply(order)
            assert connection.execute("SELECT * FROM perpetrator_evidence").fetchall() == [
                ("p1", "e1")]
        finally:
            connection.execute("ROLLBACK")
            connection.execute("PRAGMA foreign_keys = ON")


def test_a_change_for_an_unknown_table_or_column_is_ignored(admin_session: Session) -> None:
    connection = admin_session.connection
    connection.execute("BEGIN IMMEDIATE")
    try:
        report = replica.Merger(connection, 1 << 62).apply([
            Change(DEVICES[0], 1, 1, "audit_log", "1", "+", {"seq": 1}, 0),
            Change(DEVICES[0], 2, 2, "settings", "x", "value", "1", 0),
        ])
        assert report.ignored == 2 and report.applied == 0
    finally:
        connection.execute("ROLLBACK")


@pytest.mark.parametrize("ahead_ms", [25 * 3600 * 1000, 365 * 24 * 3600 * 1000])
def test_changes_beyond_the_horizon_are_held(admin_session: Session, ahead_ms: int) -> None:
    from shelterdesk.store.replication import changes
    from shelterdesk.sync import hlc

    connection = admin_session.connection
    now = changes.wall_ms(connection)
    future = Change(DEVICES[1], 1, hlc.pack(now + ahead_ms), "shelters", "s9", "+",
                    {"id": "s9", "name": "later", "created_at": "c"}, 0)
    connection.execute("BEGIN IMMEDIATE")
    try:
        report = replica.Merger(connection, hlc.horizon(now)).apply([future])
        assert report.quarantined == 1 and report.applied == 0
        assert connection.execute("SELECT count(*) FROM shelters").fetchone()[0] == 0
        assert hlc.wall_ms(changes.current_hlc(connection)) < now + 60_000
        released = replica.Merger(connection, hlc.horizon(now + ahead_ms)).release_quarantine()
        assert released.applied == 1
    finally:
        connection.execute("ROLLBACK")
