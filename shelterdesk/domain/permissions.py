"""Who may do what: the role × record kind × action matrix, enforced by the store.

Legal consultation content is for legal advisors and coordinators, medical
content for medical staff and coordinators; the statistics role reads no
personal data at all, only aggregates.
"""

from __future__ import annotations

from enum import StrEnum

from shelterdesk.domain.roles import Role


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    EXPORT = "export"  # print or export outside the vault


class Kind(StrEnum):
    CLIENT = "client"  # identity and case (intake)
    LEGAL = "legal"
    MEDICAL = "medical"
    SERVICE = "service"  # other services
    STAY = "stay"
    REFERRAL = "referral"
    CONSENT = "consent"
    EVIDENCE = "evidence"
    PERPETRATOR = "perpetrator"
    NOTE = "note"
    FOLLOW_UP = "follow_up"
    ORGANISATION = "organisation"
    SHELTER = "shelter"  # shelters, rooms, beds (configuration, no personal data)
    STATISTICS = "statistics"


V, C, E, X = Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT
ALL = frozenset({V, C, E, X})
READ_WRITE = frozenset({V, C, E})
# Write-only: records a case worker takes at intake (screenshots, chat exports, profile
# links, who the perpetrators are) but may not read back: she creates them and records
# custody hand-overs (EDIT on evidence is the custody chain; corrections also need VIEW),
# and their content is sealed to a key only legal advisors and coordinators hold
# (store/keys/write_only.py). She still sees the rows' codes, dates and custody entries.
WRITE_ONLY = frozenset({C})

# The actions that exist for each kind: statistics are computed from the records and
# viewed or exported, never created or edited by hand.
ACTIONS: dict[Kind, frozenset[Action]] = {
    kind: frozenset({V, X}) if kind == Kind.STATISTICS else ALL for kind in Kind}

MATRIX: dict[Role, dict[Kind, frozenset[Action]]] = {
    Role.COORDINATOR: dict(ACTIONS),
    Role.CASE_WORKER: {
        Kind.CLIENT: ALL, Kind.SERVICE: READ_WRITE, Kind.STAY: READ_WRITE,
        Kind.REFERRAL: ALL, Kind.CONSENT: READ_WRITE, Kind.EVIDENCE: frozenset({C, E}),
        Kind.PERPETRATOR: WRITE_ONLY, Kind.NOTE: READ_WRITE, Kind.FOLLOW_UP: READ_WRITE,
        Kind.ORGANISATION: READ_WRITE, Kind.SHELTER: frozenset({V}),
    },
    Role.LEGAL_ADVISOR: {
        Kind.CLIENT: frozenset({V, E}), Kind.LEGAL: ALL, Kind.SERVICE: frozenset({V}),
        Kind.STAY: frozenset({V}), Kind.REFERRAL: frozenset({V, C, X}),
        Kind.CONSENT: frozenset({V, C}), Kind.EVIDENCE: ALL, Kind.PERPETRATOR: READ_WRITE,
        Kind.NOTE: frozenset({V, C}), Kind.FOLLOW_UP: READ_WRITE,
        Kind.ORGANISATION: frozenset({V}), Kind.SHELTER: frozenset({V}),
    },
    Role.MEDICAL: {
        Kind.CLIENT: frozenset({V}), Kind.MEDICAL: ALL, Kind.SERVICE: frozenset({V}),
        Kind.STAY: frozenset({V}), Kind.REFERRAL: frozenset({V, C, X}),
        Kind.CONSENT: frozenset({V, C}), Kind.NOTE: frozenset({V, C}),
        Kind.FOLLOW_UP: READ_WRITE, Kind.ORGANISATION: frozenset({V}),
        Kind.SHELTER: frozenset({V}),
    },
    Role.STATISTICS: {
        Kind.STATISTICS: frozenset({V, X}), Kind.ORGANISATION: frozenset({V}),
        Kind.SHELTER: frozenset({V}),
    },
}


def allowed(roles: tuple[Role, ...] | list[Role], kind: Kind, action: Action) -> bool:
    """True if any of the roles allows the action on the kind."""
    return any(action in MATRIX[role].get(kind, frozenset()) for role in roles)


def write_only(roles: tuple[Role, ...] | list[Role], kind: Kind) -> bool:
    """True if the roles may record this kind but not read its content (case workers and
    evidence): its rows are listed with their content shown as sealed."""
    return not allowed(roles, kind, Action.VIEW) and allowed(roles, kind, Action.CREATE)


def lists(roles: tuple[Role, ...] | list[Role], kind: Kind) -> bool:
    """Whether the rows of this kind are listed for these roles (readers and writers)."""
    return allowed(roles, kind, Action.VIEW) or write_only(roles, kind)


def visible_kinds(roles: tuple[Role, ...] | list[Role]) -> set[Kind]:
    """The kinds whose rows these roles see listed (a write-only kind with its content
    sealed)."""
    return {kind for kind in Kind if lists(roles, kind)}
