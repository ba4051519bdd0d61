"""Store functions behind the bed board, referrals and follow-ups sections."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shelterdesk.domain.errors import PermissionDenied, ValidationFailed
from shelterdesk.domain.referrals import Consent, Organisation, Referral, status_change_problems
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter, Stay
from shelterdesk.domain.tasks import FollowUp, bucket_for
from shelterdesk.store import settings
from shelterdesk.store.records import (
    case_labels,
    consents,
    organisations,
    referrals,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, intake, login

TODAY = date.today()


@pytest.fixture
def beds(admin_session: Session) -> list[str]:
    made = []
    for name in ("Ümid evi", "Şimal"):
        shelter = shelters.add_shelter(admin_session, Shelter(name))
        room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
        made += [shelters.add_bed(admin_session, Bed(room.id, f"Çarpayı {i}")).id for i in (1, 2)]
    return made


def test_stays_of_a_bed_or_a_client_never_overlap(admin_session: Session, beds) -> None:
    first, second = intake(admin_session), intake(admin_session, given_name="Leyla")
    stay = stays.admit(admin_session, first.id, beds[0], TODAY - timedelta(days=20))
    stays.discharge(admin_session, stay.id, TODAY - timedelta(days=10))
    with pytest.raises(stays.BedTakenThen):
        stays.admit(admin_session, second.id, beds[0], TODAY - timedelta(days=12))
    with pytest.raises(stays.InShelterThen):
        stays.admit(admin_session, first.id, beds[1], TODAY - timedelta(days=15))
    # the day of the discharge is free again, for the bed and for the client
    stays.admit(admin_session, second.id, beds[0], TODAY - timedelta(days=10))
    stays.admit(admin_session, first.id, beds[1], TODAY - timedelta(days=10))


def test_a_discharge_cannot_be_in_the_future(admin_session: Session, beds) -> None:
    case = intake(admin_session)
    stay = stays.admit(admin_session, case.id, beds[0], TODAY - timedelta(days=3))
    with pytest.raises(ValidationFailed) as raised:
        stays.discharge(admin_session, stay.id, TODAY + timedelta(days=1))
    assert "future" in str(raised.value)
    problems = Stay(case.id, beds[0], TODAY, discharged_on=TODAY - timedelta(days=1)).validate()
    assert [str(p) for p in problems] == ["Discharged on: is before Admitted on"]


def test_bed_nights_of_one_shelter(admin_session: Session, beds) -> None:
    a, b = intake(admin_session), intake(admin_session)
    start = TODAY - timedelta(days=30)
    stays.admit(admin_session, a.id, beds[0], start)       # first shelter
    stays.admit(admin_session, b.id, beds[2], start + timedelta(days=20))  # second shelter
    board = shelters.board(admin_session)
    first_shelter = next(s.shelter_id for s in board if s.bed_id == beds[0])
    second_shelter = next(s.shelter_id for s in board if s.bed_id == beds[2])
    assert stays.bed_nights(admin_session, start, TODAY, first_shelter) == 30
    assert stays.bed_nights(admin_session, start, TODAY, second_shelter) == 10
    assert stays.bed_nights(admin_session, start, TODAY) == 40


def test_case_labels_follow_privacy_mode(admin_session: Session) -> None:
    case = intake(admin_session, given_name="Aynur Gül", family_name="Məmmədova")
    assert settings.get(admin_session, "privacy_mode") is True
    label = case_labels.case_labels(admin_session, [case.id, "", "missing"])[case.id]
    assert label.text == f"{case.case_code} · A. G. M." and label.full_name == ""
    settings.set_value(admin_session, "privacy_mode", False)
    label = case_labels.case_labels(admin_session, [case.id])[case.id]
    assert label.text == f"{case.case_code} · Aynur Gül Məmmədova"
    assert case_labels.case_labels(admin_session, [case.id], with_names=False)[
        case.id].full_name == ""


def test_many_case_labels_at_once(admin_session: Session) -> None:
    made = [intake(admin_session, given_name=f"Client{i}") for i in range(3)]
    ids = [c.id for c in made] * 400  # more than one chunk of parameters, with repeats
    found = case_labels.case_labels(admin_session, ids)
    assert {found[c.id].case_code for c in made} == {c.case_code for c in made}


def test_referral_status_change_dates(admin_session: Session) -> None:
    case = intake(admin_session)
    org = organisations.add_organisation(admin_session, Organisation("Klinika", "ngo"))
    referred = TODAY - timedelta(days=10)
    ref = referrals.create_referral(admin_session, Referral(case.id, org.id, ["medical"],
                                                            referred, anonymized=True))
    with pytest.raises(ValidationFailed) as raised:
        referrals.set_status(admin_session, ref.id, "sent", on=referred - timedelta(days=1))
    assert "Referral date" in str(raised.value)
    with pytest.raises(ValidationFailed):
        referrals.set_status(admin_session, ref.id, "sent", on=TODAY + timedelta(days=1))
    referrals.set_status(admin_session, ref.id, "sent", on=referred + timedelta(days=2))
    with pytest.raises(ValidationFailed) as raised:
        referrals.set_status(admin_session, ref.id, "accepted", on=referred + timedelta(days=1))
    assert "Last change of status" in str(raised.value)
    referrals.set_status(admin_session, ref.id, "declined", outcome="No free places",
                         on=referred + timedelta(days=4))
    row = referrals.list_referrals(admin_session)[0]
    assert row.referral.status == "declined" and row.referral.outcome == "No free places"
    assert row.status_changed_on == (referred + timedelta(days=4)).isoformat()
    assert status_change_problems(row.referral, "completed", TODAY)[0].field == "status"


def test_buckets() -> None:
    assert bucket_for(TODAY - timedelta(days=1), TODAY) == "overdue"
    assert bucket_for(TODAY, TODAY) == "today"
    assert bucket_for(TODAY + timedelta(days=7), TODAY) == "week"
    assert bucket_for(TODAY + timedelta(days=8), TODAY) == "later"


def test_reopen_a_follow_up(admin_session: Session) -> None:
    case = intake(admin_session)
    task = tasks.add_follow_up(admin_session, FollowUp(case.id, TODAY, "court_date"))
    tasks.complete_follow_up(admin_session, task.id)
    assert tasks.due_follow_ups(admin_session) == []
    tasks.reopen_follow_up(admin_session, task.id)
    assert [d.task.id for d in tasks.due_follow_ups(admin_session)] == [task.id]


def test_only_coordinators_list_every_cases_follow_ups(vault: Vault,
                                                       admin_session: Session) -> None:
    add_role_users(admin_session)
    theirs = intake(admin_session)
    tasks.add_follow_up(admin_session, FollowUp(theirs.id, TODAY, "court_date"))
    with login(vault, Role.CASE_WORKER) as worker:
        mine = intake(worker)
        tasks.add_follow_up(worker, FollowUp(mine.id, TODAY, "check_in"))
        assert [d.case_code for d in tasks.due_follow_ups(worker)] == [mine.case_code]
        with pytest.raises(PermissionDenied):
            tasks.due_follow_ups(worker, mine_only=False)
        with pytest.raises(PermissionDenied):
            consents.expiring_consents(worker, mine_only=False)
    assert len(tasks.due_follow_ups(admin_session, mine_only=False)) == 2


def test_expiring_consents(vault: Vault, admin_session: Session) -> None:
    org = organisations.add_organisation(admin_session, Organisation("Hüquq Mərkəzi", "ngo"))
    given = TODAY - timedelta(days=300)
    soon, renewed, lapsed, far, withdrawn, closed = (intake(admin_session) for _ in range(6))

    def consent(case, expires: date, **kw) -> Consent:
        return consents.add_consent(admin_session, Consent(
            case.id, kw.pop("purpose", "referral"), kw.pop("given", given),
            to_org_id=org.id, expires_on=expires, **kw))

    consent(soon, TODAY + timedelta(days=3))
    consent(renewed, TODAY + timedelta(days=2))
    consent(renewed, TODAY + timedelta(days=300), given=TODAY)
    consent(lapsed, TODAY - timedelta(days=5))
    consent(far, TODAY + timedelta(days=40))
    consent(withdrawn, TODAY + timedelta(days=1))
    consents.withdraw(admin_session, withdrawn.id, "referral", org.id)
    consent(closed, TODAY + timedelta(days=1))
    # Closing takes a date and a reason (issue 15), not a status edit.
    from shelterdesk.domain.closure import Closure
    from shelterdesk.store.records import case_closure

    case_closure.close_case(admin_session, closed.id, Closure(closed.intake_date, "safe_return"))
    found = consents.expiring_consents(admin_session)
    assert [e.case_code for e in found] == [lapsed.case_code, soon.case_code]
    assert found[1].org_name == "Hüquq Mərkəzi"
    assert found[1].consent.expires_on == TODAY + timedelta(days=3)
    assert [e.case_code for e in consents.expiring_consents(admin_session, days_back=1)] == [
        soon.case_code]
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as worker:
        assert consents.expiring_consents(worker) == []  # none of these cases is theirs
