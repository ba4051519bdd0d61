"""Earlier versions of corrected records: kept before a change, listed for the record's history.

A correction never destroys the earlier text. Before a repository changes a
saved record it calls :func:`keep_version` in the same transaction, which
copies the row as it was (its stored columns as JSON, never a file's bytes)
into ``record_versions`` with who replaced it, when and why. The history of a
record is shown only to people who may see the record itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.rows import NotFound, new_id, to_datetime
from shelterdesk.store.vault import Session

# Which permission guards the history of each table (users: coordinators only).
TABLE_KINDS: dict[str, Kind | None] = {
    "legal_consultations": Kind.LEGAL, "medical_services": Kind.MEDICAL,
    "other_services": Kind.SERVICE, "notes": Kind.NOTE, "follow_ups": Kind.FOLLOW_UP,
    "perpetrators": Kind.PERPETRATOR, "evidence_items": Kind.EVIDENCE, "stays": Kind.STAY,
    "consents": Kind.CONSENT, "shelters": Kind.SHELTER, "rooms": Kind.SHELTER,
    "beds": Kind.SHELTER, "users": None,
}
# Columns never copied into a version: file bytes (evidence keeps one file, with its hash).
_NOT_KEPT = frozenset({"content"})
MAX_REASON = 1000


@dataclass(frozen=True)
class Version:
    """A record as it was before one correction, and that correction's who, when and why."""

    version: int
    content: dict[str, Any]
    reason: str
    corrected_by: str  # the user id
    corrected_by_name: str
    corrected_at: datetime | None


def require_reason(reason: str) -> str:
    """Legal and medical corrections say why: an empty reason is a problem at the field."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Problem("reason", N_("is required"))])
    if len(reason) > MAX_REASON:
        raise ValidationFailed([Problem("reason", N_("is longer than {limit} characters"),
                                        {"limit": MAX_REASON})])
    return reason


def keep_version(connection: Connection, table: str, record_id: str, *, reason: str,
                 user_id: str, stamp: str, case_id: str | None = None,
                 version_of: str | None = None) -> int:
    """Copy the row as it is now into record_versions (call inside the writer's transaction).

    ``version_of`` files the copy in the history of another record: an amended consent is
    a new row, and the row it replaces becomes that new row's earlier version.
    """
    version_of = version_of or record_id
    if table not in TABLE_KINDS:
        raise ValueError(table)
    cursor = connection.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    row = cursor.fetchone()
    if row is None:
        raise NotFound(kind=table.rstrip("s"))
    names = [d[0] for d in cursor.description]
    content = {n: v for n, v in zip(names, row, strict=True) if n not in _NOT_KEPT}
    if case_id is None:
        case_id = content.get("case_id") or None
    number = connection.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM record_versions"
        " WHERE record_table = ? AND record_id = ?", (table, version_of)).fetchone()[0]
    connection.execute(
        "INSERT INTO record_versions (id, record_table, record_id, case_id, version, content,"
        " reason, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), table, version_of, case_id, number,
         json.dumps(content, ensure_ascii=False, sort_keys=True), reason.strip(), user_id,
         stamp))
    return number


def carry_versions(connection: Connection, table: str, from_id: str, to_id: str) -> None:
    """Give a record's replacement row the earlier versions of the row it replaces."""
    rows = connection.execute(
        "SELECT case_id, version, content, reason, corrected_by, corrected_at"
        " FROM record_versions WHERE record_table = ? AND record_id = ? ORDER BY version",
        (table, from_id)).fetchall()
    for row in rows:
        connection.execute(
            "INSERT INTO record_versions (id, record_table, record_id, case_id, version,"
            " content, reason, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new_id(), table, to_id, *row))


def _require_view(session: Session, table: str, case_id: str, *,
                  listing: bool = False) -> None:
    """``listing``: who corrected what when (no content), which a write-only writer (a
    case worker and evidence) may see beside the rows she may list."""
    kind = TABLE_KINDS.get(table)
    if table not in TABLE_KINDS:
        raise ValueError(table)
    if kind is None:
        session.require_role(Role.COORDINATOR, action=N_("manage users"))
    elif listing:
        access.require_listing(session, kind, case_id)
    else:
        access.require(session, kind, Action.VIEW, case_id)


def history(session: Session, table: str, record_id: str) -> list[Version]:
    """Earlier versions of one record, oldest first (audited as a view)."""
    with session.lock:
        rows = session.connection.execute(
            "SELECT v.version, v.content, v.reason, v.corrected_by,"
            " coalesce(nullif(u.display_name, ''), u.username, ''), v.corrected_at, v.case_id"
            " FROM record_versions v LEFT JOIN users u ON u.id = v.corrected_by"
            " WHERE v.record_table = ? AND v.record_id = ? ORDER BY v.version",
            (table, record_id)).fetchall()
    case_id = rows[0][6] or "" if rows else ""
    _require_view(session, table, case_id)
    with session.lock, transaction(session.connection) as connection:
        audit.append(connection, session.user.id, "record.history", table, record_id)
    # Sealed cells (legal, medical, evidence) were kept as they were stored: opened here.
    return [Version(r[0], session.compartments.open_row(table, json.loads(r[1])), r[2], r[3],
                    r[4], to_datetime(r[5])) for r in rows]


@dataclass(frozen=True)
class CorrectionMark:
    """"corrected by … on …" for one record: its latest correction."""

    versions: int
    corrected_by_name: str
    corrected_at: datetime | None


def marks_for_case(session: Session, table: str, case_id: str) -> dict[str, CorrectionMark]:
    """record id → its latest correction, for the records of one case in one table."""
    _require_view(session, table, case_id, listing=True)
    with session.lock:
        rows = session.connection.execute(
            "SELECT v.record_id, v.version, coalesce(nullif(u.display_name, ''), u.username, ''),"
            " v.corrected_at FROM record_versions v LEFT JOIN users u ON u.id = v.corrected_by"
            " WHERE v.record_table = ? AND v.case_id = ? ORDER BY v.version",
            (table, case_id)).fetchall()
    return {r[0]: CorrectionMark(r[1], r[2], to_datetime(r[3])) for r in rows}
