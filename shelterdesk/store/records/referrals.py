"""Referrals to other organisations: recorded with their consent, then tracked to an outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referral_numbers import (
    device_candidates,
    format_number,
)
from shelterdesk.domain.referral_numbers import normalize as normalize_number
from shelterdesk.domain.referral_numbers import parse as parse_number
from shelterdesk.domain.referrals import Referral, can_move, status_change_problems
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records.consents import consent_in_force
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

COLUMNS = ("id, case_id, to_org_id, services, urgency, status, referred_on, outcome,"
           " anonymized, consent_id, override_reason, number")
DEVICE_COMPONENT = "referral_device_component"  # in meta: this laptop's own, never synced


class ConsentRequired(UserFacingError):
    message = N_(
        "An identified referral needs the client's consent for a referral to this "
        "organisation, recorded, not expired and not withdrawn. Record the consent, send an "
        "anonymized sheet instead, or (coordinators, emergencies only) override with a reason.")


class OverrideNotAllowed(UserFacingError):
    message = N_("Only a coordinator can override the consent check, and only with a reason.")


class InvalidTransition(UserFacingError):
    message = N_("A referral cannot go from “{current}” to “{new}”.")


def _from_row(row) -> Referral:
    return Referral(id=row[0], case_id=row[1], to_org_id=row[2], services=loads(row[3]),
                    urgency=row[4], status=row[5], referred_on=to_date(row[6]), outcome=row[7],
                    anonymized=bool(row[8]), consent_id=row[9], override_reason=row[10],
                    number=row[11])


def _device_component(connection) -> str:
    """This laptop's two symbols: kept in its meta; chosen once, free in the whole vault."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?",
                             (DEVICE_COMPONENT,)).fetchone()
    if row:
        return row[0]
    device_id = connection.execute("SELECT device_id FROM sync_state").fetchone()[0]
    used = {parsed[1] for (number,) in connection.execute(
        "SELECT number FROM referrals WHERE number != ''") if (parsed := parse_number(number))}
    component = next(c for c in device_candidates(device_id) if c not in used)
    connection.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                       (DEVICE_COMPONENT, component))
    return component


def allocate_number(connection, on: date) -> str:
    """The next readable number of this laptop for the year (inside the caller's transaction)."""
    return number_allocator(connection)(on)


def number_allocator(connection) -> Callable[[date], str]:
    """Numbers for several new referrals in one transaction (bulk writers such as demo data):
    each year's highest running number of this laptop is read once, then counted on."""
    component = _device_component(connection)
    highest: dict[int, int] = {}

    def allocate(on: date) -> str:
        if on.year not in highest:
            top = 0
            for (number,) in connection.execute(
                    "SELECT number FROM referrals WHERE number LIKE ?",
                    (f"R-{on.year % 100:02d}-{component}-%",)):
                parsed = parse_number(number)
                if parsed:
                    top = max(top, parsed[2])
            highest[on.year] = top
        highest[on.year] += 1
        return format_number(on.year, component, highest[on.year])

    return allocate


def ensure_number(session: Session, referral: Referral) -> Referral:
    """A referral made before numbers existed gets one when it is printed again."""
    if referral.number:
        return referral
    with session.lock, transaction(session.connection) as connection:
        referral.number = allocate_number(connection, referral.referred_on)
        connection.execute("UPDATE referrals SET number = ? WHERE id = ? AND number = ''",
                           (referral.number, referral.id))
    return referral


def referral_id_for_number(session: Session, number: str) -> str:
    """The internal id of a referral named by its readable number."""
    with session.lock:
        row = session.connection.execute("SELECT id FROM referrals WHERE number = ?",
                                         (normalize_number(number),)).fetchone()
    if row is None:
        raise NotFound(kind="referral")
    return row[0]


def create_referral(session: Session, referral: Referral, *,
                    override_reason: str = "") -> Referral:
    """Record a referral. Identified ones need consent in force, or a coordinator's override."""
    access.require(session, Kind.REFERRAL, Action.CREATE, referral.case_id)
    ensure_valid(referral.validate())
    override_reason = override_reason.strip()
    with session.lock, transaction(session.connection) as connection:
        if not connection.execute("SELECT 1 FROM organisations WHERE id = ?",
                                  (referral.to_org_id,)).fetchone():
            raise NotFound(kind="organisation")
        if not referral.anonymized:
            consent = consent_in_force(connection, referral.case_id, "referral",
                                       referral.to_org_id, referral.referred_on)
            if consent is not None:
                referral.consent_id = consent.id
            elif override_reason:
                if not session.user.has_role(Role.COORDINATOR):
                    raise OverrideNotAllowed()
                referral.override_reason = override_reason
            else:
                raise ConsentRequired()
        referral.id = new_id()
        referral.number = allocate_number(connection, referral.referred_on)
        stamp = now()
        connection.execute(
            f"INSERT INTO referrals ({COLUMNS}, status_changed_on, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (referral.id, referral.case_id, referral.to_org_id, dumps(referral.services),
             referral.urgency, referral.status, iso(referral.referred_on), referral.outcome,
             int(referral.anonymized), referral.consent_id, referral.override_reason,
             referral.number, iso(referral.referred_on), session.user.id, stamp))
        touch(connection, referral.case_id, stamp)
        # The reason is the coordinator's words about an emergency: kept, but not personal data
        # by instruction of the form; the audit row records that an override happened.
        audit.append(connection, session.user.id, "referral.create", "case", referral.case_id,
                     referral=referral.id, anonymized=referral.anonymized,
                     consent_override=bool(referral.override_reason))
    return referral


def get_referral(session: Session, referral_id: str) -> Referral:
    with session.lock:
        row = session.connection.execute(f"SELECT {COLUMNS} FROM referrals WHERE id = ?",
                                         (referral_id,)).fetchone()
    if row is None:
        raise NotFound(kind="referral")
    access.require(session, Kind.REFERRAL, Action.VIEW, row[1])
    return _from_row(row)


class AmbiguousReferral(UserFacingError):
    message = N_("Several referrals begin with “{number}”; give more of the number.")


def resolve_referral_id(session: Session, number: str) -> str:
    """The id of the referral a person names by its number (the id on the form) or its start."""
    value = number.strip().lower()
    if len(value) < 8:
        raise NotFound(kind="referral")
    with session.lock:
        rows = session.connection.execute(
            "SELECT id FROM referrals WHERE id = ? OR substr(id, 1, ?) = ? LIMIT 2",
            (value, len(value), value)).fetchall()
    if len(rows) > 1:
        raise AmbiguousReferral(number=number)
    if not rows:
        raise NotFound(kind="referral")
    return rows[0][0]


def set_status(session: Session, referral_id: str, new_status: str, *, outcome: str = "",
               on: date | None = None) -> Referral:
    referral = get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EDIT, referral.case_id)
    if not can_move(referral.status, new_status):
        raise InvalidTransition(current=referral.status, new=new_status)
    on = on or date.today()
    with session.lock:
        last_change = to_date(session.connection.execute(
            "SELECT status_changed_on FROM referrals WHERE id = ?", (referral_id,)).fetchone()[0])
    referral.outcome = outcome.strip() or referral.outcome
    ensure_valid(status_change_problems(referral, new_status, on, last_change))
    referral.status = new_status
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "UPDATE referrals SET status = ?, outcome = ?, status_changed_on = ? WHERE id = ?",
            (new_status, referral.outcome, iso(on), referral_id))
        touch(connection, referral.case_id)
        audit.append(connection, session.user.id, "referral.status", "case", referral.case_id,
                     referral=referral_id, status=new_status)
    return referral


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    case_code: str
    org_name: str
    status_changed_on: str


def list_referrals(session: Session, *, status: str = "", case_id: str = "",
                   to_org_id: str = "", limit: int = 500) -> list[ReferralRow]:
    access.require(session, Kind.REFERRAL, Action.VIEW, case_id)
    clauses, params = [], []
    for column, value in (("r.status", status), ("r.case_id", case_id),
                          ("r.to_org_id", to_org_id)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = " AND ".join(clauses) or "1"
    cols = ", ".join(f"r.{c.strip()}" for c in COLUMNS.split(","))
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {cols}, c.case_code, o.name, r.status_changed_on FROM referrals r"
            " JOIN cases c ON c.id = r.case_id JOIN organisations o ON o.id = r.to_org_id"
            f" WHERE {where} ORDER BY r.referred_on DESC, r.created_at DESC LIMIT ?",
            (*params, limit)).fetchall()
    return [ReferralRow(_from_row(r[:12]), r[12], r[13], r[14]) for r in rows]


def recorded_by(session: Session, referral_id: str) -> str:
    """The display name of the user who recorded the referral (for an override: who overrode)."""
    referral = get_referral(session, referral_id)
    with session.lock:
        row = session.connection.execute(
            "SELECT coalesce(nullif(u.display_name, ''), u.username, '') FROM referrals r"
            " LEFT JOIN users u ON u.id = r.created_by WHERE r.id = ?",
            (referral.id,)).fetchone()
    return row[0] if row else ""
