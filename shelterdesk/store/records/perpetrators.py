"""Perpetrators as the client describes them, linked to evidence; never in anonymized output."""

from __future__ import annotations

from shelterdesk.domain.evidence import Perpetrator
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records.corrections import keep_version
from shelterdesk.store.rows import NotFound, dumps, ensure_valid, loads, new_id, now, touch
from shelterdesk.store.vault import Session

COLUMNS = "id, case_id, roles, relationship, sex, nationality, description, accounts, phones"


def _values(session: Session, p: Perpetrator) -> tuple:
    """The stored values: the description, accounts and phones sealed (evidence key)."""
    def sealed(column: str, value: str) -> str:
        return session.seal("perpetrators", column, p.id, value)

    return (dumps(p.roles), p.relationship, p.sex, p.nationality,
            sealed("description", p.description.strip()), sealed("accounts", dumps(p.accounts)),
            sealed("phones", dumps(p.phones)))


def _link_evidence(connection, perpetrator: Perpetrator) -> None:
    connection.execute("DELETE FROM perpetrator_evidence WHERE perpetrator_id = ?",
                       (perpetrator.id,))
    for evidence_id in perpetrator.evidence_ids:
        found = connection.execute("SELECT case_id FROM evidence_items WHERE id = ?",
                                   (evidence_id,)).fetchone()
        if found is None or found[0] != perpetrator.case_id:
            raise NotFound(kind="evidence")
        connection.execute("INSERT INTO perpetrator_evidence VALUES (?, ?)",
                           (perpetrator.id, evidence_id))


def add_perpetrator(session: Session, perpetrator: Perpetrator) -> Perpetrator:
    access.require(session, Kind.PERPETRATOR, Action.CREATE, perpetrator.case_id)
    ensure_valid(perpetrator.validate())
    perpetrator.id = new_id()
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        connection.execute(
            f"INSERT INTO perpetrators ({COLUMNS}, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (perpetrator.id, perpetrator.case_id, *_values(session, perpetrator), stamp, stamp))
        _link_evidence(connection, perpetrator)
        touch(connection, perpetrator.case_id, stamp)
        audit.append(connection, session.user.id, "perpetrator.add", "case",
                     perpetrator.case_id)
    return perpetrator


def update_perpetrator(session: Session, perpetrator: Perpetrator, reason: str = "") -> None:
    """Correct a perpetrator's description; the earlier version is kept (record history)."""
    access.require(session, Kind.PERPETRATOR, Action.EDIT, perpetrator.case_id)
    ensure_valid(perpetrator.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        found = connection.execute("SELECT case_id FROM perpetrators WHERE id = ?",
                                   (perpetrator.id,)).fetchone()
        if found is None or found[0] != perpetrator.case_id:
            raise NotFound(kind="perpetrator")
        keep_version(connection, "perpetrators", perpetrator.id, reason=reason,
                     user_id=session.user.id, stamp=stamp)
        cursor = connection.execute(
            "UPDATE perpetrators SET roles = ?, relationship = ?, sex = ?, nationality = ?,"
            " description = ?, accounts = ?, phones = ?, updated_at = ?"
            " WHERE id = ? AND case_id = ?",
            (*_values(session, perpetrator), stamp, perpetrator.id, perpetrator.case_id))
        if cursor.rowcount != 1:
            raise NotFound(kind="perpetrator")
        _link_evidence(connection, perpetrator)
        touch(connection, perpetrator.case_id, stamp)
        audit.append(connection, session.user.id, "perpetrator.edit", "case",
                     perpetrator.case_id)


def list_perpetrators(session: Session, case_id: str) -> list[Perpetrator]:
    sealed = access.require_listing(session, Kind.PERPETRATOR, case_id)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM perpetrators WHERE case_id = ? ORDER BY created_at",
            (case_id,)).fetchall()
        links = session.connection.execute(
            "SELECT pe.perpetrator_id, pe.evidence_id FROM perpetrator_evidence pe"
            " JOIN perpetrators p ON p.id = pe.perpetrator_id WHERE p.case_id = ?",
            (case_id,)).fetchall()
    evidence: dict[str, list[str]] = {}
    for perpetrator_id, evidence_id in links:
        evidence.setdefault(perpetrator_id, []).append(evidence_id)
    def opened(row: tuple, column: str, index: int) -> str:
        if sealed:  # a case worker: roles and codes only, the description stays sealed
            return "" if column == "description" else "[]"
        return session.unseal("perpetrators", column, row[0], row[index])

    return [Perpetrator(id=r[0], case_id=r[1], roles=loads(r[2]), relationship=r[3], sex=r[4],
                        nationality=r[5], description=opened(r, "description", 6),
                        accounts=loads(opened(r, "accounts", 7)),
                        phones=loads(opened(r, "phones", 8)),
                        evidence_ids=sorted(evidence.get(r[0], [])), sealed=sealed)
            for r in rows]
