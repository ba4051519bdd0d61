"""The audit chain: an edited, deleted, reordered or cut-off row is reported."""

from __future__ import annotations

import pytest

from shelterdesk.store import audit
from shelterdesk.store.vault import Session


@pytest.fixture
def chained(admin_session: Session) -> Session:
    for index in range(5):
        admin_session.audit("case.view", "case", f"id-{index}")
    assert audit.verify(admin_session.connection).ok
    return admin_session


def test_untouched_chain_verifies(chained: Session) -> None:
    report = audit.verify(chained.connection)
    assert report.ok and report.rows >= 6


@pytest.mark.parametrize("column,value", [
    ("action", "'case.edit'"), ("object_id", "'id-x'"), ("at", "'2020-01-01T00:00:00Z'"),
    ("actor_id", "''"), ("detail", "'{\"a\":1}'"),
])
def test_edited_row_is_detected(chained: Session, column: str, value: str) -> None:
    chained.connection.execute(f"UPDATE audit_log SET {column} = {value} WHERE seq = 3")
    report = audit.verify(chained.connection)
    assert not report.ok and report.first_bad_seq == 3


def test_one_changed_byte_in_a_hash_is_detected(chained: Session) -> None:
    digest = chained.connection.execute("SELECT hash FROM audit_log WHERE seq = 2").fetchone()[0]
    flipped = ("1" if digest[0] != "1" else "2") + digest[1:]
    chained.connection.execute("UPDATE audit_log SET hash = ? WHERE seq = 2", (flipped,))
    assert not audit.verify(chained.connection).ok


def test_deleted_row_is_detected(chained: Session) -> None:
    chained.connection.execute("DELETE FROM audit_log WHERE seq = 4")
    report = audit.verify(chained.connection)
    assert not report.ok and report.reason == "missing"


def test_reordered_rows_are_detected(chained: Session) -> None:
    connection = chained.connection
    connection.execute("UPDATE audit_log SET seq = -1 WHERE seq = 2")
    connection.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
    connection.execute("UPDATE audit_log SET seq = 3 WHERE seq = -1")
    assert not audit.verify(connection).ok


def test_cut_off_tail_is_detected(chained: Session) -> None:
    last = chained.connection.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    chained.connection.execute("DELETE FROM audit_log WHERE seq = ?", (last,))
    report = audit.verify(chained.connection)
    assert not report.ok and report.reason == "truncated"


def test_rows_hold_no_personal_data(chained: Session) -> None:
    columns = [row[1] for row in chained.connection.execute("PRAGMA table_info(audit_log)")]
    assert columns == ["seq", "at", "actor_id", "action", "object_kind", "object_id", "detail",
                       "prev_hash", "hash"]
