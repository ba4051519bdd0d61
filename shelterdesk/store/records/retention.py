"""Retention: how long each kind of record is kept, a dry run of what would go, and the run.

Three policies (vault settings; 0 keeps for ever):
- a client whose cases are all closed goes N years after the last of them closed (the case's
  last change once closed; the app keeps no separate closing date, so this errs on keeping);
- an evidence file's bytes go M years after its case closed (the record, checksum and chain
  of custody stay: they prove what was held);
- an unsaved draft goes D days after it was last saved.
Clients go through the same erasure as a request (store/records/erasure.py), so sync carries it and
every laptop compacts. The run is audited as counts only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import settings
from shelterdesk.store.connection import transaction
from shelterdesk.store.records import erasure
from shelterdesk.store.vault import Session

CLOSED = ("closed", "closed_referred")
POLICIES = ("retention_closed_case_years", "retention_evidence_years", "retention_draft_days")


@dataclass(frozen=True)
class Policy:
    closed_case_years: int = 0
    evidence_years: int = 0
    draft_days: int = 0


@dataclass
class RetentionPlan:
    clients: list[tuple[str, list[str]]] = field(default_factory=list)  # (case id, codes)
    evidence_files: list[tuple[str, str]] = field(default_factory=list)  # (item id, case code)
    drafts: int = 0

    @property
    def empty(self) -> bool:
        return not (self.clients or self.evidence_files or self.drafts)


@dataclass(frozen=True)
class RetentionResult:
    clients: int
    evidence_files: int
    drafts: int


def policy(session: Session) -> Policy:
    return Policy(*(int(settings.get(session, name)) for name in POLICIES))


def set_policy(session: Session, new: Policy) -> None:
    """Coordinator only (the settings check it); each change is audited by the settings."""
    for name, value in zip(POLICIES, (new.closed_case_years, new.evidence_years,
                                      new.draft_days), strict=True):
        if settings.get(session, name) != value:
            settings.set_value(session, name, value)


def _years_ago(now: datetime, years: int) -> str:
    return (now - timedelta(days=365 * years + years // 4)).strftime("%Y-%m-%dT%H:%M:%S")


def plan(session: Session, now: datetime | None = None) -> RetentionPlan:
    """What a run would remove today (nothing is changed). Coordinator only."""
    session.require_role(Role.COORDINATOR, action=N_("apply the retention policy"))
    rules, now = policy(session), now or datetime.now(UTC)
    found = RetentionPlan()
    with session.lock:
        connection = session.connection
        marks = ", ".join("?" * len(CLOSED))
        planned: set[str] = set()  # clients going whole: their files go with them
        if rules.closed_case_years:
            cutoff = _years_ago(now, rules.closed_case_years)
            for client_id, in connection.execute(
                    "SELECT client_id FROM cases GROUP BY client_id"
                    f" HAVING sum(status NOT IN ({marks})) = 0 AND max(updated_at) < ?",
                    (*CLOSED, cutoff)).fetchall():
                cases = connection.execute("SELECT id, case_code FROM cases WHERE client_id = ?"
                                           " ORDER BY case_code", (client_id,)).fetchall()
                found.clients.append((cases[0][0], [c[1] for c in cases]))
                planned.add(client_id)
        if rules.evidence_years:
            cutoff = _years_ago(now, rules.evidence_years)
            found.evidence_files = [
                (item, code) for item, code, client_id in connection.execute(
                    "SELECT e.id, c.case_code, c.client_id FROM evidence_items e"
                    " JOIN cases c ON c.id = e.case_id"
                    f" WHERE e.content IS NOT NULL AND c.status IN ({marks})"
                    " AND c.updated_at < ? ORDER BY c.case_code", (*CLOSED, cutoff))
                if client_id not in planned]
        if rules.draft_days:
            cutoff = (now - timedelta(days=rules.draft_days)).strftime("%Y-%m-%dT%H:%M:%S")
            found.drafts = connection.execute("SELECT count(*) FROM drafts WHERE saved_at < ?",
                                              (cutoff,)).fetchone()[0]
    return found


def run(session: Session, now: datetime | None = None) -> RetentionResult:
    """Remove what :func:`plan` lists, then compact; audited as counts."""
    found = plan(session, now)
    rules, now = policy(session), now or datetime.now(UTC)
    for case_id, _codes in found.clients:
        erasure.erase_client(session, case_id, reason="retention")
    with session.lock, transaction(session.connection) as connection:
        for item_id, _code in found.evidence_files:
            connection.execute("UPDATE evidence_items SET content = NULL WHERE id = ?",
                               (item_id,))
        drafts = 0
        if rules.draft_days:
            cutoff = (now - timedelta(days=rules.draft_days)).strftime("%Y-%m-%dT%H:%M:%S")
            drafts = connection.execute("DELETE FROM drafts WHERE saved_at < ?",
                                        (cutoff,)).rowcount
    result = RetentionResult(len(found.clients), len(found.evidence_files), drafts)
    session.audit("retention.run", "vault", "", clients=result.clients,
                  evidence_files=result.evidence_files, drafts=result.drafts)
    if result.evidence_files or result.drafts:
        # If a backup holds old pages, rows are gone and zeroed (secure_delete) all the same.
        with contextlib.suppress(erasure.ErasureNotPurged):
            erasure.purge(session)
    return result
