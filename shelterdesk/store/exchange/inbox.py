"""The receiver's side: referrals opened from sealed files, answered with sealed statuses
(accepted, declined, completed), and identified details erased on the sender's request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from shelterdesk.domain import codes_case
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.validation import Checker
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange import messages
from shelterdesk.store.exchange.identity import confirmed_partner, seal_for_partner
from shelterdesk.store.records import clients, search
from shelterdesk.store.rows import NotFound, ensure_valid, new_id, now
from shelterdesk.store.vault import Session

COLUMNS = ("id, from_org_id, sender_referral_id, number, case_code, payload, status, reason,"
           " outcome, case_id, received_at, status_changed_at, erased_at")


class AlreadyReceived(UserFacingError):
    message = N_("“{file}” holds a referral that is already in the inbox: it was not added "
                 "twice.")


class CannotAnswer(UserFacingError):
    message = N_("A received referral cannot go from “{current}” to “{new}”.")


class EraseForUnknownReferral(UserFacingError):
    message = N_("“{file}” asks to erase a referral that “{name}” never sent here: it was "
                 "refused.")


@dataclass
class Received:
    """A referral in the inbox; ``referral`` is the message's referral part as sent."""

    id: str
    from_org_id: str
    sender_referral_id: str
    number: str
    case_code: str
    referral: dict[str, Any]
    status: str
    reason: str
    outcome: str
    case_id: str
    received_at: str
    status_changed_at: str
    erased_at: str
    from_org_name: str = ""

    @property
    def identified(self) -> dict[str, Any] | None:
        return self.referral.get("identified")


def _from_row(row, name: str = "") -> Received:
    values = list(row[6:13])
    values[3] = values[3] or ""  # case_id: NULL until accepted into a case
    return Received(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), *values,
                    from_org_name=name)


def store_referral(connection, session: Session, message: dict, org_id: str,
                   file_name: str) -> str:
    """Inside the receive transaction: a new inbox entry."""
    referral = message["referral"]
    if connection.execute("SELECT 1 FROM exchange_received WHERE from_org_id = ? AND"
                          " sender_referral_id = ?", (org_id, referral["id"])).fetchone():
        raise AlreadyReceived(file=file_name)
    entry_id, stamp = new_id(), now()
    connection.execute(
        f"INSERT INTO exchange_received ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 'received', '',"
        " '', NULL, ?, ?, '')",
        (entry_id, org_id, referral["id"], str(referral.get("number", ""))[:40],
         str(referral.get("case_code", ""))[:40], json.dumps(referral, ensure_ascii=False),
         stamp, stamp))
    audit.append(connection, session.user.id, "referral.received", "organisation", org_id,
                 entry=entry_id, identified=referral.get("identified") is not None)
    return entry_id


def erase_identified(connection, session: Session, message: dict, org_id: str, org_name: str,
                     file_name: str) -> str:
    """Inside the receive transaction: drop the details that name the client; the
    anonymized part stays so the referral can still be followed."""
    row = connection.execute(
        "SELECT id, payload, case_id FROM exchange_received WHERE from_org_id = ? AND"
        " sender_referral_id = ?", (org_id, message["referral_id"])).fetchone()
    if row is None:
        raise EraseForUnknownReferral(file=file_name, name=org_name)
    entry_id, payload, case_id = row
    referral = json.loads(payload)
    referral["identified"] = None
    named = json.loads(payload).get("identified") or {}
    connection.execute("UPDATE exchange_received SET payload = ?, erased_at = ? WHERE id = ?",
                       (json.dumps(referral, ensure_ascii=False), now(), entry_id))
    if case_id and named:
        _erase_copied(connection, case_id, named, referral.get("number", ""))
    audit.append(connection, session.user.id, "referral.received.erase", "organisation", org_id,
                 entry=entry_id)
    return entry_id


# Client columns a case opened from a referral copied from it (placeholder for a blank name).
_COPIED = ("given_name", "family_name", "other_names", "date_of_birth", "phone", "email",
           "address", "document_number")


def _erase_copied(connection, case_id: str, named: dict, number: str) -> None:
    """A case opened from the referral holds copies of the details: each one still as sent
    is erased too (a detail the receiver has since changed is its own record, kept)."""
    row = connection.execute("SELECT client_id FROM cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        return
    for column in _COPIED:
        value = named.get(column)
        if value:
            blank = (number or "-") if column == "given_name" else None if \
                column == "date_of_birth" else ""
            connection.execute(f"UPDATE clients SET {column} = ? WHERE id = ? AND {column} = ?",
                               (blank, row[0], value))
    search.index_case(connection, case_id)


def list_received(session: Session) -> list[Received]:
    access.require(session, Kind.REFERRAL, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {', '.join('e.' + c.strip() for c in COLUMNS.split(','))}, o.name"
            " FROM exchange_received e LEFT JOIN organisations o ON o.id = e.from_org_id"
            " ORDER BY e.received_at DESC").fetchall()
    return [_from_row(r[:13], r[13] or "") for r in rows]


def get_received(session: Session, entry_id: str) -> Received:
    access.require(session, Kind.REFERRAL, Action.VIEW)
    with session.lock:
        row = session.connection.execute(
            f"SELECT {', '.join('e.' + c.strip() for c in COLUMNS.split(','))}, o.name"
            " FROM exchange_received e LEFT JOIN organisations o ON o.id = e.from_org_id"
            " WHERE e.id = ? OR e.number = ?", (entry_id, entry_id.strip().upper())).fetchone()
    if row is None:
        raise NotFound(kind="referral")
    session.audit("referral.received.view", "organisation", row[1], entry=row[0])
    return _from_row(row[:13], row[13] or "")


def _answer(session: Session, entry: Received, new: str, *, reason: str = "",
            outcome: str = "", case_id: str = "", reference: str = "") -> bytes:
    """Move the entry on and seal the status for the sender, in one step: the file is made
    first (a partner whose keys are gone refuses it), then the row changes."""
    if new not in messages.RECEIVED_MOVES.get(entry.status, frozenset()):
        raise CannotAnswer(current=entry.status, new=new)
    message = messages.new_message("status", session.meta("org_name"),
                                   referral_id=entry.sender_referral_id, status=new,
                                   reason=reason.strip(), outcome=outcome.strip(),
                                   reference=reference)
    data = seal_for_partner(session, entry.from_org_id, message)
    with session.lock, transaction(session.connection) as connection:
        cursor = connection.execute(
            "UPDATE exchange_received SET status = ?, reason = ?, outcome = ?,"
            " case_id = coalesce(nullif(?, ''), case_id), status_changed_at = ?"
            " WHERE id = ? AND status = ?",
            (new, reason.strip() or entry.reason, outcome.strip(), case_id, now(),
             entry.id, entry.status))
        if cursor.rowcount != 1:
            raise CannotAnswer(current=entry.status, new=new)
        audit.append(connection, session.user.id, "referral.answer", "organisation",
                     entry.from_org_id, entry=entry.id, status=new)
    return data


def accept(session: Session, entry_id: str, *, case_code: str = "", victim_status: str = "",
           risk_level: str = "") -> tuple[Received, bytes]:
    """Accept: link an existing case (by its code) or open a new one from what was sent
    (a person chooses the victim status and risk level, never assumed). The sender's case
    code and referral number stay on the entry as the reference."""
    access.require(session, Kind.REFERRAL, Action.EDIT)
    entry = get_received(session, entry_id)
    if entry.status != "received":
        raise CannotAnswer(current=entry.status, new="accepted")
    confirmed_partner(session, entry.from_org_id)  # refused before any case is opened
    if case_code.strip():
        case_id = clients.case_id_for_code(session, case_code)
        reference = case_code.strip().upper()
    else:
        case = clients.create_intake(session, *_new_case(entry, victim_status, risk_level))
        case_id, reference = case.id, case.case_code
    data = _answer(session, entry, "accepted", case_id=case_id, reference=reference)
    return get_received(session, entry.id), data


def _new_case(entry: Received, victim_status: str, risk_level: str) -> tuple[Client, Case]:
    check = Checker()
    check.code("victim_status", victim_status, codes_case.VICTIM_STATUS, required=True)
    check.code("risk_level", risk_level, codes_case.RISK_LEVELS, required=True)
    ensure_valid(check.problems)
    sheet, named = entry.referral.get("sheet", {}), entry.identified or {}
    languages = [code for code in sheet.get("languages", []) if len(code) <= 3]
    client = Client(
        given_name=str(named.get("given_name") or entry.number or entry.case_code),
        family_name=str(named.get("family_name", "")),
        other_names=str(named.get("other_names", "")),
        sex=str(named.get("sex") or sheet.get("sex") or "unknown"),
        date_of_birth=date.fromisoformat(named["date_of_birth"])
        if named.get("date_of_birth") else None,
        nationality=str(named.get("nationality") or sheet.get("country") or ""),
        languages=languages, phone=str(named.get("phone", "")),
        email=str(named.get("email", "")), address=str(named.get("address", "")),
        document_number=str(named.get("document_number", "")))
    exploitation = [c for c in sheet.get("exploitation_types", [])
                    if c in codes_case.EXPLOITATION_TYPES]
    case = Case(intake_date=date.today(), exploitation_types=exploitation,
                victim_status=victim_status, risk_level=risk_level, identified_by="ngo",
                interpreter_needed=sheet.get("interpreter_needed"),
                needs_summary=str(named.get("needs_summary", "")))
    return client, case


def decline(session: Session, entry_id: str, reason: str) -> tuple[Received, bytes]:
    access.require(session, Kind.REFERRAL, Action.EDIT)
    check = Checker()
    check.required("reason", reason.strip())
    check.max_length("reason", reason, 4000)
    ensure_valid(check.problems)
    entry = get_received(session, entry_id)
    data = _answer(session, entry, "declined", reason=reason)
    return get_received(session, entry.id), data


def complete(session: Session, entry_id: str, outcome: str) -> tuple[Received, bytes]:
    access.require(session, Kind.REFERRAL, Action.EDIT)
    check = Checker()
    check.required("outcome", outcome.strip())
    check.max_length("outcome", outcome, 4000)
    ensure_valid(check.problems)
    entry = get_received(session, entry_id)
    data = _answer(session, entry, "completed", outcome=outcome,
                   reference=_reference(session, entry))
    return get_received(session, entry.id), data


def _reference(session: Session, entry: Received) -> str:
    if not entry.case_id:
        return ""
    with session.lock:
        row = session.connection.execute("SELECT case_code FROM cases WHERE id = ?",
                                         (entry.case_id,)).fetchone()
    return row[0] if row else ""


def answer_again(session: Session, entry_id: str) -> bytes:
    """The sealed status of an answered referral made again (a file lost on the way): a new
    message with the same content; the sender ignores it if the first one arrived."""
    access.require(session, Kind.REFERRAL, Action.EDIT)
    entry = get_received(session, entry_id)
    if entry.status == "received":
        raise CannotAnswer(current=entry.status, new=entry.status)
    message = messages.new_message("status", session.meta("org_name"),
                                   referral_id=entry.sender_referral_id, status=entry.status,
                                   reason=entry.reason if entry.status == "declined" else "",
                                   outcome=entry.outcome, reference=_reference(session, entry))
    data = seal_for_partner(session, entry.from_org_id, message)
    session.audit("referral.answer.again", "organisation", entry.from_org_id, entry=entry.id)
    return data


def erased_confirmation(session: Session, entry_id: str) -> bytes:
    """The sealed "erased" status that confirms an erase request to the sender."""
    entry = get_received(session, entry_id)
    message = messages.new_message("status", session.meta("org_name"),
                                   referral_id=entry.sender_referral_id, status="erased",
                                   reason="", outcome="", reference="")
    return seal_for_partner(session, entry.from_org_id, message)
