"""Clients who look like the one being taken in: same folded name and birth date, phone or document.

Names are compared folded (lowercase, no diacritics, Azerbaijani letters to
Latin, Cyrillic transliterated), with the father's name when both have one, so
"Aynur Əli qızı Məmmədova" born 1999-05-01 matches "AYNUR Ali qizi Mammadova".
Phones match on their last nine digits, documents ignoring spaces and case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shelterdesk.domain.clients import Client
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access, audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.records.search import fold_for_index, transliterate
from shelterdesk.store.rows import iso
from shelterdesk.store.vault import Session

MAX_MATCHES = 20


@dataclass(frozen=True)
class PossibleDuplicate:
    """An existing case that may be the same person, and why (codes: name, phone, document)."""

    case_id: str
    case_code: str
    initials: str
    status: str
    reasons: tuple[str, ...]


def folded_name(*parts: str) -> str:
    """One spelling for comparing names: folded, transliterated, single spaces."""
    text = " ".join(p for p in parts if p and p.strip())
    words = fold_for_index(transliterate(text.lower())).split()
    # fold_for_index gives its variants one after another; the first len(words) are one spelling.
    return " ".join(words[:len(text.split())])


def _phone_tail(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 7 else ""


def _document(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").upper()


def find_possible_duplicates(session: Session, client: Client) -> list[PossibleDuplicate]:
    """Cases whose client may be this person (nothing written; the check itself is audited)."""
    access.require(session, Kind.CLIENT, Action.CREATE)
    name = folded_name(client.given_name, client.patronymic, client.family_name)
    bare = folded_name(client.given_name, client.family_name)
    phone, document = _phone_tail(client.phone), _document(client.document_number)
    born = iso(client.date_of_birth)
    params: list[str] = []
    where = []
    if born:
        where.append("cl.date_of_birth = ?")
        params.append(born)
    if phone:
        # The search index holds each phone's digits and their last nine: no scan of every row.
        where.append("ca.id IN (SELECT m.case_id FROM search_map m WHERE m.fts_rowid IN"
                     " (SELECT rowid FROM search_index WHERE search_index MATCH ?))")
        params.append(f'phones:"{phone}"')
    if document:
        where.append("replace(replace(upper(cl.document_number), ' ', ''), '-', '') = ?")
        params.append(document)
    if not where:
        return []
    with session.lock:
        rows = session.connection.execute(
            "SELECT ca.id, ca.case_code, ca.status, cl.given_name, cl.patronymic,"
            " cl.family_name, cl.date_of_birth, cl.phone, cl.document_number"
            " FROM cases ca JOIN clients cl ON cl.id = ca.client_id WHERE "
            + " OR ".join(where) + " ORDER BY ca.last_activity_at DESC LIMIT 500",
            params).fetchall()
    found = []
    for case_id, code, status, given, patronymic, family, dob, their_phone, their_doc in rows:
        reasons = []
        if born and dob == born:
            theirs = folded_name(given, patronymic, family) if client.patronymic and patronymic \
                else folded_name(given, family)
            if theirs == (name if client.patronymic and patronymic else bare):
                reasons.append("name")
        if phone and _phone_tail(their_phone) == phone:
            reasons.append("phone")
        if document and _document(their_doc) == document:
            reasons.append("document")
        if reasons:
            initials = "".join(p.strip()[0].upper() + "." for p in (given, family) if p.strip())
            found.append(PossibleDuplicate(case_id, code, initials, status, tuple(reasons)))
        if len(found) >= MAX_MATCHES:
            break
    with session.lock, transaction(session.connection) as connection:
        audit.append(connection, session.user.id, "intake.duplicate_check", "", "",
                     matches=len(found))
    return found


def confirm_different_person(session: Session, case_ids: list[str]) -> None:
    """The worker says the new client is none of these people (audited, before saving)."""
    access.require(session, Kind.CLIENT, Action.CREATE)
    with session.lock, transaction(session.connection) as connection:
        for case_id in case_ids:
            audit.append(connection, session.user.id, "intake.not_duplicate", "case", case_id)
