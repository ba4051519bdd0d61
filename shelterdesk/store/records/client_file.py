"""The overview of one client file: who, status, risk, stay, next tasks, consents, activity.

Only what the user's roles allow is filled in; the rest stays empty, so a
front end cannot show what it was never given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.permissions import Action, Kind, visible_kinds
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.shelters import Stay
from shelterdesk.domain.tasks import FollowUp
from shelterdesk.store.access import can
from shelterdesk.store.records import clients, consents, stays, tasks
from shelterdesk.store.vault import Session


@dataclass
class ActivityItem:
    at: str
    action: str  # an audit action code, e.g. "legal.add"
    actor_id: str


@dataclass
class ClientFile:
    client: Client
    case: Case
    visible: set[Kind]
    open_stay: Stay | None = None
    bed_label: str = ""
    next_follow_ups: list[FollowUp] = field(default_factory=list)
    consents_in_force: list[Consent] = field(default_factory=list)
    recent_activity: list[ActivityItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


_COUNTED = {
    Kind.LEGAL: "legal_consultations", Kind.MEDICAL: "medical_services",
    Kind.SERVICE: "other_services", Kind.STAY: "stays", Kind.REFERRAL: "referrals",
    Kind.CONSENT: "consents", Kind.EVIDENCE: "evidence_items", Kind.PERPETRATOR: "perpetrators",
    Kind.NOTE: "notes", Kind.FOLLOW_UP: "follow_ups",
}
# Activity on content a user may not see is left out of their view of the file.
_ACTION_KIND = {"legal": Kind.LEGAL, "medical": Kind.MEDICAL}


def open_file(session: Session, case_id: str, today: date | None = None) -> ClientFile:
    today = today or date.today()
    client, case = clients.get_case(session, case_id)
    visible = visible_kinds(session.user.roles)
    result = ClientFile(client, case, visible)
    if can(session, Kind.STAY, Action.VIEW):
        result.open_stay = stays.open_stay(session, case_id)
        if result.open_stay:
            with session.lock:
                row = session.connection.execute(
                    "SELECT s.name || ' · ' || r.name || ' · ' || b.label FROM beds b"
                    " JOIN rooms r ON r.id = b.room_id JOIN shelters s ON s.id = r.shelter_id"
                    " WHERE b.id = ?", (result.open_stay.bed_id,)).fetchone()
            result.bed_label = row[0] if row else ""
    if can(session, Kind.FOLLOW_UP, Action.VIEW):
        result.next_follow_ups = [t for t in tasks.list_follow_ups(session, case_id)
                                  if t.done_at is None][:5]
    if can(session, Kind.CONSENT, Action.VIEW):
        result.consents_in_force = [c for c in consents.list_consents(session, case_id)
                                    if c.in_force(today)]
    with session.lock:
        for kind, table in _COUNTED.items():
            if kind in visible:
                result.counts[kind.value] = session.connection.execute(
                    f"SELECT count(*) FROM {table} WHERE case_id = ?", (case_id,)).fetchone()[0]
        rows = session.connection.execute(
            "SELECT at, action, actor_id FROM audit_log WHERE object_kind = 'case'"
            " AND object_id = ? AND action NOT LIKE '%.view' ORDER BY seq DESC LIMIT 40",
            (case_id,)).fetchall()
    for at, action, actor in rows:
        kind = _ACTION_KIND.get(action.split(".")[0])
        if kind is None or kind in visible:
            result.recent_activity.append(ActivityItem(at, action, actor))
    result.recent_activity = result.recent_activity[:10]
    return result
