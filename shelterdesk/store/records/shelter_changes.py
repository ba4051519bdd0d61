"""Correcting shelter configuration: rename shelters, rooms and beds, retire a free bed."""

from __future__ import annotations

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records.corrections import keep_version
from shelterdesk.store.rows import NotFound, ensure_valid, now
from shelterdesk.store.vault import Session


class BedNotFree(UserFacingError):
    message = N_("Only a free bed can be retired: discharge its client first.")


def _rename(session: Session, table: str, record_id: str, column: str, value: str,
            action: str, **extra: str) -> None:
    access.require(session, Kind.SHELTER, Action.EDIT)
    with session.lock, transaction(session.connection) as connection:
        if not connection.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                  (record_id,)).fetchone():
            raise NotFound(kind=table.rstrip("s"))
        stamp = now()
        keep_version(connection, table, record_id, reason="", user_id=session.user.id,
                     stamp=stamp)
        assignments = ", ".join(f"{c} = ?" for c in (column, *extra))
        connection.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                           (value.strip(), *(v.strip() for v in extra.values()), record_id))
        audit.append(connection, session.user.id, action, table.rstrip("s"), record_id)


def change_shelter(session: Session, shelter: Shelter) -> None:
    """Rename a shelter or correct its address and phone (coordinator)."""
    ensure_valid(shelter.validate())
    _rename(session, "shelters", shelter.id, "name", shelter.name, "shelter.edit",
            address=shelter.address, phone=shelter.phone)


def rename_room(session: Session, room: Room) -> None:
    ensure_valid(room.validate())
    _rename(session, "rooms", room.id, "name", room.name, "room.edit")


def rename_bed(session: Session, bed: Bed) -> None:
    ensure_valid(bed.validate())
    _rename(session, "beds", bed.id, "label", bed.label, "bed.edit")


def retire_bed(session: Session, bed_id: str) -> None:
    """Take a free bed off the board for good; its past stays remain in the history."""
    access.require(session, Kind.SHELTER, Action.EDIT)
    with session.lock, transaction(session.connection) as connection:
        if not connection.execute("SELECT 1 FROM beds WHERE id = ? AND retired_at IS NULL",
                                  (bed_id,)).fetchone():
            raise NotFound(kind="bed")
        if connection.execute("SELECT 1 FROM stays WHERE bed_id = ? AND discharged_on IS NULL",
                              (bed_id,)).fetchone():
            raise BedNotFree()
        stamp = now()
        keep_version(connection, "beds", bed_id, reason="", user_id=session.user.id,
                     stamp=stamp)
        connection.execute("UPDATE beds SET retired_at = ?, reserved = 0 WHERE id = ?",
                           (stamp, bed_id))
        audit.append(connection, session.user.id, "bed.retire", "bed", bed_id)
