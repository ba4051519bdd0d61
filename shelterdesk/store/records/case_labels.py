"""How lists show a case: its code with initials, or with the full name when privacy mode is off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shelterdesk.domain.clients import name_initials
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access, settings
from shelterdesk.store.vault import Session

_CHUNK = 500  # below SQLite's limit on bound parameters


def initials(*names: str) -> str:
    """"Aysel Məmmədova" → "A. M." — one capital letter per name part."""
    return name_initials(*names)


@dataclass(frozen=True)
class CaseLabel:
    """``full_name`` is empty unless it was asked for (privacy mode off)."""

    case_id: str
    case_code: str
    initials: str
    full_name: str = ""

    @property
    def text(self) -> str:
        shown = self.full_name or self.initials
        return f"{self.case_code} · {shown}" if shown else self.case_code


def case_labels(session: Session, case_ids: Iterable[str],
                with_names: bool | None = None) -> dict[str, CaseLabel]:
    """Labels for the cases, by id. ``with_names`` None follows the user's privacy mode.

    In privacy mode the names never leave the store: only the initials do.
    """
    access.require(session, Kind.CLIENT, Action.VIEW)
    if with_names is None:
        with_names = not settings.get(session, "privacy_mode")
    wanted = list(dict.fromkeys(i for i in case_ids if i))
    labels: dict[str, CaseLabel] = {}
    with session.lock:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            rows = session.connection.execute(
                "SELECT ca.id, ca.case_code, cl.given_name, cl.family_name FROM cases ca"
                " JOIN clients cl ON cl.id = ca.client_id"
                f" WHERE ca.id IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
            for case_id, code, given, family in rows:
                full = " ".join(p for p in (given.strip(), family.strip()) if p)
                labels[case_id] = CaseLabel(case_id, code, initials(given, family),
                                            full if with_names else "")
    return labels


def privacy_mode(session: Session) -> bool:
    """Whether this user sees case codes and initials instead of names."""
    return bool(settings.get(session, "privacy_mode"))
