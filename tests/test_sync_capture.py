"""Change capture: every write to every synced table, through any path, lands in the change log."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.store.connection import IntegrityError, transaction
from shelterdesk.store.migrate import bundled_migrations
from shelterdesk.store.records import demo, evidence, perpetrators, shelters, stays
from shelterdesk.store.replication import capture, changes
from shelterdesk.store.vault import Session, Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.records_helpers import intake


def _log(session: Session, after: int = 0) -> list[tuple]:
    return session.connection.execute(
        "SELECT seq, hlc, tbl, row_id, col, value, prev FROM change_log WHERE seq > ?"
        " ORDER BY seq", (after,)).fetchall()


def _sample(kind: str, n: int):
    kind = (kind or "").upper()
    if "INT" in kind:
        return n % 2  # flags are CHECKed to 0 or 1
    if "BLOB" in kind:
        return bytes([n, 0, 255, n])
    return f"v{n}"


def test_every_table_is_either_synced_or_kept_local(admin_session: Session) -> None:
    tables = {r[0] for r in admin_session.connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'sync\\_%' ESCAPE '\\' AND name NOT LIKE 'search\\_index\\_%'"
        " ESCAPE '\\' AND name != 'change_log'")}
    assert tables == set(capture.SYNCED_TABLES) | set(capture.LOCAL_TABLES)
    assert not set(capture.SYNCED_TABLES) & set(capture.LOCAL_TABLES)


@pytest.mark.parametrize("table", capture.SYNCED_TABLES)
def test_insert_update_delete_through_plain_sql_are_captured(admin_session: Session,
                                                             table: str) -> None:
    connection = admin_session.connection
    shape = capture.table_shape(connection, table)
    info = {r[1]: r[2] for r in connection.execute(f"PRAGMA table_info({table})")}
    row = {col: _sample(info[col], i + 1) for i, col in enumerate(shape.columns)}
    start = changes.last_seq(connection)
    connection.execute("PRAGMA foreign_keys = OFF")  # parents do not matter here
    try:
        with transaction(connection):
            connection.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES"
                               f" ({', '.join('?' for _ in row)})", tuple(row.values()))
        where = " AND ".join(f"{k} = ?" for k in shape.key)
        key = tuple(row[k] for k in shape.key)
        row_id = key[0] if len(key) == 1 else json.dumps(list(key), separators=(",", ":"))
        logged = _log(admin_session, start)
        assert [(r[2], r[3], r[4]) for r in logged] == [(table, row_id, "+")]
        inserted = json.loads(logged[0][5])
        for col, value in row.items():
            assert inserted[col] == ({"$hex": value.hex().upper()} if isinstance(value, bytes)
                                     else value), col
        if shape.values and table != "custody_events":
            column = shape.values[-1]
            new_value = _sample(info[column], 99)
            if new_value == row[column]:  # an integer column sampled 1 both times
                new_value = _sample(info[column], 98)
            with transaction(connection):
                connection.execute(f"UPDATE {table} SET {column} = ? WHERE {where}",
                                   (new_value, *key))
            updated = _log(admin_session, logged[-1][0])
            assert [(r[2], r[3], r[4], r[5]) for r in updated] == [
                (table, row_id, column, new_value)]
            assert updated[0][6] == logged[0][1]  # prev: the clock the writer saw
        if table == "custody_events":
            with pytest.raises(IntegrityError):  # append-only, as before
                connection.execute(f"UPDATE {table} SET notes = 'x' WHERE {where}", key)
            connection.execute("INSERT INTO meta (key, value) VALUES ('erasing', 'yes')")
        before = changes.last_seq(connection)
        with transaction(connection):
            connection.execute(f"DELETE FROM {table} WHERE {where}", key)
        deleted = _log(admin_session, before)
        assert [(r[2], r[3], r[4]) for r in deleted] == [(table, row_id, "-")]
        state = connection.execute("SELECT alive FROM sync_rows WHERE tbl = ? AND row_id = ?",
                                   (table, row_id)).fetchone()
        erasing = table == "custody_events"  # deletable only by an erasure: so marked
        assert state == ((-1,) if erasing else (0,))
        assert deleted[0][5] == ("erase" if erasing else None)
    finally:
        connection.execute("PRAGMA foreign_keys = ON")


def test_clock_only_moves_forward_and_follows_the_wall(admin_session: Session) -> None:
    connection = admin_session.connection
    for _ in range(5):
        intake(admin_session)
    clocks = [r[1] for r in _log(admin_session)]
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)
    assert abs((clocks[-1] >> 16) - changes.wall_ms(connection)) < 60_000
    seqs = [r[0] for r in _log(admin_session)]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # gapless


def test_store_functions_are_captured(admin_session: Session) -> None:
    connection = admin_session.connection
    case = intake(admin_session, given_name="Aynur")
    shelter = shelters.add_shelter(admin_session, Shelter(name="Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter_id=shelter.id, name="1"))
    bed = shelters.add_bed(admin_session, Bed(room_id=room.id, label="A"))
    stay = stays.admit(admin_session, case.id, bed.id, date(2026, 3, 2))
    stays.discharge(admin_session, stay.id, date(2026, 3, 9), "reintegrated")
    item = evidence.add_evidence(admin_session, EvidenceItem(
        case_id=case.id, kind="screenshot", file_name="chat.png", content=b"\x89PNG bytes"))
    person = perpetrators.add_perpetrator(admin_session, Perpetrator(
        case_id=case.id, roles=["recruiter"], description="x", evidence_ids=[item.id]))
    person.description = "recruiter (Instagram)"
    perpetrators.update_perpetrator(admin_session, person)  # relinks: delete + insert
    logged = {(r[2], r[4]) for r in _log(admin_session)}
    for expected in [("clients", "+"), ("cases", "+"), ("shelters", "+"), ("rooms", "+"),
                     ("beds", "+"), ("stays", "+"), ("stays", "discharged_on"),
                     ("beds", "reserved"), ("evidence_items", "+"), ("custody_events", "+"),
                     ("perpetrators", "+"), ("perpetrators", "description"),
                     ("perpetrator_evidence", "+"), ("perpetrator_evidence", "-"),
                     ("cases", "last_activity_at"), ("user_secrets", "+")]:
        if expected == ("beds", "reserved"):
            continue  # admitting a free bed writes the same value: nothing changes
        assert expected in logged, expected
    content = connection.execute(
        "SELECT value FROM change_log WHERE tbl = 'evidence_items' AND col = '+'").fetchone()[0]
    # The file travels as its sealed bytes (the evidence compartment), opened by a holder.
    stored = bytes.fromhex(json.loads(content)["content"]["$hex"])
    assert b"PNG bytes" not in stored
    assert admin_session.unseal("evidence_items", "content", item.id, stored) == b"\x89PNG bytes"


def test_local_uniqueness_rules_still_hold(admin_session: Session) -> None:
    case, other = intake(admin_session), intake(admin_session)
    shelter = shelters.add_shelter(admin_session, Shelter(name="Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter_id=shelter.id, name="1"))
    bed = shelters.add_bed(admin_session, Bed(room_id=room.id, label="A"))
    stays.admit(admin_session, case.id, bed.id)
    with pytest.raises(IntegrityError), transaction(admin_session.connection):
        admin_session.connection.execute(
            "INSERT INTO stays (id, case_id, bed_id, admitted_on, created_at)"
            " VALUES ('x', ?, ?, '2026-01-01', 'c')", (other.id, bed.id))
    with pytest.raises(stays.BedOccupied):
        stays.admit(admin_session, other.id, bed.id)


def test_text_that_looks_like_a_number_stays_text(admin_session: Session) -> None:
    intake(admin_session, document_number="007")
    value = admin_session.connection.execute(
        "SELECT value, typeof(value) FROM change_log WHERE tbl = 'clients'").fetchone()
    assert json.loads(value[0])["document_number"] == "007"
    case = intake(admin_session)
    with transaction(admin_session.connection):
        admin_session.connection.execute("UPDATE cases SET needs_summary = '0010' WHERE id = ?",
                                         (case.id,))
    assert admin_session.connection.execute(
        "SELECT value, typeof(value) FROM change_log WHERE col = 'needs_summary'").fetchone() \
        == ("0010", "text")


def test_rows_from_before_sync_are_logged_once_when_capture_arrives(tmp_path: Path) -> None:
    older = Vault(tmp_path / "v", bundled_migrations()[:3])
    older.create(ADMIN, ADMIN_PASSPHRASE)
    with older.unlock(ADMIN, ADMIN_PASSPHRASE) as session, transaction(session.connection):
        # Plain SQL in that older schema: today's repositories write columns added later.
        stamp = "2026-03-01T09:00:00.000000Z"
        session.connection.execute(
            "INSERT INTO clients (id, given_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ("client-1", "Aynur", stamp, stamp))
        session.connection.execute(
            "INSERT INTO cases (id, client_id, case_code, intake_date, last_activity_at,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("case-1", "client-1", "TU-26-OLD1-X", "2026-03-01", stamp, stamp, stamp))
    with Vault(tmp_path / "v").unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        logged = [(r[2], r[4]) for r in _log(session)]
        assert ("clients", "+") in logged and ("cases", "+") in logged
        assert ("users", "+") in logged
        count = len(logged)
    with Vault(tmp_path / "v").unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        assert len(_log(session)) == count  # not logged twice


def test_a_dropped_trigger_is_put_back_at_the_next_open(vault: Vault) -> None:
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        session.connection.execute("DROP TRIGGER sync_capture_clients_insert")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as session:
        intake(session)
        assert ("clients", "+") in {(r[2], r[4]) for r in _log(session)}


def test_demo_data_is_captured(admin_session: Session) -> None:
    summary = demo.generate(admin_session, 30, seed=3)
    counts = dict(admin_session.connection.execute(
        "SELECT tbl, count(*) FROM change_log WHERE col = '+' GROUP BY tbl").fetchall())
    assert counts["clients"] == 30 and counts["cases"] == 30
    assert counts.get("stays", 0) == summary.stays
