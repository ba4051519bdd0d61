"""The areas of the workspace and which roles may enter each, for every front end."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _


class Area(StrEnum):
    CASES = "cases"
    SHELTER = "shelter"
    REFERRALS = "referrals"
    FOLLOW_UPS = "follow_ups"
    STATISTICS = "statistics"
    SYNC = "sync"
    ADMINISTRATION = "administration"
    ACCOUNT = "account"


_EVERYONE = frozenset(Role)

# Statistics users see aggregates only, so no area that lists people is theirs.
AREA_ROLES: dict[Area, frozenset[Role]] = {
    Area.CASES: frozenset({Role.COORDINATOR, Role.CASE_WORKER, Role.LEGAL_ADVISOR,
                           Role.MEDICAL}),
    Area.SHELTER: frozenset({Role.COORDINATOR, Role.CASE_WORKER}),
    Area.REFERRALS: frozenset({Role.COORDINATOR, Role.CASE_WORKER, Role.LEGAL_ADVISOR,
                               Role.MEDICAL}),
    Area.FOLLOW_UPS: frozenset({Role.COORDINATOR, Role.CASE_WORKER, Role.LEGAL_ADVISOR,
                                Role.MEDICAL}),
    Area.STATISTICS: frozenset({Role.COORDINATOR, Role.STATISTICS}),
    Area.SYNC: frozenset({Role.COORDINATOR}),
    Area.ADMINISTRATION: frozenset({Role.COORDINATOR}),
    # Everyone may change their own passphrase, language and privacy mode.
    Area.ACCOUNT: _EVERYONE,
}

AREA_LABELS: dict[Area, str] = {
    Area.CASES: N_("Cases"),
    Area.SHELTER: N_("Shelter"),
    Area.REFERRALS: N_("Referrals"),
    Area.FOLLOW_UPS: N_("Follow-ups"),
    Area.STATISTICS: N_("Statistics"),
    Area.SYNC: N_("Sync"),
    Area.ADMINISTRATION: N_("Administration"),
    Area.ACCOUNT: N_("My account"),
}


def areas_for(roles: Iterable[Role]) -> list[Area]:
    """The areas a person holding these roles may enter, in sidebar order."""
    held = set(roles)
    return [area for area in Area if AREA_ROLES[area] & held]


def area_label(area: Area | str) -> str:
    return _(AREA_LABELS[Area(area)])
