"""The five roles and what each one lets a person do."""

from __future__ import annotations

from enum import StrEnum

from shelterdesk.i18n import N_, _


class Role(StrEnum):
    COORDINATOR = "coordinator"
    CASE_WORKER = "case_worker"
    LEGAL_ADVISOR = "legal_advisor"
    MEDICAL = "medical"
    STATISTICS = "statistics"


ROLE_LABELS: dict[Role, str] = {
    Role.COORDINATOR: N_("Coordinator"),
    Role.CASE_WORKER: N_("Case worker"),
    Role.LEGAL_ADVISOR: N_("Legal advisor"),
    Role.MEDICAL: N_("Medical staff"),
    Role.STATISTICS: N_("Statistics"),
}


def role_label(role: Role | str) -> str:
    return _(ROLE_LABELS[Role(role)])


def parse_roles(values: list[str]) -> list[Role]:
    """Roles from codes; raises ValueError naming the first unknown code."""
    roles: list[Role] = []
    for value in values:
        try:
            role = Role(value.strip().lower())
        except ValueError:
            raise ValueError(value) from None
        if role not in roles:
            roles.append(role)
    return roles
