"""Clients and their cases: intake, reading a file, changes, and the case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain import case_codes
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.closure import CLOSED_STATUSES
from shelterdesk.domain.errors import UserFacingError, ValidationFailed
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import Connection, IntegrityError, transaction
from shelterdesk.store.records import search
from shelterdesk.store.records.consents import insert_consent
from shelterdesk.store.rows import (
    NotFound,
    dumps,
    ensure_valid,
    iso,
    loads,
    new_id,
    now,
    to_date,
    touch,
)
from shelterdesk.store.vault import Session


class UnknownCaseCode(UserFacingError):
    message = N_("There is no case with the code “{code}” in this vault.")


CLIENT_COLUMNS = ("id, given_name, family_name, other_names, sex, date_of_birth, age_estimate,"
                  " nationality, languages, phone, email, address, document_number, patronymic")
CASE_COLUMNS = ("id, client_id, case_code, status, intake_date, exploitation_types,"
                " recruitment_channel, recruitment_platform, means_of_control, victim_status,"
                " status_decision_date, status_authority, identified_by, countries_origin,"
                " countries_transit, countries_destination, vulnerabilities,"
                " trafficker_relationship, risk_level, interpreter_needed, needs_summary,"
                " assigned_worker_id, interpreter_recorded")


def client_from_row(row) -> Client:
    return Client(id=row[0], given_name=row[1], family_name=row[2], other_names=row[3],
                  sex=row[4], date_of_birth=to_date(row[5]), age_estimate=row[6],
                  nationality=row[7], languages=loads(row[8]), phone=row[9], email=row[10],
                  address=row[11], document_number=row[12], patronymic=row[13])


def case_from_row(row) -> Case:
    return Case(id=row[0], client_id=row[1], case_code=row[2], status=row[3],
                intake_date=to_date(row[4]), exploitation_types=loads(row[5]),
                recruitment_channel=row[6], recruitment_platform=row[7],
                means_of_control=loads(row[8]), victim_status=row[9],
                status_decision_date=to_date(row[10]), status_authority=row[11],
                identified_by=row[12], countries_origin=loads(row[13]),
                countries_transit=loads(row[14]), countries_destination=loads(row[15]),
                vulnerabilities=loads(row[16]), trafficker_relationship=row[17],
                risk_level=row[18], interpreter_needed=interpreter_answer(row[19], row[22]),
                needs_summary=row[20], assigned_worker_id=row[21])


def interpreter_answer(needed: int, recorded: int) -> bool | None:
    """Yes, no, or None (never asked); a 1 from before the question could be skipped is yes."""
    if needed:
        return True
    return False if recorded else None


def client_values(client: Client) -> tuple:
    return (client.given_name.strip(), client.family_name.strip(), client.other_names.strip(),
            client.sex, iso(client.date_of_birth), client.age_estimate, client.nationality,
            dumps(client.languages), client.phone.strip(), client.email.strip(),
            client.address.strip(), client.document_number.strip(), client.patronymic.strip())


def case_values(case: Case) -> tuple:
    return (case.status, iso(case.intake_date), dumps(case.exploitation_types),
            case.recruitment_channel, case.recruitment_platform, dumps(case.means_of_control),
            case.victim_status, iso(case.status_decision_date), case.status_authority,
            case.identified_by, dumps(case.countries_origin), dumps(case.countries_transit),
            dumps(case.countries_destination), dumps(case.vulnerabilities),
            case.trafficker_relationship, case.risk_level, int(bool(case.interpreter_needed)),
            case.needs_summary, case.assigned_worker_id, int(case.interpreter_needed is not None))


def insert_client(connection: Connection, client: Client, stamp: str) -> None:
    connection.execute(
        f"INSERT INTO clients ({CLIENT_COLUMNS}, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (client.id, *client_values(client), stamp, stamp))


def insert_case(connection: Connection, case: Case, prefix: str, stamp: str) -> None:
    """Insert with a fresh random code, retrying on the rare collision."""
    for _attempt in range(20):
        case.case_code = case_codes.generate(prefix, case.intake_date or date.today())
        try:
            connection.execute("SAVEPOINT case_code")
            connection.execute(
                f"INSERT INTO cases ({CASE_COLUMNS}, last_activity_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?)",
                (case.id, case.client_id, case.case_code, *case_values(case), stamp, stamp,
                 stamp))
            connection.execute("RELEASE case_code")
            return
        except IntegrityError:
            connection.execute("ROLLBACK TO case_code")
            connection.execute("RELEASE case_code")
    raise RuntimeError("could not find a free case code")


def create_intake(session: Session, client: Client, case: Case,
                  consents: list[Consent] | None = None) -> Case:
    """A new client with their first case (and consents taken at intake), in one transaction."""
    access.require(session, Kind.CLIENT, Action.CREATE)
    consents = consents or []
    ensure_valid(client.validate() + case.validate()
                 + [p for c in consents for p in c.validate()])
    client.id, case.id = new_id(), new_id()
    case.client_id = client.id
    if not case.assigned_worker_id:
        case.assigned_worker_id = session.user.id
    prefix = session.meta("case_prefix", "SD")
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        insert_client(connection, client, stamp)
        insert_case(connection, case, prefix, stamp)
        for consent in consents:
            consent.case_id = case.id
            insert_consent(connection, consent, session.user.id, stamp)
        search.index_case(connection, case.id)
        audit.append(connection, session.user.id, "case.create", "case", case.id,
                     consents=len(consents))
    return case


def case_id_for_code(session: Session, code: str) -> str:
    with session.lock:
        row = session.connection.execute(
            "SELECT id FROM cases WHERE case_code = ?", (case_codes.normalize(code),)).fetchone()
    if row is None:
        raise UnknownCaseCode(code=code)
    return row[0]


def load_case(connection: Connection, case_id: str) -> tuple[Client, Case]:
    case_row = connection.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ?",
                                  (case_id,)).fetchone()
    if case_row is None:
        raise NotFound(kind="case")
    case = case_from_row(case_row)
    client_row = connection.execute(f"SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?",
                                    (case.client_id,)).fetchone()
    return client_from_row(client_row), case


def get_case(session: Session, case_id: str) -> tuple[Client, Case]:
    """Open a client file (audited as a view)."""
    access.require(session, Kind.CLIENT, Action.VIEW, case_id)
    with session.lock, transaction(session.connection) as connection:
        found = load_case(connection, case_id)
        audit.append(connection, session.user.id, "case.view", "case", case_id)
    return found


def update_client(session: Session, client: Client, case_id: str) -> None:
    access.require(session, Kind.CLIENT, Action.EDIT, case_id)
    ensure_valid(client.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        _update_client_row(connection, client, stamp)
        touch(connection, case_id, stamp)
        audit.append(connection, session.user.id, "client.edit", "case", case_id)


def _update_client_row(connection: Connection, client: Client, stamp: str) -> None:
    cursor = connection.execute(
        "UPDATE clients SET given_name = ?, family_name = ?, other_names = ?, sex = ?,"
        " date_of_birth = ?, age_estimate = ?, nationality = ?, languages = ?, phone = ?,"
        " email = ?, address = ?, document_number = ?, patronymic = ?, updated_at = ?"
        " WHERE id = ?",
        (*client_values(client), stamp, client.id))
    if cursor.rowcount != 1:
        raise NotFound(kind="client")
    for (other_case,) in connection.execute("SELECT id FROM cases WHERE client_id = ?",
                                            (client.id,)).fetchall():
        search.index_case(connection, other_case)


def update_case(session: Session, case: Case) -> None:
    access.require(session, Kind.CLIENT, Action.EDIT, case.id)
    ensure_valid(case.validate())
    with session.lock, transaction(session.connection) as connection:
        _update_case_row(connection, case, now())
        audit.append(connection, session.user.id, "case.edit", "case", case.id)


def _status_unchanged_by_closing(connection: Connection, case: Case) -> None:
    """Closing and reopening have their own steps (a date and a reason): not a status edit."""
    row = connection.execute("SELECT status FROM cases WHERE id = ?", (case.id,)).fetchone()
    if row is not None and (row[0] in CLOSED_STATUSES) != (case.status in CLOSED_STATUSES):
        raise ValidationFailed([Problem("status", N_(
            "close or reopen the case with its own button, which asks for a date and a "
            "reason"))])


def _update_case_row(connection: Connection, case: Case, stamp: str) -> None:
    _status_unchanged_by_closing(connection, case)
    cursor = connection.execute(
        "UPDATE cases SET status = ?, intake_date = ?, exploitation_types = ?,"
        " recruitment_channel = ?, recruitment_platform = ?, means_of_control = ?,"
        " victim_status = ?, status_decision_date = ?, status_authority = ?,"
        " identified_by = ?, countries_origin = ?, countries_transit = ?,"
        " countries_destination = ?, vulnerabilities = ?, trafficker_relationship = ?,"
        " risk_level = ?, interpreter_needed = ?, needs_summary = ?,"
        " assigned_worker_id = ?, interpreter_recorded = ?, updated_at = ?,"
        " last_activity_at = ? WHERE id = ?",
        (*case_values(case), stamp, stamp, case.id))
    if cursor.rowcount != 1:
        raise NotFound(kind="case")


def update_intake(session: Session, client: Client, case: Case) -> None:
    """Correct the person and the case together (the intake form), all or nothing."""
    access.require(session, Kind.CLIENT, Action.EDIT, case.id)
    ensure_valid(client.validate() + case.validate())
    with session.lock, transaction(session.connection) as connection:
        owner = connection.execute("SELECT client_id FROM cases WHERE id = ?",
                                   (case.id,)).fetchone()
        if owner is None or owner[0] != client.id:
            raise NotFound(kind="case")
        stamp = now()
        _update_client_row(connection, client, stamp)
        _update_case_row(connection, case, stamp)
        audit.append(connection, session.user.id, "case.edit", "case", case.id)


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: enough to show, nothing more."""

    case_id: str
    case_code: str
    given_name: str
    family_name: str
    sex: str
    status: str
    risk_level: str
    intake_date: str
    last_activity_at: str
    exploitation_types: list[str]
    recruitment_channel: str
    assigned_worker_id: str
    has_open_stay: bool

    @property
    def initials(self) -> str:
        parts = [p for p in (self.given_name, self.family_name) if p.strip()]
        return "".join(p.strip()[0].upper() + "." for p in parts)
