"""Counts across the whole vault, for generalising rare values on anonymized output."""

from __future__ import annotations

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access
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
