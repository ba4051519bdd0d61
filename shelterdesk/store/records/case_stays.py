"""A case's shelter stays with the shelter, room and bed each one used, for the client file."""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.shelters import Stay
from shelterdesk.store import access
from shelterdesk.store.rows import to_date
from shelterdesk.store.vault import Session


@dataclass(frozen=True)
class StayRow:
    stay: Stay
    shelter_name: str
    room_name: str
    bed_label: str

    @property
    def place(self) -> str:
        return " · ".join(p for p in (self.shelter_name, self.room_name, self.bed_label) if p)


def stays_with_beds(session: Session, case_id: str) -> list[StayRow]:
    """Newest first; the open stay (if any) leads."""
    access.require(session, Kind.STAY, Action.VIEW, case_id)
    with session.lock:
        rows = session.connection.execute(
            "SELECT st.id, st.case_id, st.bed_id, st.admitted_on, st.discharged_on,"
            " st.discharge_reason, coalesce(s.name, ''), coalesce(r.name, ''),"
            " coalesce(b.label, '') FROM stays st LEFT JOIN beds b ON b.id = st.bed_id"
            " LEFT JOIN rooms r ON r.id = b.room_id LEFT JOIN shelters s ON s.id = r.shelter_id"
            " WHERE st.case_id = ? ORDER BY st.discharged_on IS NOT NULL, st.admitted_on DESC",
            (case_id,)).fetchall()
    return [StayRow(Stay(id=r[0], case_id=r[1], bed_id=r[2], admitted_on=to_date(r[3]),
                         discharged_on=to_date(r[4]), discharge_reason=r[5]), r[6], r[7], r[8])
            for r in rows]
