"""What each compartment seals (kinds, tables, columns) and the stored form of a cell.

Shared by ``compartments`` (cells under the compartment key, ``sdc1:``) and
``write_only`` (cells sealed to its public key, ``sdc2:``), so neither imports the other
back.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind, allowed
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_

LEGAL, MEDICAL, EVIDENCE = "legal", "medical", "evidence"
# Compartment → the kinds of record whose content it seals.
COMPARTMENTS: dict[str, tuple[Kind, ...]] = {
    LEGAL: (Kind.LEGAL,), MEDICAL: (Kind.MEDICAL,), EVIDENCE: (Kind.EVIDENCE, Kind.PERPETRATOR),
}
# Table → (compartment, its sealed columns). Codes, dates and counts stay in the clear:
# statistics, lists and merging need them, and they say nothing a case worker may not know.
SEALED_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "legal_consultations": (LEGAL, ("summary", "outcome", "next_step")),
    "medical_services": (MEDICAL, ("summary", "provider")),
    "evidence_items": (EVIDENCE, ("source_link", "file_name", "description", "content")),
    "perpetrators": (EVIDENCE, ("description", "accounts", "phones")),
}
BLOB_COLUMNS = frozenset({("evidence_items", "content")})
PREFIX = "sdc1:"
_BPREFIX = PREFIX.encode("ascii")


class CompartmentLocked(UserFacingError):
    message = N_("These records are sealed with a key your account does not hold on this"
                 " laptop yet. A coordinator's next unlock here gives it to you.")


def parse_cell(value: Any) -> tuple[str, str, bytes, str]:
    """(compartment, key id, sealed bytes, form "b"/"t") of a stored ``sdc1:``/``sdc2:``
    cell; CompartmentLocked if it is not well formed."""
    binary = not isinstance(value, str)
    raw = bytes(value) if binary else value.encode("ascii")
    try:
        _, compartment, key_id, body = raw.split(b":", 3)
        sealed = body if binary else base64.b64decode(body, validate=True)
        return compartment.decode(), key_id.decode(), sealed, "b" if binary else "t"
    except ValueError:  # UnicodeError included
        raise CompartmentLocked() from None


def holds(roles: Iterable[Role], compartment: str) -> bool:
    """Whether these roles are given the compartment's key (the matrix's view right)."""
    roles = tuple(roles)
    return any(allowed(roles, kind, Action.VIEW) for kind in COMPARTMENTS[compartment])


def compartments_for(roles: Iterable[Role]) -> list[str]:
    roles = tuple(roles)
    return [name for name in COMPARTMENTS if holds(roles, name)]
