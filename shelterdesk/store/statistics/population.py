"""Counts across the whole vault, for generalising rare values on anonymized output."""

from __future__ import annotations

from datetime import date

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.sheet_generalisation import QuasiIdentifiers
from shelterdesk.store import access
from shelterdesk.store.rows import loads
from shelterdesk.store.vault import Session


def nationality_count(session: Session, country: str) -> int:
    """How many clients in the vault hold this nationality (a count, never who they are)."""
    if not (access.can(session, Kind.CLIENT, Action.VIEW)
            or access.can(session, Kind.STATISTICS, Action.VIEW)):
        access.require(session, Kind.CLIENT, Action.VIEW)
    with session.lock:
        row = session.connection.execute(
            "SELECT count(*) FROM clients WHERE nationality = ?",
            (country.strip().upper(),)).fetchone()
    return int(row[0])


def quasi_identifiers(session: Session, on: date) -> list[QuasiIdentifiers]:
    """Every case's printable quasi-identifiers on a day (sex, age, nationality, languages,
    exploitation types): for checking an anonymized sheet's combination against the vault.
    Values only, with nothing that says whose they are; they never leave the caller."""
    if not (access.can(session, Kind.CLIENT, Action.VIEW)
            or access.can(session, Kind.STATISTICS, Action.VIEW)):
        access.require(session, Kind.CLIENT, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            "SELECT cl.sex, cl.date_of_birth, cl.age_estimate, cl.nationality, cl.languages,"
            " ca.exploitation_types FROM cases ca JOIN clients cl ON cl.id = ca.client_id"
        ).fetchall()
    lists: dict[str, tuple[str, ...]] = {}  # few distinct JSON texts: parse each once
    found = []
    for sex, born, estimate, nationality, languages, types in rows:
        for text in (languages, types):
            if text not in lists:
                lists[text] = tuple(loads(text))
        age = estimate
        if born:
            birth = date.fromisoformat(born)
            age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        found.append(QuasiIdentifiers(sex or "unknown", age, (nationality or "").strip().upper(),
                                      lists[languages], lists[types]))
    return found
