"""Store calls the client file needs: staff names, stays with beds, one consent withdrawn,
the intake corrected in one transaction, and activity phrases."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.activity import ACTIVITY_PHRASES, activity_phrase
from shelterdesk.domain.errors import PermissionDenied, ValidationFailed
from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.i18n import set_language
from shelterdesk.store.records import (
    case_list,
    case_stays,
    clients,
    consents,
    organisations,
    shelters,
    staff,
    stays,
)
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, intake, login


def test_staff_names_for_anyone_who_sees_clients(vault: Vault, admin_session: Session) -> None:
    add_role_users(admin_session)
    lawyer = login(vault, Role.LEGAL_ADVISOR)
    analyst = login(vault, Role.STATISTICS)
    try:
        names = {member.username for member in staff.list_staff(lawyer)}
        assert {"aysel", "lawyer", "worker", "doctor"} <= names
        with pytest.raises(PermissionDenied):
            staff.list_staff(analyst)
    finally:
        lawyer.close()
        analyst.close()


def test_stays_with_beds(admin_session: Session) -> None:
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    bed = shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 2"))
    case = intake(admin_session)
    first = stays.admit(admin_session, case.id, bed.id, on=date(2026, 3, 1))
    stays.discharge(admin_session, first.id, on=date(2026, 3, 5), reason="moved")
    stays.admit(admin_session, case.id, bed.id, on=date(2026, 3, 6))
    rows = case_stays.stays_with_beds(admin_session, case.id)
    assert [r.stay.is_open for r in rows] == [True, False]
    assert rows[0].place == "Ümid evi · Otaq 1 · Çarpayı 2"
    assert rows[1].stay.discharge_reason == "moved"


def test_withdraw_one_consent(admin_session: Session) -> None:
    org = organisations.add_organisation(admin_session, Organisation("Hüquqi Yardım", "ngo"))
    case = intake(admin_session)
    kept = consents.add_consent(admin_session, Consent(case.id, "data_storage",
                                                       date(2026, 3, 1)))
    gone = consents.add_consent(admin_session, Consent(case.id, "referral", date(2026, 3, 1),
                                                       to_org_id=org.id))
    withdrawn = consents.withdraw_consent(admin_session, gone.id, on=date(2026, 3, 3))
    assert withdrawn.withdrawn_on == date(2026, 3, 3)
    by_id = {c.id: c for c in consents.list_consents(admin_session, case.id)}
    assert by_id[kept.id].withdrawn_on is None
    assert not by_id[gone.id].in_force(date(2026, 3, 4))
    with pytest.raises(consents.NoConsentToWithdraw):
        consents.withdraw_consent(admin_session, gone.id, on=date(2026, 3, 4))


def test_update_intake_is_all_or_nothing(admin_session: Session) -> None:
    case = intake(admin_session)
    client, loaded = clients.get_case(admin_session, case.id)
    client.family_name, loaded.risk_level = "Qarayeva", "low"
    clients.update_intake(admin_session, client, loaded)
    client2, case2 = clients.get_case(admin_session, case.id)
    assert client2.family_name == "Qarayeva" and case2.risk_level == "low"
    found = case_list.list_cases(admin_session, case_list.CaseFilter(search="qarayeva"))
    assert [r.case_id for r in found] == [case.id]
    client2.family_name, case2.risk_level = "Əliyeva", "extreme"
    with pytest.raises(ValidationFailed):
        clients.update_intake(admin_session, client2, case2)
    client3, case3 = clients.get_case(admin_session, case.id)
    assert client3.family_name == "Qarayeva" and case3.risk_level == "low"


def test_update_intake_refused_to_medical_staff(vault: Vault, admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    client, loaded = clients.get_case(admin_session, case.id)
    doctor = login(vault, Role.MEDICAL)
    try:
        with pytest.raises(PermissionDenied):
            clients.update_intake(doctor, client, loaded)
    finally:
        doctor.close()


def test_activity_phrases_are_translated() -> None:
    assert activity_phrase("legal.add") == "Legal consultation recorded"
    assert activity_phrase("x.unknown") == "Other change (x.unknown)"
    set_language("az")
    try:
        for action in ACTIVITY_PHRASES:
            assert activity_phrase(action) != _english(action), action
    finally:
        set_language("en")


def _english(action: str) -> str:
    return ACTIVITY_PHRASES[action]
