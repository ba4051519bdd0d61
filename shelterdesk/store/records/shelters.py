"""Shelters, rooms and beds (configuration, coordinator), and the board of who is where."""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.rows import NotFound, ensure_valid, new_id, now
from shelterdesk.store.vault import Session


def _configure(session: Session) -> None:
    session.require_role(Role.COORDINATOR, action=N_("configure shelters, rooms and beds"))


def add_shelter(session: Session, shelter: Shelter) -> Shelter:
    _configure(session)
    ensure_valid(shelter.validate())
    shelter.id = new_id()
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "INSERT INTO shelters (id, name, address, phone, created_at) VALUES (?, ?, ?, ?, ?)",
            (shelter.id, shelter.name.strip(), shelter.address.strip(), shelter.phone.strip(),
             now()))
        audit.append(connection, session.user.id, "shelter.add", "shelter", shelter.id)
    return shelter


def add_room(session: Session, room: Room) -> Room:
    _configure(session)
    ensure_valid(room.validate())
    room.id = new_id()
    with session.lock, transaction(session.connection) as connection:
        if not connection.execute("SELECT 1 FROM shelters WHERE id = ?",
                                  (room.shelter_id,)).fetchone():
            raise NotFound(kind="shelter")
        connection.execute(
            "INSERT INTO rooms (id, shelter_id, name, created_at) VALUES (?, ?, ?, ?)",
            (room.id, room.shelter_id, room.name.strip(), now()))
        audit.append(connection, session.user.id, "room.add", "room", room.id)
    return room


def add_bed(session: Session, bed: Bed) -> Bed:
    _configure(session)
    ensure_valid(bed.validate())
    bed.id = new_id()
    with session.lock, transaction(session.connection) as connection:
        if not connection.execute("SELECT 1 FROM rooms WHERE id = ?", (bed.room_id,)).fetchone():
            raise NotFound(kind="room")
        connection.execute(
            "INSERT INTO beds (id, room_id, label, reserved, created_at) VALUES (?, ?, ?, ?, ?)",
            (bed.id, bed.room_id, bed.label.strip(), int(bed.reserved), now()))
        audit.append(connection, session.user.id, "bed.add", "bed", bed.id)
    return bed


def set_reserved(session: Session, bed_id: str, reserved: bool) -> None:
    access.require(session, Kind.STAY, Action.EDIT)
    with session.lock, transaction(session.connection) as connection:
        if connection.execute("UPDATE beds SET reserved = ? WHERE id = ?",
                              (int(reserved), bed_id)).rowcount != 1:
            raise NotFound(kind="bed")
        audit.append(connection, session.user.id, "bed.reserve", "bed", bed_id,
                     reserved=reserved)


@dataclass(frozen=True)
class BedState:
    """One bed on the board. The occupant is a case code only; names are the UI's choice."""

    bed_id: str
    label: str
    room_id: str
    room_name: str
    shelter_id: str
    shelter_name: str
    reserved: bool
    stay_id: str = ""
    case_id: str = ""
    case_code: str = ""
    admitted_on: str = ""

    @property
    def state(self) -> str:
        return "occupied" if self.stay_id else ("reserved" if self.reserved else "free")


def list_shelters(session: Session) -> list[Shelter]:
    access.require(session, Kind.SHELTER, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, name, address, phone FROM shelters ORDER BY name").fetchall()
    return [Shelter(id=r[0], name=r[1], address=r[2], phone=r[3]) for r in rows]


def list_rooms(session: Session, shelter_id: str) -> list[Room]:
    """The rooms of one shelter, with or without beds yet."""
    access.require(session, Kind.SHELTER, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, shelter_id, name FROM rooms WHERE shelter_id = ? ORDER BY name",
            (shelter_id,)).fetchall()
    return [Room(shelter_id=r[1], name=r[2], id=r[0]) for r in rows]


def board(session: Session, shelter_id: str | None = None) -> list[BedState]:
    """Every bed with its state; occupants shown as case codes to those who may see cases."""
    access.require(session, Kind.SHELTER, Action.VIEW)
    show_cases = access.can(session, Kind.STAY, Action.VIEW)
    # Retired beds leave the board (their stays stay in the history).
    where, params = ("WHERE b.retired_at IS NULL AND s.id = ?", [shelter_id]) if shelter_id \
        else ("WHERE b.retired_at IS NULL", [])
    with session.lock:
        rows = session.connection.execute(
            "SELECT b.id, b.label, r.id, r.name, s.id, s.name, b.reserved, st.id, st.case_id,"
            " c.case_code, st.admitted_on FROM beds b JOIN rooms r ON r.id = b.room_id"
            " JOIN shelters s ON s.id = r.shelter_id"
            " LEFT JOIN stays st ON st.bed_id = b.id AND st.discharged_on IS NULL"
            f" LEFT JOIN cases c ON c.id = st.case_id {where}"
            " ORDER BY s.name, r.name, b.label", params).fetchall()
    states = []
    for r in rows:
        occupant = (r[7] or "", r[8] or "", r[9] or "", r[10] or "") if show_cases else \
            ("occupied" if r[7] else "", "", "", "")
        states.append(BedState(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), *occupant))
    return states
