"""Colleagues by name, for pickers and activity lines: no roles, no passphrases, no slots."""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.store import access
from shelterdesk.store.vault import Session


@dataclass(frozen=True)
class StaffMember:
    id: str
    username: str
    display_name: str
    disabled: bool = False

    @property
    def name(self) -> str:
        return self.display_name or self.username


def list_staff(session: Session) -> list[StaffMember]:
    """Everyone who has a user, for anyone who may see client files (assigned worker, actor)."""
    access.require(session, Kind.CLIENT, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, username, display_name, disabled FROM users"
            " ORDER BY disabled, coalesce(nullif(display_name, ''), username) COLLATE NOCASE"
        ).fetchall()
    return [StaffMember(r[0], r[1], r[2], bool(r[3])) for r in rows]
