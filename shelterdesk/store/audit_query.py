"""Reading the audit log for a coordinator or an inspector: filter, resolve case codes, verify.

Rows name the acting user (a member of staff) and the case code of the record acted on —
never a client's name. A case that has been erased keeps the code its erasure entry
recorded. Free text an entry may carry (an erasure's reason) is left out of what is shown
and exported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from shelterdesk.domain import case_codes
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, _
from shelterdesk.store import audit
from shelterdesk.store.vault import Session

FREE_TEXT = {"reason"}  # typed by a person: kept in the log, never shown or exported
MAX_ROWS = 100_000


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    action: str = ""  # exact, or a family such as "client." (ends with a dot)
    case_code: str = ""


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str  # ISO 8601, UTC
    username: str
    action: str
    case_code: str
    detail: str  # the entry's detail as compact JSON, free text removed


def search(session: Session, where: AuditFilter, limit: int = MAX_ROWS) -> list[AuditRow]:
    """The entries matching ``where``, newest first. Coordinator only."""
    session.require_role(Role.COORDINATOR, action=N_("read the audit log"))
    clauses, params = [], []
    if where.username:
        clauses.append("coalesce(u.username, '') = ?")
        params.append(where.username)
    if where.since:
        clauses.append("a.at >= ?")
        params.append(where.since.isoformat())
    if where.until:
        clauses.append("a.at < ?")
        params.append((where.until + timedelta(days=1)).isoformat())
    if where.action.endswith("."):
        clauses.append("substr(a.action, 1, ?) = ?")
        params += [len(where.action), where.action]
    elif where.action:
        clauses.append("a.action = ?")
        params.append(where.action)
    code = case_codes.normalize(where.case_code) if where.case_code.strip() else ""
    if code:
        # The case's own entries, its client's, and an erasure that recorded the code.
        clauses.append("(a.object_id IN (SELECT id FROM cases WHERE case_code = ?)"
                       " OR a.object_id IN (SELECT client_id FROM cases WHERE case_code = ?)"
                       " OR instr(a.detail, ?) > 0)")
        params += [code, code, json.dumps(code)]
    sql = ("SELECT a.seq, a.at, coalesce(u.username, ''), a.action, a.object_kind, a.object_id,"
           " a.detail, (SELECT case_code FROM cases WHERE id = a.object_id),"
           " (SELECT min(case_code) FROM cases WHERE client_id = a.object_id)"
           " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
           + (" WHERE " + " AND ".join(clauses) if clauses else "")
           + " ORDER BY a.seq DESC LIMIT ?")
    with session.lock:
        rows = session.connection.execute(sql, (*params, limit)).fetchall()
    return [_row(*r) for r in rows]


def _row(seq: int, at: str, username: str, action: str, kind: str, object_id: str,
         detail_text: str, case_code: str | None, client_code: str | None) -> AuditRow:
    detail = json.loads(detail_text or "{}")
    code = case_code or client_code or ""
    if not code and isinstance(detail.get("case_codes"), list):
        code = ", ".join(detail["case_codes"])
    shown = {k: v for k, v in detail.items() if k not in FREE_TEXT}
    return AuditRow(seq, at, username, action, code,
                    json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else "")


def actions(session: Session) -> list[str]:
    """Every action the log holds, for the filter's list."""
    session.require_role(Role.COORDINATOR, action=N_("read the audit log"))
    with session.lock:
        return [r[0] for r in session.connection.execute(
            "SELECT DISTINCT action FROM audit_log ORDER BY action")]


def people(session: Session) -> list[str]:
    session.require_role(Role.COORDINATOR, action=N_("read the audit log"))
    with session.lock:
        return [r[0] for r in session.connection.execute(
            "SELECT username FROM users ORDER BY username")]


def verify_chain(session: Session) -> audit.AuditReport:
    """Recompute the chain; the check itself is audited."""
    session.require_role(Role.COORDINATOR, action=N_("verify the audit log"))
    with session.lock:
        report = audit.verify(session.connection)
    session.audit("audit.verify", ok=report.ok)
    return report


def describe(report: audit.AuditReport) -> str:
    """The result of a verification in words."""
    if report.ok:
        return _("The audit log is intact: all {count} entries are in order and unchanged.") \
            .format(count=report.rows)
    reasons = {
        "missing": N_("entry {seq} is missing (removed from the middle)"),
        "broken_link": N_("entry {seq} does not follow the one before it (entries were "
                          "removed or reordered)"),
        "altered": N_("entry {seq} was changed after it was written"),
        "truncated": N_("entries from {seq} on were cut off the end"),
        "anchor_differs": N_("the entries from {seq} on differ from what this laptop signed "
                             "and sent to the other laptops (entries were removed, changed "
                             "or added and the chain was recomputed)"),
        "anchor_truncated": N_("entries this laptop signed and sent to the other laptops are "
                               "missing from entry {seq} on"),
    }
    what = _(reasons.get(report.reason, N_("entry {seq} does not check out"))).format(
        seq=report.first_bad_seq)
    return _("The audit log has been tampered with: {what}. The {count} entries before it "
             "are in order. Keep this laptop as it is and tell your organisation's "
             "management.").format(what=what, count=report.rows)
