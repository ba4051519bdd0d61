"""Settling a sync conflict in the window: both values side by side, keep one or type a merge.

A concurrent edit keeps the winning value in the record and the losing one in
``sync_conflicts``; the coordinator keeps the record's value, takes the other, or
types a merged value. Writing the chosen value is an ordinary local edit (captured,
so sync carries it to the other laptops) in the same transaction that marks the
conflict resolved, audited without the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import conflicts as sync_conflicts
from shelterdesk.store.replication import registry
from shelterdesk.store.replication.capture import SYNCED_TABLES, table_shape
from shelterdesk.store.rows import NotFound, now
from shelterdesk.store.vault import Session

KEEP_CURRENT, KEEP_OTHER, TYPED = "current", "other", "typed"
# Bookkeeping a person never types into (and that sync itself maintains).
_NOT_EDITABLE = {"id", "created_at", "created_by", "updated_at", "updated_by"}


class ConflictCannotTakeValue(UserFacingError):
    message = N_("This conflict has no value to choose; fix the records themselves, then mark "
                 "it resolved.")


@dataclass(frozen=True)
class ConflictView:
    conflict: sync_conflicts.Conflict
    current: Any  # the value the record holds now (None if the record is gone)
    other: Any  # the value that lost
    other_device: str
    other_at_ms: int  # when the losing value was written (its clock's wall time)
    current_device: str
    current_at_ms: int
    # Who: each side's laptop name and the user who last synced on that laptop (the change
    # log records laptops, not users); "" until that laptop's ~laptop record has arrived.
    other_laptop: str = ""
    other_user: str = ""
    current_laptop: str = ""
    current_user: str = ""

    @property
    def can_take_value(self) -> bool:
        return self.conflict.kind == "concurrent_edit" and _editable(self.conflict)


def laptop_and_user(info: dict[str, registry.LaptopInfo], device_id: str) -> tuple[str, str]:
    """A laptop's name and its user for "who", or ("", "") when not known."""
    found = info.get(device_id)
    return (found.name, found.user_name) if found is not None else ("", "")


def _editable(conflict: sync_conflicts.Conflict) -> bool:
    return (conflict.table in SYNCED_TABLES and conflict.column not in _NOT_EDITABLE
            and bool(conflict.column))


def _current(connection: Connection, conflict: sync_conflicts.Conflict) -> Any:
    if not _editable(conflict):
        return None
    shape = table_shape(connection, conflict.table)
    if shape.key != ("id",) or conflict.column not in shape.columns:
        return None
    row = connection.execute(f'SELECT "{conflict.column}" FROM "{conflict.table}" WHERE id = ?',
                             (conflict.row_id,)).fetchone()
    return row[0] if row else None


def conflict_views(session: Session) -> list[ConflictView]:
    """Open conflicts with both values (coordinator; the view itself is audited)."""
    found = sync_conflicts.list_conflicts(session)
    views = []
    with session.lock:
        info = registry.laptop_info(session.connection)
        for conflict in found:
            detail = conflict.detail
            loser, winner = (str(detail.get("loser_device", "")),
                             str(detail.get("winner_device", "")))
            views.append(ConflictView(
                conflict, _current(session.connection, conflict), conflict.value,
                loser, int(detail.get("loser_hlc", 0)) >> 16,
                winner, int(detail.get("winner_hlc", 0)) >> 16,
                *laptop_and_user(info, loser), *laptop_and_user(info, winner)))
    return views


def settle(session: Session, conflict_id: int, choice: str, typed: str = "",
           note: str = "") -> None:
    """Keep the record's value, take the other one, or write a typed merge; then resolve."""
    session.require_role(Role.COORDINATOR, action=N_("review sync conflicts"))
    with session.lock, transaction(session.connection) as connection:
        row = connection.execute(
            f"SELECT {sync_conflicts._COLUMNS} FROM sync_conflicts"
            " WHERE id = ? AND resolved_at IS NULL", (conflict_id,)).fetchone()
        if row is None:
            raise NotFound(kind="conflict")
        conflict = sync_conflicts._from_row(row)
        if choice in (KEEP_OTHER, TYPED):
            if not _editable(conflict) or conflict.kind != "concurrent_edit":
                raise ConflictCannotTakeValue()
            shape = table_shape(connection, conflict.table)
            if shape.key != ("id",) or conflict.column not in shape.columns:
                raise ConflictCannotTakeValue()
            value = conflict.value if choice == KEEP_OTHER else typed
            cursor = connection.execute(
                f'UPDATE "{conflict.table}" SET "{conflict.column}" = ? WHERE id = ?',
                (value, conflict.row_id))
            if cursor.rowcount != 1:
                raise NotFound(kind="record")
        elif choice != KEEP_CURRENT:
            raise ValueError(choice)
        connection.execute(
            "UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?, note = ? WHERE id = ?",
            (now(), session.user.id, note.strip(), conflict_id))
        audit.append(connection, session.user.id, "sync.conflict.resolve", "sync_conflict",
                     str(conflict_id), choice=choice)
