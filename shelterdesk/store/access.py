"""Permission checks below every front end: refuse and audit, or let through."""

from __future__ import annotations

from shelterdesk.domain.closure import CLOSED_STATUSES, CaseClosed
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.permissions import Action, Kind, allowed, write_only
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.vault import Session

_ACTION_WORDS = {
    (Action.VIEW, Kind.LEGAL): N_("see legal consultations"),
    (Action.VIEW, Kind.MEDICAL): N_("see medical records"),
    (Action.VIEW, Kind.CLIENT): N_("see client files"),
    (Action.CREATE, Kind.CLIENT): N_("record an intake"),
    (Action.EDIT, Kind.CLIENT): N_("change client files"),
    (Action.CREATE, Kind.LEGAL): N_("record legal consultations"),
    (Action.CREATE, Kind.MEDICAL): N_("record medical services"),
    (Action.EDIT, Kind.LEGAL): N_("correct legal consultations"),
    (Action.EDIT, Kind.MEDICAL): N_("correct medical records"),
    (Action.EDIT, Kind.SHELTER): N_("configure shelters, rooms and beds"),
    (Action.EXPORT, Kind.REFERRAL): N_("print or export referrals"),
    (Action.VIEW, Kind.STATISTICS): N_("see statistics"),
    (Action.VIEW, Kind.EVIDENCE): N_("read evidence (only legal advisors and coordinators can)"),
    (Action.EXPORT, Kind.EVIDENCE): N_(
        "export or print evidence (only legal advisors and coordinators can)"),
    (Action.VIEW, Kind.PERPETRATOR): N_(
        "read perpetrator descriptions (only legal advisors and coordinators can)"),
    (Action.EDIT, Kind.PERPETRATOR): N_("correct perpetrator descriptions"),
    (Action.EXPORT, Kind.STATISTICS): N_("export statistics"),
}


def can(session: Session, kind: Kind, action: Action) -> bool:
    return allowed(session.user.roles, kind, action)


def require_listing(session: Session, kind: Kind, object_id: str = "") -> bool:
    """Let readers and write-only writers list the rows (PermissionDenied, audited, for
    anyone else); True when the content must stay sealed (a writer, not a reader)."""
    if write_only(session.user.roles, kind):
        return True
    require(session, kind, Action.VIEW, object_id)
    return False


def require(session: Session, kind: Kind, action: Action, object_id: str = "") -> None:
    """PermissionDenied, audited, unless the user's roles allow the action.

    A closed case is read-only: creating or changing anything of it is refused
    (follow-ups may still be marked done, so no task is left dangling).
    """
    if can(session, kind, action):
        if object_id and action in (Action.CREATE, Action.EDIT) \
                and (kind, action) != (Kind.FOLLOW_UP, Action.EDIT):
            with session.lock:
                row = session.connection.execute(
                    "SELECT status FROM cases WHERE id = ?", (object_id,)).fetchone()
                closed = row is not None and row[0] in CLOSED_STATUSES
            if closed:
                raise CaseClosed()
        return
    with session.lock, transaction(session.connection) as connection:
        audit.append(connection, session.user.id, "permission.denied", kind.value, object_id,
                     attempted=action.value)
    words = _ACTION_WORDS.get((action, kind), N_("do this ({action} {kind})"))
    raise PermissionDenied(action=_Deferred(words, action=action.value, kind=kind.value))


class _Deferred:
    """A nested message translated when the outer one is shown."""

    def __init__(self, message: str, **params: str) -> None:
        self.message = message
        self.params = params

    def __format__(self, spec: str) -> str:
        from shelterdesk.i18n import _

        return _(self.message).format(**self.params)

    def __str__(self) -> str:
        return format(self, "")
