"""Consents per case and purpose: recorded, checked before anything leaves, withdrawn."""

from __future__ import annotations

from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.rows import NotFound, ensure_valid, iso, new_id, now, to_date, touch
from shelterdesk.store.vault import Session

COLUMNS = ("id, case_id, purpose, method, to_org_id, scope, given_on, expires_on, "
           "withdrawn_on")


class NoConsentToWithdraw(UserFacingError):
    message = N_("There is no consent in force for this purpose and organisation to withdraw.")


def consent_from_row(row) -> Consent:
    return Consent(id=row[0], case_id=row[1], purpose=row[2], method=row[3], to_org_id=row[4],
                   scope=row[5], given_on=to_date(row[6]), expires_on=to_date(row[7]),
                   withdrawn_on=to_date(row[8]))


def insert_consent(connection: Connection, consent: Consent, recorded_by: str,
                   stamp: str) -> None:
    consent.id = consent.id or new_id()
    connection.execute(
        f"INSERT INTO consents ({COLUMNS}, recorded_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (consent.id, consent.case_id, consent.purpose, consent.method, consent.to_org_id,
         consent.scope, iso(consent.given_on), iso(consent.expires_on),
         iso(consent.withdrawn_on), recorded_by, stamp))


def add_consent(session: Session, consent: Consent) -> Consent:
    access.require(session, Kind.CONSENT, Action.CREATE, consent.case_id)
    ensure_valid(consent.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        insert_consent(connection, consent, session.user.id, stamp)
        touch(connection, consent.case_id, stamp)
        audit.append(connection, session.user.id, "consent.add", "case", consent.case_id,
                     purpose=consent.purpose)
    return consent


def list_consents(session: Session, case_id: str) -> list[Consent]:
    access.require(session, Kind.CONSENT, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM consents WHERE case_id = ? ORDER BY given_on, created_at",
            (case_id,)).fetchall()
    return [consent_from_row(r) for r in rows]


def consent_in_force(connection: Connection, case_id: str, purpose: str, org_id: str,
                     on: date) -> Consent | None:
    """The newest consent that covers this purpose and organisation on that day."""
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM consents WHERE case_id = ? AND purpose = ?"
        " ORDER BY given_on DESC, created_at DESC", (case_id, purpose)).fetchall()
    for row in rows:
        consent = consent_from_row(row)
        if consent.covers(purpose, org_id, on):
            return consent
    return None


def withdraw(session: Session, case_id: str, purpose: str, org_id: str,
             on: date | None = None) -> int:
    """Withdraw every consent in force for the purpose and organisation; returns how many."""
    access.require(session, Kind.CONSENT, Action.CREATE, case_id)
    on = on or date.today()
    with session.lock, transaction(session.connection) as connection:
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM consents WHERE case_id = ? AND purpose = ?",
            (case_id, purpose)).fetchall()
        targets = [c for c in map(consent_from_row, rows) if c.covers(purpose, org_id, on)]
        if not targets:
            raise NoConsentToWithdraw()
        for consent in targets:
            connection.execute("UPDATE consents SET withdrawn_on = ? WHERE id = ?",
                               (iso(on), consent.id))
        touch(connection, case_id)
        audit.append(connection, session.user.id, "consent.withdraw", "case", case_id,
                     purpose=purpose, count=len(targets))
    return len(targets)


def get_consent(session: Session, consent_id: str) -> Consent:
    with session.lock:
        row = session.connection.execute(f"SELECT {COLUMNS} FROM consents WHERE id = ?",
                                         (consent_id,)).fetchone()
    if row is None:
        raise NotFound(kind="consent")
    access.require(session, Kind.CONSENT, Action.VIEW, row[1])
    return consent_from_row(row)
