"""Closing a case with a date and a reason, reopening it; closed cases are read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shelterdesk.domain.closure import (
    CLOSED_STATUSES,
    Closure,
    reopen_problems,
    status_after_closing,
)
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.rows import NotFound, ensure_valid, iso, new_id, now, to_date, to_datetime
from shelterdesk.store.vault import Session


class OpenStayFirst(UserFacingError):
    message = N_("The client still has an open shelter stay: discharge it before closing "
                 "the case.")


class CaseNotClosed(UserFacingError):
    message = N_("This case is not closed.")


class CaseAlreadyClosed(UserFacingError):
    message = N_("This case is already closed.")


@dataclass(frozen=True)
class ClosureEvent:
    """One closing or reopening, for the case's history and activity list."""

    event: str  # close | reopen
    on_date: date | None
    reason: str  # a closure reason code, or the reopening reason as typed
    note: str
    actor_name: str
    at: datetime | None


def is_closed(connection: Connection, case_id: str) -> bool:
    row = connection.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
    return row is not None and row[0] in CLOSED_STATUSES


def _case(connection: Connection, case_id: str) -> tuple[str, date | None]:
    row = connection.execute("SELECT status, intake_date FROM cases WHERE id = ?",
                             (case_id,)).fetchone()
    if row is None:
        raise NotFound(kind="case")
    return row[0], to_date(row[1])


def close_case(session: Session, case_id: str, closure: Closure) -> None:
    """Close with a date and a reason; refused while the client still has an open stay."""
    access.require(session, Kind.CLIENT, Action.EDIT)
    with session.lock:
        status, intake = _case(session.connection, case_id)
    if status in CLOSED_STATUSES:
        raise CaseAlreadyClosed()
    ensure_valid(closure.validate(intake))
    with session.lock, transaction(session.connection) as connection:
        if connection.execute("SELECT 1 FROM stays WHERE case_id = ? AND discharged_on IS NULL",
                              (case_id,)).fetchone():
            raise OpenStayFirst()
        stamp = now()
        connection.execute(
            "UPDATE cases SET status = ?, closed_on = ?, closure_reason = ?, updated_at = ?,"
            " last_activity_at = ? WHERE id = ?",
            (status_after_closing(closure.reason), iso(closure.closed_on), closure.reason,
             stamp, stamp, case_id))
        connection.execute(
            "INSERT INTO case_closures (id, case_id, event, on_date, reason, note, actor_id,"
            " created_at) VALUES (?, ?, 'close', ?, ?, ?, ?, ?)",
            (new_id(), case_id, iso(closure.closed_on), closure.reason, closure.note.strip(),
             session.user.id, stamp))
        audit.append(connection, session.user.id, "case.close", "case", case_id,
                     reason=closure.reason)


def reopen_case(session: Session, case_id: str, reason: str, on: date | None = None) -> None:
    """Open a closed case again; the reason is kept with the case's closures."""
    access.require(session, Kind.CLIENT, Action.EDIT)
    with session.lock:
        status, _intake = _case(session.connection, case_id)
    if status not in CLOSED_STATUSES:
        raise CaseNotClosed()
    ensure_valid(reopen_problems(reason))
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            "UPDATE cases SET status = 'open', closed_on = NULL, closure_reason = '',"
            " updated_at = ?, last_activity_at = ? WHERE id = ?", (stamp, stamp, case_id))
        connection.execute(
            "INSERT INTO case_closures (id, case_id, event, on_date, reason, note, actor_id,"
            " created_at) VALUES (?, ?, 'reopen', ?, ?, '', ?, ?)",
            (new_id(), case_id, iso(on or date.today()), reason.strip(), session.user.id,
             stamp))
        audit.append(connection, session.user.id, "case.reopen", "case", case_id)


def closure_events(session: Session, case_id: str) -> list[ClosureEvent]:
    """Every closing and reopening of the case, oldest first."""
    access.require(session, Kind.CLIENT, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            "SELECT e.event, e.on_date, e.reason, e.note,"
            " coalesce(nullif(u.display_name, ''), u.username, ''), e.created_at"
            " FROM case_closures e LEFT JOIN users u ON u.id = e.actor_id"
            " WHERE e.case_id = ? ORDER BY e.created_at", (case_id,)).fetchall()
    return [ClosureEvent(r[0], to_date(r[1]), r[2], r[3], r[4], to_datetime(r[5]))
            for r in rows]
