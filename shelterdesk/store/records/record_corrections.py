"""Correcting saved records of a case: the earlier version is kept, the change audited.

Legal and medical corrections need a reason. Evidence corrections change its
description only (kind, platform, link, description), never the file or its
hash. Stay dates are corrected by a coordinator, and never so that two stays
of one bed or of one client overlap.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shelterdesk.domain.care import LegalConsultation, MedicalService, OtherService
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Stay
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records import search
from shelterdesk.store.records.care import LEGAL, MEDICAL, OTHER, _Table
from shelterdesk.store.records.corrections import keep_version, require_reason
from shelterdesk.store.rows import NotFound, ensure_valid, iso, now, touch
from shelterdesk.store.vault import Session


class StaysOverlap(UserFacingError):
    message = N_("These dates overlap another stay of the same bed or the same client.")


def _case_of(session: Session, table: str, record_id: str, kind: str) -> str:
    with session.lock:
        row = session.connection.execute(f"SELECT case_id FROM {table} WHERE id = ?",
                                          (record_id,)).fetchone()
    if row is None:
        raise NotFound(kind=kind)
    return row[0]


def _correct_care(session: Session, table: _Table, record: Any, reason: str,
                  reason_required: bool) -> Any:
    case_id = _case_of(session, table.name, record.id, table.kind.value)
    # The stored case decides the permission, never the case the caller claims.
    access.require(session, table.kind, Action.EDIT, case_id)
    if reason_required:
        reason = require_reason(reason)
    record.case_id = case_id
    ensure_valid(record.validate())
    assignments = ", ".join(f"{column} = ?" for column in table.columns)
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        keep_version(connection, table.name, record.id, reason=reason,
                     user_id=session.user.id, stamp=stamp)
        connection.execute(f"UPDATE {table.name} SET {assignments} WHERE id = ?",
                           (*table.values(record, session), record.id))
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, f"{table.kind.value}.correct", "case",
                     case_id, record=record.id)
    return record


def correct_legal_consultation(session: Session, record: LegalConsultation,
                               reason: str) -> LegalConsultation:
    return _correct_care(session, LEGAL, record, reason, reason_required=True)


def correct_medical_service(session: Session, record: MedicalService,
                            reason: str) -> MedicalService:
    return _correct_care(session, MEDICAL, record, reason, reason_required=True)


def correct_other_service(session: Session, record: OtherService,
                          reason: str = "") -> OtherService:
    return _correct_care(session, OTHER, record, reason, reason_required=False)


def correct_note(session: Session, note: Note, reason: str = "") -> Note:
    case_id = _case_of(session, "notes", note.id, "note")
    access.require(session, Kind.NOTE, Action.EDIT, case_id)
    note.case_id = case_id
    ensure_valid(note.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        keep_version(connection, "notes", note.id, reason=reason, user_id=session.user.id,
                     stamp=stamp)
        connection.execute("UPDATE notes SET body = ? WHERE id = ?", (note.body, note.id))
        search.index_case(connection, case_id)
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "note.correct", "case", case_id,
                     record=note.id)
    return note


def correct_follow_up(session: Session, task: FollowUp, reason: str = "") -> FollowUp:
    case_id = _case_of(session, "follow_ups", task.id, "follow-up")
    access.require(session, Kind.FOLLOW_UP, Action.EDIT, case_id)
    task.case_id = case_id
    ensure_valid(task.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        keep_version(connection, "follow_ups", task.id, reason=reason,
                     user_id=session.user.id, stamp=stamp)
        connection.execute(
            "UPDATE follow_ups SET due_on = ?, kind = ?, description = ?,"
            " assigned_to = coalesce(nullif(?, ''), assigned_to) WHERE id = ?",
            (iso(task.due_on), task.kind, task.description.strip(), task.assigned_to, task.id))
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "follow_up.correct", "case", case_id,
                     record=task.id)
    return task


def correct_evidence(session: Session, item: EvidenceItem, reason: str = "") -> None:
    """Change what is said about a file (kind, platform, link, description), never the file."""
    case_id = _case_of(session, "evidence_items", item.id, "evidence")
    access.require(session, Kind.EVIDENCE, Action.VIEW, case_id)  # not for a writer only
    access.require(session, Kind.EVIDENCE, Action.EDIT, case_id)
    with session.lock:
        stored = session.connection.execute(
            "SELECT size, sha256 FROM evidence_items WHERE id = ?", (item.id,)).fetchone()
    # Validate as the stored item: a file kept inside satisfies "a file or a link".
    probe = replace(item, case_id=case_id, content=b"\0" if stored[0] else b"")
    ensure_valid(probe.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        keep_version(connection, "evidence_items", item.id, reason=reason,
                     user_id=session.user.id, stamp=stamp)
        connection.execute(
            "UPDATE evidence_items SET kind = ?, platform = ?, source_link = ?, description = ?"
            " WHERE id = ?", (item.kind, item.platform,
                              session.seal("evidence_items", "source_link", item.id,
                                           item.source_link.strip()),
                              session.seal("evidence_items", "description", item.id,
                                           item.description.strip()), item.id))
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "evidence.correct", "case", case_id,
                     evidence=item.id, sha256=stored[1])


def correct_stay_dates(session: Session, stay_id: str, admitted_on: date,
                       discharged_on: date | None, reason: str) -> Stay:
    """A coordinator corrects when a stay began or ended (an open stay stays open)."""
    session.require_role(Role.COORDINATOR, action=N_("correct the dates of a stay"))
    case_id = _case_of(session, "stays", stay_id, "stay")
    access.require(session, Kind.STAY, Action.EDIT, case_id)
    reason = require_reason(reason)
    with session.lock:
        row = session.connection.execute(
            "SELECT bed_id, discharged_on, discharge_reason FROM stays WHERE id = ?",
            (stay_id,)).fetchone()
    if row[1] is None and discharged_on is not None:
        discharged_on = None  # an open stay is closed by discharging, not by a correction
    stay = Stay(case_id, row[0], admitted_on, discharged_on, row[2], stay_id)
    ensure_valid(stay.validate())
    with session.lock, transaction(session.connection) as connection:
        far = "9999-12-31"
        for column, value in (("bed_id", stay.bed_id), ("case_id", case_id)):
            if connection.execute(
                    f"SELECT 1 FROM stays WHERE {column} = ? AND id != ?"
                    " AND admitted_on < ? AND coalesce(discharged_on, ?) > ?",
                    (value, stay_id, iso(discharged_on) or far, far,
                     iso(admitted_on))).fetchone():
                raise StaysOverlap()
        stamp = now()
        keep_version(connection, "stays", stay_id, reason=reason, user_id=session.user.id,
                     stamp=stamp)
        connection.execute("UPDATE stays SET admitted_on = ?, discharged_on = ? WHERE id = ?",
                           (iso(admitted_on), iso(discharged_on), stay_id))
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "stay.correct", "case", case_id,
                     stay=stay_id)
    return stay

