"""Services delivered on a case: legal consultations, medical services and the other kinds.

Each kind has its own permission: legal content only for legal advisors and
coordinators, medical content only for medical staff and coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shelterdesk.domain.care import LegalConsultation, MedicalService, OtherService
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.rows import ensure_valid, iso, new_id, now, to_date, touch
from shelterdesk.store.vault import Session


@dataclass(frozen=True)
class _Table:
    name: str
    kind: Kind
    columns: tuple[str, ...]  # after id and case_id
    staff_column: str
    record: type

    def values(self, record: Any, session: Session | None = None) -> tuple:
        """The stored values; with a session, the compartment's columns sealed under its key
        (store/keys/compartments.py)."""
        values = tuple(_stored(getattr(record, column)) for column in self.columns)
        if session is None:
            return values
        return tuple(session.seal(self.name, column, record.id, value)
                     for column, value in zip(self.columns, values, strict=True))

    def build(self, row: tuple, session: Session | None = None) -> Any:
        fields = dict(zip(("id", "case_id", *self.columns), row, strict=True))
        if session is not None:
            fields = {name: session.unseal(self.name, name, fields["id"], value)
                      for name, value in fields.items()}
        for name in ("date", "next_step_date", "follow_up_date"):
            if name in fields:
                fields[name] = to_date(fields[name])
        if "interpreter_used" in fields:
            fields["interpreter_used"] = bool(fields["interpreter_used"])
        return self.record(**fields)


def _stored(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return iso(value)
    if isinstance(value, bool):
        return int(value)
    return value


LEGAL = _Table("legal_consultations", Kind.LEGAL,
               ("date", "topic", "summary", "outcome", "next_step", "next_step_date",
                "duration_minutes", "interpreter_used"), "advisor_id", LegalConsultation)
MEDICAL = _Table("medical_services", Kind.MEDICAL,
                 ("date", "kind", "summary", "provider", "follow_up_date"), "staff_id",
                 MedicalService)
OTHER = _Table("other_services", Kind.SERVICE,
               ("date", "kind", "description", "provider_org_id"), "staff_id", OtherService)


def _add(session: Session, table: _Table, record: Any) -> Any:
    access.require(session, table.kind, Action.CREATE, record.case_id)
    ensure_valid(record.validate())
    record.id = new_id()
    columns = ", ".join(("id", "case_id", *table.columns, table.staff_column, "created_at"))
    marks = ", ".join("?" * (len(table.columns) + 4))
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",
                           (record.id, record.case_id, *table.values(record, session),
                            session.user.id, stamp))
        touch(connection, record.case_id, stamp)
        audit.append(connection, session.user.id, f"{table.kind.value}.add", "case",
                     record.case_id, record=record.id)
    return record


def _list(session: Session, table: _Table, case_id: str) -> list[Any]:
    access.require(session, table.kind, Action.VIEW, case_id)
    columns = ", ".join(("id", "case_id", *table.columns))
    with session.lock, transaction(session.connection) as connection:
        rows = connection.execute(
            f"SELECT {columns} FROM {table.name} WHERE case_id = ? ORDER BY date DESC,"
            " created_at DESC", (case_id,)).fetchall()
        audit.append(connection, session.user.id, f"{table.kind.value}.view", "case", case_id)
    return [table.build(row, session) for row in rows]


def add_legal_consultation(session: Session, record: LegalConsultation) -> LegalConsultation:
    return _add(session, LEGAL, record)


def list_legal_consultations(session: Session, case_id: str) -> list[LegalConsultation]:
    return _list(session, LEGAL, case_id)


def add_medical_service(session: Session, record: MedicalService) -> MedicalService:
    return _add(session, MEDICAL, record)


def list_medical_services(session: Session, case_id: str) -> list[MedicalService]:
    return _list(session, MEDICAL, case_id)


def add_other_service(session: Session, record: OtherService) -> OtherService:
    return _add(session, OTHER, record)


def list_other_services(session: Session, case_id: str) -> list[OtherService]:
    return _list(session, OTHER, case_id)
