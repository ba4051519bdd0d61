"""Conflicts merging cannot settle, found after a sync and kept for a coordinator.

Merging decides every field, but some merged states need a person: one bed
or one case with two open stays (two laptops admitted offline), a stay that
now ends before it starts, two intakes that look like the same person (same
folded name and birth date, or same phone number) made on different laptops,
a case code or user name two laptops gave out, and the losing value of two
concurrent edits. Nothing is dropped: each is a row in ``sync_conflicts``
until a coordinator marks it resolved (bed and stay problems also close by
themselves once a later change removes them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from shelterdesk.domain.roles import Role
from shelterdesk.domain.vocabulary import fold
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication.merge_rules import flag
from shelterdesk.store.rows import NotFound, now
from shelterdesk.store.vault import Session

# Kinds a person sees (labels translated where shown).
KINDS = {
    "bed_double_booked": N_("One bed has two open stays"),
    "case_two_open_stays": N_("One case has two open stays"),
    "stay_dates": N_("A stay ends before it starts"),
    "possible_duplicate": N_("Two intakes may be the same person"),
    "duplicate_value": N_("Two laptops gave out the same code or name"),
    "concurrent_edit": N_("Two people changed the same field at the same time"),
    "edited_and_deleted": N_("A record was changed on one laptop and deleted on another"),
    "invite_reused": N_("An enrollment code was used by two laptops"),
}
SELF_CLOSING = ("bed_double_booked", "case_two_open_stays", "stay_dates")


@dataclass(frozen=True)
class Conflict:
    id: int
    kind: str
    table: str
    row_id: str
    other_id: str
    column: str
    value: Any
    detail: dict[str, Any]
    found_at: str
    resolved_at: str | None
    resolved_by: str
    note: str

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def queue_for_review(connection: Connection, touched: dict[str, set[str]]) -> None:
    """Remember rows another device changed, in the apply transaction."""
    for table in ("clients", "stays"):
        connection.executemany("INSERT OR IGNORE INTO sync_review (tbl, row_id) VALUES (?, ?)",
                               [(table, row_id) for row_id in touched.get(table, ())])


def review(connection: Connection) -> int:
    """Flag what the last applies left needing a person; returns how many are new."""
    stamp = now()
    new = 0
    for kind, column in (("bed_double_booked", "bed_id"), ("case_two_open_stays", "case_id")):
        open_now = set()
        for owner, stays in connection.execute(
                f"SELECT {column}, group_concat(id) FROM (SELECT {column}, id FROM stays"
                f" WHERE discharged_on IS NULL ORDER BY id) GROUP BY {column}"
                " HAVING count(*) > 1").fetchall():
            key = f"{owner}/{stays}"
            open_now.add(key)
            new += flag(connection, kind, key, table="stays", row_id=owner, other_id=stays,
                        detail={"stays": stays.split(",")}, stamp=stamp)
        _close_gone(connection, kind, open_now, stamp)
    bad_dates = set()
    for stay_id, case_id in connection.execute(
            "SELECT id, case_id FROM stays WHERE discharged_on < admitted_on").fetchall():
        bad_dates.add(stay_id)
        new += flag(connection, "stay_dates", stay_id, table="stays", row_id=stay_id,
                    detail={"case_id": case_id}, stamp=stamp)
    _close_gone(connection, "stay_dates", bad_dates, stamp)
    queued = [r[0] for r in connection.execute(
        "SELECT row_id FROM sync_review WHERE tbl = 'clients'")]
    if queued:
        new += _possible_duplicates(connection, set(queued), stamp)
    connection.execute("DELETE FROM sync_review")
    return new


def _close_gone(connection: Connection, kind: str, still: set[str], stamp: str) -> None:
    for conflict_id, key in connection.execute(
            "SELECT id, key FROM sync_conflicts WHERE kind = ? AND resolved_at IS NULL",
            (kind,)).fetchall():
        if key not in still:
            connection.execute("UPDATE sync_conflicts SET resolved_at = ?, resolved_by = 'sync'"
                               " WHERE id = ?", (stamp, conflict_id))


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 7 else ""


def _possible_duplicates(connection: Connection, queued: set[str], stamp: str) -> int:
    """Pairs with one changed client, made on different laptops, alike in name+birth or phone."""
    by_key: dict[str, list[tuple[str, int]]] = {}
    for client_id, given, family, born, phone, origin in connection.execute(
            "SELECT c.id, c.given_name, c.family_name, c.date_of_birth, c.phone, r.dev"
            " FROM clients c LEFT JOIN sync_rows r ON r.tbl = 'clients' AND r.row_id = c.id"):
        keys = []
        if born:
            keys.append(f"n:{fold(given or '')} {fold(family or '')}|{born}")
        phone_key = _phone_key(phone)
        if phone_key:
            keys.append(f"p:{phone_key}")
        for key in keys:
            by_key.setdefault(key, []).append((client_id, origin or 0))
    new = 0
    for key, members in by_key.items():
        if len(members) < 2 or not any(m[0] in queued for m in members):
            continue
        for index, (first, first_origin) in enumerate(members):
            for second, second_origin in members[index + 1:]:
                if first_origin == second_origin or not ({first, second} & queued):
                    continue
                low, high = sorted((first, second))
                new += flag(connection, "possible_duplicate", f"{low}/{high}", table="clients",
                            row_id=low, other_id=high,
                            detail={"by": "phone" if key.startswith("p:") else "name_birth"},
                            stamp=stamp)
    return new


def _from_row(row) -> Conflict:
    return Conflict(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]),
                    row[8], row[9], row[10], row[11])


_COLUMNS = ("id, kind, tbl, row_id, other_id, col, value, detail, found_at, resolved_at,"
            " resolved_by, note")


def open_conflicts(connection: Connection) -> list[Conflict]:
    return [_from_row(r) for r in connection.execute(
        f"SELECT {_COLUMNS} FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY id")]


def list_conflicts(session: Session, *, include_resolved: bool = False) -> list[Conflict]:
    """Conflicts for a coordinator to settle (the UI's list; values may be personal data)."""
    session.require_role(Role.COORDINATOR, action=N_("review sync conflicts"))
    where = "" if include_resolved else " WHERE resolved_at IS NULL"
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {_COLUMNS} FROM sync_conflicts{where} ORDER BY id").fetchall()
    session.audit("sync.conflicts.view", count=len(rows))
    return [_from_row(r) for r in rows]


def resolve(session: Session, conflict_id: int, note: str = "") -> None:
    """Mark a conflict settled (after the coordinator fixed the records themselves)."""
    session.require_role(Role.COORDINATOR, action=N_("review sync conflicts"))
    with session.lock, transaction(session.connection) as connection:
        cursor = connection.execute(
            "UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?, note = ?"
            " WHERE id = ? AND resolved_at IS NULL", (now(), session.user.id, note.strip(),
                                                      conflict_id))
        if cursor.rowcount != 1:
            raise NotFound(kind="conflict")
        audit.append(connection, session.user.id, "sync.conflict.resolve", "sync_conflict",
                     str(conflict_id))
