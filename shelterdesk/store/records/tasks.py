"""Notes on a case and follow-up tasks (due today, this week, overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.tasks import SEES_ALL_FOLLOW_UPS, FollowUp, Note
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records import search
from shelterdesk.store.rows import (
    NotFound,
    ensure_valid,
    iso,
    new_id,
    now,
    to_date,
    to_datetime,
    touch,
)
from shelterdesk.store.vault import Session


def add_note(session: Session, note: Note) -> Note:
    access.require(session, Kind.NOTE, Action.CREATE, note.case_id)
    ensure_valid(note.validate())
    note.id, note.author_id = new_id(), session.user.id
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            "INSERT INTO notes (id, case_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
            (note.id, note.case_id, note.author_id, note.body, stamp))
        note.created_at = to_datetime(stamp)
        search.index_case(connection, note.case_id)
        touch(connection, note.case_id, stamp)
        audit.append(connection, session.user.id, "note.add", "case", note.case_id)
    return note


def list_notes(session: Session, case_id: str) -> list[Note]:
    access.require(session, Kind.NOTE, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, case_id, author_id, body, created_at FROM notes WHERE case_id = ?"
            " ORDER BY created_at DESC", (case_id,)).fetchall()
    return [Note(id=r[0], case_id=r[1], author_id=r[2], body=r[3],
                 created_at=to_datetime(r[4])) for r in rows]


def add_follow_up(session: Session, task: FollowUp) -> FollowUp:
    access.require(session, Kind.FOLLOW_UP, Action.CREATE, task.case_id)
    ensure_valid(task.validate())
    task.id = new_id()
    task.assigned_to = task.assigned_to or session.user.id
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            "INSERT INTO follow_ups (id, case_id, due_on, kind, description, assigned_to,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (task.id, task.case_id, iso(task.due_on), task.kind, task.description,
             task.assigned_to, stamp))
        touch(connection, task.case_id, stamp)
        audit.append(connection, session.user.id, "follow_up.add", "case", task.case_id)
    return task


def complete_follow_up(session: Session, task_id: str) -> None:
    with session.lock:
        row = session.connection.execute("SELECT case_id FROM follow_ups WHERE id = ?",
                                          (task_id,)).fetchone()
    if row is None:
        raise NotFound(kind="follow-up")
    access.require(session, Kind.FOLLOW_UP, Action.EDIT, row[0])
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            "UPDATE follow_ups SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL",
            (stamp, session.user.id, task_id))
        touch(connection, row[0], stamp)
        audit.append(connection, session.user.id, "follow_up.done", "case", row[0])


def reopen_follow_up(session: Session, task_id: str) -> None:
    """Undo a "done": the task is open again, as it was."""
    with session.lock:
        row = session.connection.execute("SELECT case_id FROM follow_ups WHERE id = ?",
                                          (task_id,)).fetchone()
    if row is None:
        raise NotFound(kind="follow-up")
    access.require(session, Kind.FOLLOW_UP, Action.EDIT, row[0])
    with session.lock, transaction(session.connection) as connection:
        connection.execute("UPDATE follow_ups SET done_at = NULL, done_by = '' WHERE id = ?",
                           (task_id,))
        touch(connection, row[0])
        audit.append(connection, session.user.id, "follow_up.reopen", "case", row[0])


@dataclass(frozen=True)
class DueTask:
    task: FollowUp
    case_code: str


def _task(row) -> FollowUp:
    return FollowUp(id=row[0], case_id=row[1], due_on=to_date(row[2]), kind=row[3],
                    description=row[4], assigned_to=row[5], done_at=to_datetime(row[6]))


def list_follow_ups(session: Session, case_id: str) -> list[FollowUp]:
    access.require(session, Kind.FOLLOW_UP, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, case_id, due_on, kind, description, assigned_to, done_at"
            " FROM follow_ups WHERE case_id = ? ORDER BY due_on", (case_id,)).fetchall()
    return [_task(r) for r in rows]


def due_follow_ups(session: Session, today: date | None = None, *, days_ahead: int = 7,
                   mine_only: bool = True) -> list[DueTask]:
    """Open tasks overdue or due within the next days, for the user's cases (or all)."""
    access.require(session, Kind.FOLLOW_UP, Action.VIEW)
    if not mine_only:
        session.require_role(*SEES_ALL_FOLLOW_UPS, action=N_("see the follow-ups of every case"))
    today = today or date.today()
    params: list = [iso(today + timedelta(days=days_ahead))]
    mine = ""
    if mine_only:
        mine = " AND (f.assigned_to = ? OR c.assigned_worker_id = ?)"
        params += [session.user.id, session.user.id]
    with session.lock:
        rows = session.connection.execute(
            "SELECT f.id, f.case_id, f.due_on, f.kind, f.description, f.assigned_to, f.done_at,"
            " c.case_code FROM follow_ups f JOIN cases c ON c.id = f.case_id"
            f" WHERE f.done_at IS NULL AND f.due_on <= ?{mine} ORDER BY f.due_on", params
        ).fetchall()
    return [DueTask(_task(r), r[7]) for r in rows]
