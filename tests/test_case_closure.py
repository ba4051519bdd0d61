"""Closing and reopening a case: reasons, an open stay first, read-only while closed."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.closure import CaseClosed, Closure
from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import Note
from shelterdesk.store import audit
from shelterdesk.store.records import case_closure, clients, shelters, stays, tasks
from shelterdesk.store.vault import Session
from tests.records_helpers import intake


def test_close_needs_a_reason_and_a_date_after_intake(admin_session: Session) -> None:
    case = intake(admin_session)  # intake 2026-03-01
    with pytest.raises(ValidationFailed) as refused:
        case_closure.close_case(admin_session, case.id, Closure(date(2026, 2, 1), ""))
    assert {p.field for p in refused.value.problems} == {"closed_on", "closure_reason"}
    with pytest.raises(ValidationFailed) as refused:
        case_closure.close_case(admin_session, case.id, Closure(date(2026, 3, 5), "other"))
    assert [p.field for p in refused.value.problems] == ["closure_note"]
    assert clients.get_case(admin_session, case.id)[1].status == "open"


def test_open_stay_must_be_discharged_first_then_closed_is_read_only(
        admin_session: Session) -> None:
    case = intake(admin_session)
    shelter = shelters.add_shelter(admin_session, Shelter("House"))
    room = shelters.add_room(admin_session, Room(shelter.id, "R"))
    bed = shelters.add_bed(admin_session, Bed(room.id, "B")).id
    stay = stays.admit(admin_session, case.id, bed, date(2026, 3, 1))
    with pytest.raises(case_closure.OpenStayFirst):
        case_closure.close_case(admin_session, case.id, Closure(date(2026, 3, 5), "safe_return"))
    stays.discharge(admin_session, stay.id, date(2026, 3, 5))
    case_closure.close_case(admin_session, case.id, Closure(date(2026, 3, 5), "transferred"))
    assert clients.get_case(admin_session, case.id)[1].status == "closed_referred"
    with pytest.raises(CaseClosed):
        tasks.add_note(admin_session, Note(case.id, "after closing"))
    with pytest.raises(CaseClosed):
        stays.admit(admin_session, case.id, bed, date(2026, 3, 6))
    with pytest.raises(case_closure.CaseAlreadyClosed):
        case_closure.close_case(admin_session, case.id, Closure(date(2026, 3, 5), "death"))
    with pytest.raises(ValidationFailed):
        case_closure.reopen_case(admin_session, case.id, " ")
    case_closure.reopen_case(admin_session, case.id, "came back to the shelter")
    assert clients.get_case(admin_session, case.id)[1].status == "open"
    tasks.add_note(admin_session, Note(case.id, "after reopening"))
    events = case_closure.closure_events(admin_session, case.id)
    assert [(e.event, e.reason) for e in events] == [
        ("close", "transferred"), ("reopen", "came back to the shelter")]
    actions = [e.action for e in audit.recent(admin_session.connection, 20)]
    assert "case.close" in actions and "case.reopen" in actions


def test_closures_are_counted_by_reason_in_statistics(admin_session: Session) -> None:
    from shelterdesk.store.statistics import aggregates

    for _ in range(2):
        case = intake(admin_session)
        case_closure.close_case(admin_session, case.id, Closure(date(2026, 3, 5), "safe_return"))
    reopened = intake(admin_session)
    case_closure.close_case(admin_session, reopened.id, Closure(date(2026, 3, 6), "lost_contact"))
    case_closure.reopen_case(admin_session, reopened.id, "found again")
    data = aggregates.compute(admin_session, aggregates.Period(date(2026, 3, 1),
                                                               date(2026, 4, 1)))
    assert data.closures == {"safe_return": {"2026-03": 2}}


def test_the_intake_form_cannot_close_a_case_without_a_reason(admin_session: Session) -> None:
    case = intake(admin_session)
    client, stored = clients.get_case(admin_session, case.id)
    stored.status = "closed"
    with pytest.raises(ValidationFailed) as refused:
        clients.update_intake(admin_session, client, stored)
    assert refused.value.problems[0].field == "status"
    stored.status = "follow_up"
    clients.update_intake(admin_session, client, stored)
    assert clients.get_case(admin_session, case.id)[1].status == "follow_up"
