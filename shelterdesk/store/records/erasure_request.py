"""Erasure on a client's request: what will go, the reason, the case code typed back, then erase.

The window's *Erase this client…* and ``shelterdesk erase --case CODE --reason TEXT``
both call :func:`plan` and :func:`erase_on_request`. The audit entry keeps the case
codes and the reason (pseudonymous codes, never a name), so a second request for the
same client is answered with when it was erased rather than "no such case".
"""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain import case_codes
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store.records import erasure
from shelterdesk.store.records.clients import UnknownCaseCode
from shelterdesk.store.vault import Session

REASON_MAX = 500
# What the dialog lists, in this order: (kind, label, tables counted under it).
KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("files", N_("Evidence files"), ("evidence_items",)),
    ("referrals", N_("Referrals"), ("referrals",)),
    ("consents", N_("Consents"), ("consents",)),
    ("drafts", N_("Unsaved drafts"), ("drafts",)),
    ("search", N_("Search index entries"), ("search_map",)),
)


class ErasureReasonMissing(UserFacingError):
    message = N_("Reason: say why the client is erased (for example “the client asked on "
                 "the phone”); write no name.")


class ErasureReasonTooLong(UserFacingError):
    message = N_("Reason: at most {limit} characters.")


class CaseCodeNotTypedBack(UserFacingError):
    message = N_("Case code: type the code {code} exactly as shown to confirm the erasure.")


class AlreadyErased(UserFacingError):
    message = N_("The case {code} was erased already on {date}; there is nothing left "
                 "to erase.")


@dataclass(frozen=True)
class ErasurePlan:
    case_id: str
    case_code: str
    case_codes: list[str]  # every case of this client goes with her
    records: int  # rows in every table, the client's own included
    counts: dict[str, int]  # by the kinds of KINDS


def plan(session: Session, code: str) -> ErasurePlan:
    """What erasing the client of case ``code`` would remove (nothing is changed)."""
    session.require_role(Role.COORDINATOR, action=N_("erase a client"))
    case_id = _case_id(session, code)
    with session.lock:
        connection = session.connection
        client_id = connection.execute("SELECT client_id FROM cases WHERE id = ?",
                                       (case_id,)).fetchone()[0]
        cases = connection.execute("SELECT id, case_code FROM cases WHERE client_id = ?"
                                   " ORDER BY case_code", (client_id,)).fetchall()
        tables = erasure.count_tree(connection, client_id)
        tables["drafts"] = connection.execute(
            "SELECT count(*) FROM drafts WHERE subject_id IN ({})".format(
                ", ".join("?" * (len(cases) + 1))),
            [client_id, *(c[0] for c in cases)]).fetchone()[0]
        tables["search_map"] = connection.execute(
            "SELECT count(*) FROM search_map WHERE case_id IN ({})".format(
                ", ".join("?" * len(cases))), [c[0] for c in cases]).fetchone()[0]
    counts = {kind: sum(tables.get(t, 0) for t in names) for kind, _label, names in KINDS}
    records = sum(v for k, v in tables.items() if k != "search_map")
    return ErasurePlan(case_id, case_codes.normalize(code), [c[1] for c in cases], records,
                       counts)


def erase_on_request(session: Session, code: str, typed_back: str,
                     reason: str) -> erasure.ErasureReport:
    """Check the reason and the code typed back, then erase (all or nothing) and compact."""
    session.require_role(Role.COORDINATOR, action=N_("erase a client"))
    reason = " ".join(reason.split())
    if not reason:
        raise ErasureReasonMissing()
    if len(reason) > REASON_MAX:
        raise ErasureReasonTooLong(limit=REASON_MAX)
    wanted = case_codes.normalize(code)
    case_id = _case_id(session, code)
    if case_codes.normalize(typed_back.strip()) != wanted:
        raise CaseCodeNotTypedBack(code=wanted)
    return erasure.erase_client(session, case_id, reason=reason)


def _case_id(session: Session, code: str) -> str:
    normalized = case_codes.normalize(code)
    with session.lock:
        row = session.connection.execute("SELECT id FROM cases WHERE case_code = ?",
                                         (normalized,)).fetchone()
        if row is not None:
            return row[0]
        erased_on = _erased_on(session, normalized)
    if erased_on:
        raise AlreadyErased(code=normalized, date=erased_on)
    raise UnknownCaseCode(code=code)


def _erased_on(session: Session, code: str) -> str:
    """The day a case of this code was erased, from the audit log ('' if never)."""
    for (at, detail) in session.connection.execute(
            "SELECT at, detail FROM audit_log WHERE action = 'client.erase'"
            " ORDER BY seq DESC"):
        if f'"{code}"' in detail:
            return at[:10]
    return ""
