"""Convergence, proven by hypothesis: three laptops write, delete and re-create offline, and
exchange envelopes through a transport that drops, duplicates, reorders, truncates and
flips bits, while applies crash part-way. After all-pairs sync every synced table is
byte-for-byte the same everywhere and every field equals the oracle: the greatest
(clock, device) write over all operations."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from shelterdesk.store.connection import IntegrityError, transaction
from shelterdesk.store.replication import changes, replica
from shelterdesk.sync import hlc
from tests.sync_helpers import FaultyTransport, MemoryTransport, build_org, sync_all

TABLES = {
    "organisations": ("name", "kind", "services", "contact_person", "phone", "email", "address"),
    "shelters": ("name", "address", "phone"),
    "rooms": ("name",),
}
TRICKY = ["007", "1e3", "0.10", "", "NULL", "Məmmədova", "Ирина", "'; DROP TABLE x; --",
          "  spaced  ", "ə" * 40]
values = st.one_of(st.sampled_from(TRICKY), st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12))


class CrashSwitch:
    """Makes the n-th envelope apply raise inside its transaction (a crash mid-apply)."""

    countdown: int | None = None
    crashes = 0


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    return build_org(tmp_path_factory.mktemp("org"))


@pytest.fixture
def crash_switch(monkeypatch: pytest.MonkeyPatch) -> type[CrashSwitch]:
    original = replica.Merger.apply

    def apply(self, found):
        if CrashSwitch.countdown is not None:
            CrashSwitch.countdown -= 1
            if CrashSwitch.countdown <= 0:
                CrashSwitch.countdown = None
                CrashSwitch.crashes += 1
                raise RuntimeError("simulated crash mid-apply")
        return original(self, found)

    monkeypatch.setattr(replica.Merger, "apply", apply)
    CrashSwitch.countdown, CrashSwitch.crashes = None, 0
    return CrashSwitch


class Oracle:
    """Every write each laptop made, read from its change log right after the write."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, str, tuple[int, str], dict]] = []
        self.read_up_to: dict[str, int] = {}

    def record(self, laptop) -> None:
        me = laptop.device_id
        for seq, clock, table, row_id, col, value in laptop.connection.execute(
                "SELECT seq, hlc, tbl, row_id, col, value FROM change_log WHERE seq > ?"
                " ORDER BY seq", (self.read_up_to.get(me, 0),)).fetchall():
            self.read_up_to[me] = seq
            if table not in TABLES:
                continue
            if col == "+":
                self.events.append((table, row_id, "insert", (clock, me), json.loads(value)))
            elif col == "-":
                self.events.append((table, row_id, "delete", (clock, me), {}))
            else:
                self.events.append((table, row_id, "set", (clock, me), {col: value}))

    def expected(self, table: str) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        existence: dict[str, tuple[tuple[int, str], bool]] = {}
        fields: dict[tuple[str, str], tuple[tuple[int, str], object]] = {}
        for event_table, row_id, kind, clock, data in self.events:
            if event_table != table:
                continue
            if kind in ("insert", "delete") and (
                    row_id not in existence or clock > existence[row_id][0]):
                existence[row_id] = (clock, kind == "insert")
            for col, value in data.items():
                if (row_id, col) not in fields or clock > fields[(row_id, col)][0]:
                    fields[(row_id, col)] = (clock, value)
        for row_id, (_clock, alive) in existence.items():
            if alive:
                rows[row_id] = {col: v for (r, col), (_c, v) in fields.items() if r == row_id}
        return rows


def make_machine(org, crash_switch):
    class Laptops(RuleBasedStateMachine):
        @initialize(seed=st.integers(0, 2**32 - 1))
        def start(self, seed: int) -> None:
            self.temp = Path(tempfile.mkdtemp(prefix="sync-hypothesis-"))
            self.laptops, store = org.copy(self.temp)
            self.clean = MemoryTransport(store)
            self.faulty = FaultyTransport(store, None, random.Random(seed), rate=0.25)
            self.oracle = Oracle()
            self.deleted: list[tuple[str, str, dict]] = []
            self.failures = 0
            for laptop in self.laptops:
                self.oracle.record(laptop)
            for index, laptop in enumerate(self.laptops):  # something to edit from the start
                for n in range(2):
                    self._write(laptop, "INSERT INTO shelters (id, name, address, created_at)"
                                " VALUES (?, ?, '', 'c')", (f"seed-s{index}{n}", f"S{index}{n}"))
                    self._write(laptop, "INSERT INTO organisations (id, name, kind, created_at,"
                                " updated_at) VALUES (?, ?, 'ngo', 'c', 'u')",
                                (f"seed-o{index}{n}", f"O{index}{n}"))
                self._write(laptop, "INSERT INTO rooms (id, shelter_id, name, created_at)"
                            " VALUES (?, ?, 'R', 'c')", (f"seed-r{index}", f"seed-s{index}0"))
            sync_all(self.laptops, self.clean)

        def teardown(self) -> None:
            if not hasattr(self, "laptops"):
                return
            try:
                crash_switch.countdown = None
                event(f"writes: {len(self.oracle.events) // 10 * 10}+")
                event(f"crashes mid-apply: {min(self.failures, 3)}")
                for fault in sorted(set(self.faulty.injected)):
                    event(f"fault injected: {fault}")
                sync_all(self.laptops, self.clean)
                dumps = [laptop.dump() for laptop in self.laptops]
                assert dumps[0] == dumps[1] == dumps[2], "replicas differ after all-pairs sync"
                for table, columns in TABLES.items():
                    expected = self.oracle.expected(table)
                    stored = {r[0]: dict(zip(columns, r[1:], strict=True))
                              for r in self.laptops[0].connection.execute(
                                  f"SELECT id, {', '.join(columns)} FROM {table}")}
                    assert set(stored) == set(expected), table
                    for row_id, row in stored.items():
                        for col, value in expected[row_id].items():
                            if col in row:
                                assert row[col] == value, (table, row_id, col)
                for laptop in self.laptops:
                    state = laptop.connection.execute(
                        "SELECT applying FROM sync_state").fetchone()[0]
                    assert state == 0
            finally:
                for laptop in self.laptops:
                    laptop.close()
                shutil.rmtree(self.temp, ignore_errors=True)

        # --- writes (plain SQL: the triggers capture whatever writes) -------------------
        def _write(self, laptop, sql: str, params: tuple) -> bool:
            try:
                with transaction(laptop.connection):
                    laptop.connection.execute(sql, params)
            except IntegrityError:
                return False  # e.g. deleting a shelter that still has rooms
            self.oracle.record(laptop)
            return True

        @rule(who=st.integers(0, 2), table=st.sampled_from(["organisations", "shelters"]),
              name=values, extra=values)
        def create(self, who: int, table: str, name: str, extra: str) -> None:
            laptop = self.laptops[who]
            row_id = f"{table[:3]}-{random.Random(name + extra + str(who)).getrandbits(64):x}"
            if table == "organisations":
                self._write(laptop, "INSERT INTO organisations (id, name, kind, phone, created_at,"
                            " updated_at) VALUES (?, ?, 'ngo', ?, 'c', 'u')",
                            (row_id, f"{name}#{row_id}", extra))
            else:
                self._write(laptop, "INSERT INTO shelters (id, name, address, created_at)"
                            " VALUES (?, ?, ?, 'c')", (row_id, name, extra))

        @rule(who=st.integers(0, 2), pick=st.integers(0, 10**6), name=values)
        def create_room(self, who: int, pick: int, name: str) -> None:
            laptop = self.laptops[who]
            shelters = [r[0] for r in laptop.connection.execute("SELECT id FROM shelters")]
            if shelters:
                shelter = shelters[pick % len(shelters)]
                self._write(laptop, "INSERT INTO rooms (id, shelter_id, name, created_at)"
                            " VALUES (?, ?, ?, 'c')", (f"room-{pick}-{who}-{name}", shelter, name))

        @rule(who=st.integers(0, 2), edits=st.lists(st.tuples(
            st.sampled_from(sorted(TABLES)), st.integers(0, 10**6), st.integers(0, 6), values),
            min_size=1, max_size=6))
        def update(self, who: int, edits: list[tuple[str, int, int, str]]) -> None:
            laptop = self.laptops[who]
            for table, pick, col, value in edits:
                rows = [r[0] for r in laptop.connection.execute(
                    f"SELECT id FROM {table} ORDER BY id")]
                if rows:
                    column = TABLES[table][col % len(TABLES[table])]
                    if column == "name" and table == "organisations":
                        value = f"{value}#{pick}"
                    self._write(laptop, f"UPDATE {table} SET {column} = ? WHERE id = ?",
                                (value, rows[pick % len(rows)]))

        @rule(who=st.integers(0, 2), table=st.sampled_from(sorted(TABLES)),
              pick=st.integers(0, 10**6))
        def delete(self, who: int, table: str, pick: int) -> None:
            laptop = self.laptops[who]
            rows = laptop.connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            if rows:
                row = rows[pick % len(rows)]
                names = [d[1] for d in laptop.connection.execute(f"PRAGMA table_info({table})")]
                if self._write(laptop, f"DELETE FROM {table} WHERE id = ?", (row[0],)):
                    self.deleted.append((table, row[0], dict(zip(names, row, strict=True))))

        @precondition(lambda self: self.deleted)
        @rule(who=st.integers(0, 2), pick=st.integers(0, 10**6), value=values)
        def recreate(self, who: int, pick: int, value: str) -> None:
            """A deleted id inserted again (a relinked composite key does just this)."""
            table, row_id, row = self.deleted[pick % len(self.deleted)]
            laptop = self.laptops[who]
            if laptop.connection.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                         (row_id,)).fetchone():
                return
            row = {**row, TABLES[table][-1]: value}
            if table == "organisations":
                row["name"] = f"{row['name']}~{pick}"
            self._write(laptop, f"INSERT INTO {table} ({', '.join(row)}) VALUES"
                        f" ({', '.join('?' for _ in row)})", tuple(row.values()))

        # --- exchanges ----------------------------------------------------------------------
        @rule(who=st.integers(0, 2), faulty=st.booleans(),
              crash_after=st.one_of(st.none(), st.integers(1, 2)))
        def sync(self, who: int, faulty: bool, crash_after: int | None) -> None:
            crash_switch.countdown = crash_after
            try:
                self.laptops[who].sync(self.faulty if faulty else self.clean)
            except RuntimeError as error:
                assert "simulated crash" in str(error)
                self.failures += 1
            finally:
                crash_switch.countdown = None

    return Laptops


@pytest.mark.slow
def test_laptops_converge_to_the_oracle_whatever_the_network_does(org, crash_switch) -> None:
    machine = make_machine(org, crash_switch)
    machine.TestCase.settings = settings(
        max_examples=30, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    machine.TestCase().runTest()


def test_clocks_skewed_by_days_are_held_not_obeyed(org, tmp_path: Path) -> None:
    """A laptop three days ahead: its edits are quarantined on the others (reported), the
    others' later edits are not frozen, and once the clocks reach them all converge."""
    laptops, store = org.copy(tmp_path)
    a, b, c = laptops
    transport = MemoryTransport(store)
    day = 24 * 3600 * 1000
    oracle = Oracle()
    for laptop in laptops:
        oracle.record(laptop)
    with transaction(a.connection):
        a.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                             " VALUES ('s1', 'Ümid evi', 'old', 'c')")
    oracle.record(a)
    sync_all(laptops, transport)
    changes.set_clock_offset(c.connection, 3 * day)
    with transaction(c.connection):
        c.connection.execute("UPDATE shelters SET address = 'from the future' WHERE id = 's1'")
    oracle.record(c)
    c.sync(transport)
    with transaction(b.connection):  # written later in real time, earlier on c's clock
        b.connection.execute("UPDATE shelters SET phone = '+994 50' WHERE id = 's1'")
    oracle.record(b)
    b.sync(transport)
    summary = a.sync(transport)
    assert summary.held_changes >= 1 and "changes_from_the_future_held" in summary.warnings
    row = a.connection.execute("SELECT address, phone FROM shelters WHERE id = 's1'").fetchone()
    assert row == ("old", "+994 50")  # c's future edit not applied; b's edit not frozen
    assert hlc.wall_ms(changes.current_hlc(a.connection)) < changes.wall_ms(a.connection) + day
    # Three days later (everyone's clock now reaches c's): the held edit applies everywhere.
    for laptop in (a, b):
        changes.set_clock_offset(laptop.connection, 3 * day + 60_000)
    sync_all(laptops, transport)
    assert a.dump() == b.dump() == c.dump()
    assert a.connection.execute("SELECT address, phone FROM shelters WHERE id = 's1'").fetchone() \
        == (oracle.expected("shelters")["s1"]["address"], "+994 50")
    assert a.connection.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0] == 0
    for laptop in laptops:
        laptop.close()


def test_a_laptop_a_year_ahead_cannot_freeze_the_others(org, tmp_path: Path) -> None:
    laptops, store = org.copy(tmp_path)
    a, b, c = laptops
    transport = MemoryTransport(store)
    with transaction(a.connection):
        a.connection.execute("INSERT INTO shelters (id, name, address, created_at)"
                             " VALUES ('s1', 'Ümid evi', 'old', 'c')")
    sync_all(laptops, transport)
    changes.set_clock_offset(c.connection, 365 * 24 * 3600 * 1000)
    with transaction(c.connection):
        c.connection.execute("UPDATE shelters SET name = 'frozen?' WHERE id = 's1'")
    c.sync(transport)
    for step, laptop in enumerate((a, b, a, b)):
        with transaction(laptop.connection):
            laptop.connection.execute("UPDATE shelters SET name = ? WHERE id = 's1'",
                                      (f"edit {step}",))
        laptop.sync(transport)
    a.sync(transport)
    assert a.connection.execute("SELECT name FROM shelters").fetchone()[0] == "edit 3"
    assert b.connection.execute("SELECT name FROM shelters").fetchone()[0] == "edit 3"
    for laptop in (a, b):  # the far-future clock did not drag theirs along
        assert hlc.wall_ms(changes.current_hlc(laptop.connection)) < \
            changes.wall_ms(laptop.connection) + 60_000
    for laptop in laptops:
        laptop.close()
