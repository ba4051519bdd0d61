"""Consents per case and purpose: recorded, checked before anything leaves, withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from shelterdesk.domain.errors import UserFacingError, ValidationFailed
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.tasks import SEES_ALL_FOLLOW_UPS
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.records import corrections
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

COLUMNS = ("id, case_id, purpose, method, to_org_id, scope, given_on, expires_on, "
           "withdrawn_on, details, superseded_by")


class ConsentWithdrawn(UserFacingError):
    message = N_("A withdrawn consent cannot be amended: record a new consent instead.")


class ConsentAlreadyAmended(UserFacingError):
    message = N_("This consent has already been amended: amend its newest version.")


class NoConsentToAmend(UserFacingError):
    message = N_("There is no consent in force for this purpose and organisation to amend.")


class NoConsentToWithdraw(UserFacingError):
    message = N_("There is no consent in force for this purpose and organisation to withdraw.")


def consent_from_row(row) -> Consent:
    return Consent(id=row[0], case_id=row[1], purpose=row[2], method=row[3], to_org_id=row[4],
                   scope=row[5], given_on=to_date(row[6]), expires_on=to_date(row[7]),
                   withdrawn_on=to_date(row[8]), details=loads(row[9]) or ["name"],
                   superseded_by=row[10] or "")


def insert_consent(connection: Connection, consent: Consent, recorded_by: str,
                   stamp: str) -> None:
    consent.id = consent.id or new_id()
    connection.execute(
        f"INSERT INTO consents ({COLUMNS}, recorded_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (consent.id, consent.case_id, consent.purpose, consent.method, consent.to_org_id,
         consent.scope, iso(consent.given_on), iso(consent.expires_on),
         iso(consent.withdrawn_on), dumps(consent.details), consent.superseded_by, recorded_by,
         stamp))


def add_consent(session: Session, consent: Consent) -> Consent:
    access.require(session, Kind.CONSENT, Action.CREATE, consent.case_id)
    ensure_valid(consent.validate())
    with session.lock, transaction(session.connection) as connection:
        stamp = now()
        insert_consent(connection, consent, session.user.id, stamp)
        touch(connection, consent.case_id, stamp)
        audit.append(connection, session.user.id, "consent.add", "case", consent.case_id,
                     purpose=consent.purpose, details=sorted(consent.details))
    return consent


def list_consents(session: Session, case_id: str, *,
                  current_only: bool = False) -> list[Consent]:
    """The consents of a case; ``current_only`` leaves out versions an amendment replaced."""
    access.require(session, Kind.CONSENT, Action.VIEW, case_id)
    current = " AND superseded_by = ''" if current_only else ""
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM consents WHERE case_id = ?{current}"
            " ORDER BY given_on, created_at", (case_id,)).fetchall()
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


def withdraw_consent(session: Session, consent_id: str, on: date | None = None) -> Consent:
    """Withdraw one recorded consent (the client's own words: "I take this back")."""
    consent = get_consent(session, consent_id)
    access.require(session, Kind.CONSENT, Action.CREATE, consent.case_id)
    on = on or date.today()
    if not consent.in_force(on):
        raise NoConsentToWithdraw()
    with session.lock, transaction(session.connection) as connection:
        connection.execute("UPDATE consents SET withdrawn_on = ? WHERE id = ?",
                           (iso(on), consent_id))
        touch(connection, consent.case_id)
        audit.append(connection, session.user.id, "consent.withdraw", "case", consent.case_id,
                     purpose=consent.purpose, count=1)
    consent.withdrawn_on = on
    return consent


KEEP: Any = object()  # amend_consent: leave this field as it is


def amend_consent(session: Session, consent_id: str, *, details: list[str] | None = None,
                  purpose: str | None = None, to_org_id: str | None = None,
                  method: str | None = None, given_on: date | None = None,
                  expires_on: Any = KEEP, reason: str = "") -> Consent:
    """Correct a consent by recording a new version that supersedes it.

    The old row stays (referrals sent under it keep pointing at it) and becomes the
    newest earlier version in the new row's history; only the new row can be in force.
    """
    old = get_consent(session, consent_id)
    access.require(session, Kind.CONSENT, Action.EDIT, old.case_id)
    if old.withdrawn_on is not None:
        raise ConsentWithdrawn()
    if old.superseded_by:
        raise ConsentAlreadyAmended()
    reason = reason.strip()
    if len(reason) > corrections.MAX_REASON:
        raise ValidationFailed([Problem("reason", N_("is longer than {limit} characters"),
                                        {"limit": corrections.MAX_REASON})])
    new = replace(old, id="", superseded_by="",
                  details=list(details) if details is not None else list(old.details),
                  purpose=purpose if purpose is not None else old.purpose,
                  to_org_id=to_org_id if to_org_id is not None else old.to_org_id,
                  method=method if method is not None else old.method,
                  given_on=given_on if given_on is not None else old.given_on,
                  expires_on=old.expires_on if expires_on is KEEP else expires_on)
    ensure_valid(new.validate())
    with session.lock, transaction(session.connection) as connection:
        # Checked again inside the transaction: another window may have amended it meanwhile.
        state = connection.execute(
            "SELECT withdrawn_on, superseded_by FROM consents WHERE id = ?",
            (old.id,)).fetchone()
        if state[0]:
            raise ConsentWithdrawn()
        if state[1]:
            raise ConsentAlreadyAmended()
        stamp = now()
        insert_consent(connection, new, session.user.id, stamp)
        corrections.carry_versions(connection, "consents", old.id, new.id)
        corrections.keep_version(connection, "consents", old.id, reason=reason,
                                 user_id=session.user.id, stamp=stamp, version_of=new.id)
        connection.execute("UPDATE consents SET superseded_by = ? WHERE id = ?",
                           (new.id, old.id))
        touch(connection, old.case_id, stamp)
        audit.append(connection, session.user.id, "consent.amend", "case", old.case_id,
                     purpose=new.purpose, details=sorted(new.details), supersedes=old.id)
    old.superseded_by = new.id
    return new


def get_consent(session: Session, consent_id: str) -> Consent:
    with session.lock:
        row = session.connection.execute(f"SELECT {COLUMNS} FROM consents WHERE id = ?",
                                         (consent_id,)).fetchone()
    if row is None:
        raise NotFound(kind="consent")
    access.require(session, Kind.CONSENT, Action.VIEW, row[1])
    return consent_from_row(row)


@dataclass(frozen=True)
class ExpiringConsent:
    consent: Consent
    case_code: str
    org_name: str  # empty when the consent is not limited to one organisation


def expiring_consents(session: Session, today: date | None = None, *, days_ahead: int = 7,
                      days_back: int = 30, mine_only: bool = True) -> list[ExpiringConsent]:
    """Consents of open cases that run out within the next days or ran out lately, unrenewed.

    A consent counts as renewed when another one covers the same purpose and
    organisation on the day after it expires. "Mine": cases assigned to the user
    or consents the user recorded.
    """
    access.require(session, Kind.CONSENT, Action.VIEW)
    if not mine_only:
        session.require_role(*SEES_ALL_FOLLOW_UPS, action=N_("see the follow-ups of every case"))
    today = today or date.today()
    cols = ", ".join(f"k.{c.strip()}" for c in COLUMNS.split(","))
    params: list = [iso(today - timedelta(days=days_back)), iso(today + timedelta(days=days_ahead))]
    mine = ""
    if mine_only:
        mine = " AND (c.assigned_worker_id = ? OR k.recorded_by = ?)"
        params += [session.user.id, session.user.id]
    found: list[ExpiringConsent] = []
    with session.lock:
        connection = session.connection
        rows = connection.execute(
            f"SELECT {cols}, c.case_code, coalesce(o.name, '') FROM consents k"
            " JOIN cases c ON c.id = k.case_id LEFT JOIN organisations o ON o.id = k.to_org_id"
            " WHERE k.withdrawn_on IS NULL AND k.superseded_by = ''"
            " AND k.expires_on BETWEEN ? AND ?"
            f" AND c.status NOT IN ('closed', 'closed_referred'){mine}"
            " ORDER BY k.expires_on, c.case_code", params).fetchall()
        for row in rows:
            consent = consent_from_row(row[:11])
            assert consent.expires_on is not None
            renewed = consent_in_force(connection, consent.case_id, consent.purpose,
                                       consent.to_org_id,
                                       consent.expires_on + timedelta(days=1))
            if renewed is None:
                found.append(ExpiringConsent(consent, row[11], row[12]))
    return found


def referral_consent(session: Session, case_id: str, org_id: str,
                     on: date | None = None) -> Consent | None:
    """The referral consent in force for this organisation on that day (default today)."""
    return consent_for(session, case_id, "referral", org_id, on)


def consent_for(session: Session, case_id: str, purpose: str, org_id: str,
                on: date | None = None) -> Consent | None:
    """The consent in force for this purpose and organisation on that day (default today)."""
    access.require(session, Kind.CONSENT, Action.VIEW, case_id)
    with session.lock:
        return consent_in_force(session.connection, case_id, purpose, org_id,
                                on or date.today())


def amend_in_force(session: Session, case_id: str, purpose: str, org_id: str,
                   **changes: Any) -> Consent:
    """Amend the consent in force for the purpose and organisation (the CLI's way in)."""
    consent = consent_for(session, case_id, purpose, org_id)
    if consent is None:
        raise NoConsentToAmend()
    return amend_consent(session, consent.id, **changes)
