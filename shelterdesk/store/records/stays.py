"""Shelter stays: admit a case to a free bed, discharge it, and the history of each bed."""

from __future__ import annotations

from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.shelters import Stay
from shelterdesk.i18n import N_, format_date
from shelterdesk.store import access, audit
from shelterdesk.store.connection import IntegrityError, transaction
from shelterdesk.store.rows import NotFound, ensure_valid, iso, new_id, now, to_date, touch
from shelterdesk.store.vault import Session

COLUMNS = "id, case_id, bed_id, admitted_on, discharged_on, discharge_reason"


class BedOccupied(UserFacingError):
    message = N_("This bed already has someone in it; discharge them first or pick a free bed.")


class AlreadyInShelter(UserFacingError):
    message = N_("This client already has an open stay; discharge it before a new admission.")


class StayAlreadyClosed(UserFacingError):
    message = N_("This stay has already been discharged.")


class BedTakenThen(UserFacingError):
    message = N_("This bed was occupied until {date}; choose that day or a later admission date.")


class InShelterThen(UserFacingError):
    message = N_("This client was staying in a shelter until {date}; choose that day or a "
                 "later admission date.")


def _from_row(row) -> Stay:
    return Stay(id=row[0], case_id=row[1], bed_id=row[2], admitted_on=to_date(row[3]),
                discharged_on=to_date(row[4]), discharge_reason=row[5])


def admit(session: Session, case_id: str, bed_id: str, on: date | None = None) -> Stay:
    """Open a stay in a bed. A bed holds one open stay; a client is in one bed at a time."""
    access.require(session, Kind.STAY, Action.CREATE, case_id)
    stay = Stay(case_id=case_id, bed_id=bed_id, admitted_on=on or date.today())
    ensure_valid(stay.validate())
    stay.id = new_id()
    with session.lock, transaction(session.connection) as connection:
        if connection.execute("SELECT 1 FROM stays WHERE bed_id = ? AND discharged_on IS NULL",
                              (bed_id,)).fetchone():
            raise BedOccupied()
        if connection.execute("SELECT 1 FROM stays WHERE case_id = ? AND discharged_on IS NULL",
                              (case_id,)).fetchone():
            raise AlreadyInShelter()
        # Stays of one bed, and of one client, follow each other without overlapping.
        for column, value, error in (("bed_id", bed_id, BedTakenThen),
                                     ("case_id", case_id, InShelterThen)):
            later = connection.execute(
                f"SELECT max(discharged_on) FROM stays WHERE {column} = ? AND discharged_on > ?",
                (value, iso(stay.admitted_on))).fetchone()[0]
            if later:
                raise error(date=format_date(to_date(later)))
        try:
            connection.execute(
                f"INSERT INTO stays ({COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (stay.id, case_id, bed_id, iso(stay.admitted_on), None, "", now()))
        except IntegrityError:
            raise BedOccupied() from None
        connection.execute("UPDATE beds SET reserved = 0 WHERE id = ?", (bed_id,))
        touch(connection, case_id)
        audit.append(connection, session.user.id, "stay.admit", "case", case_id, stay=stay.id)
    return stay


def discharge(session: Session, stay_id: str, on: date | None = None, reason: str = "") -> Stay:
    """Close a stay (which frees its bed); a stay cannot end before it starts."""
    with session.lock:
        row = session.connection.execute(f"SELECT {COLUMNS} FROM stays WHERE id = ?",
                                         (stay_id,)).fetchone()
    if row is None:
        raise NotFound(kind="stay")
    stay = _from_row(row)
    access.require(session, Kind.STAY, Action.EDIT, stay.case_id)
    if not stay.is_open:
        raise StayAlreadyClosed()
    stay.discharged_on, stay.discharge_reason = on or date.today(), reason.strip()
    ensure_valid(stay.validate())
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "UPDATE stays SET discharged_on = ?, discharge_reason = ? WHERE id = ?",
            (iso(stay.discharged_on), stay.discharge_reason, stay_id))
        touch(connection, stay.case_id)
        audit.append(connection, session.user.id, "stay.discharge", "case", stay.case_id,
                     stay=stay_id)
    return stay


def stays_for_case(session: Session, case_id: str) -> list[Stay]:
    access.require(session, Kind.STAY, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM stays WHERE case_id = ? ORDER BY admitted_on DESC",
            (case_id,)).fetchall()
    return [_from_row(r) for r in rows]


def open_stay(session: Session, case_id: str) -> Stay | None:
    found = [s for s in stays_for_case(session, case_id) if s.is_open]
    return found[0] if found else None


def bed_history(session: Session, bed_id: str) -> list[Stay]:
    access.require(session, Kind.STAY, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM stays WHERE bed_id = ? ORDER BY admitted_on DESC",
            (bed_id,)).fetchall()
    return [_from_row(r) for r in rows]


def bed_nights(session: Session, start: date, end: date, shelter_id: str = "") -> int:
    """Bed-nights used in [start, end) across all beds, or one shelter's (no personal data)."""
    access.require(session, Kind.SHELTER, Action.VIEW)
    where, params = "", [iso(end), iso(start)]
    if shelter_id:
        where = (" AND bed_id IN (SELECT b.id FROM beds b JOIN rooms r ON r.id = b.room_id"
                 " WHERE r.shelter_id = ?)")
        params.append(shelter_id)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM stays WHERE admitted_on < ? AND"
            f" (discharged_on IS NULL OR discharged_on > ?){where}", params).fetchall()
    return sum(_from_row(r).nights_between(start, end) for r in rows)
