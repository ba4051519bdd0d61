"""The case records in the real encrypted store: intake, stays, referrals, evidence, tasks."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain import case_codes
from shelterdesk.domain.errors import ValidationFailed
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator, sha256_hex
from shelterdesk.domain.referrals import Consent, Organisation, Referral
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.store import audit
from shelterdesk.store.connection import DatabaseError
from shelterdesk.store.records import (
    case_list,
    client_file,
    clients,
    consents,
    evidence,
    organisations,
    perpetrators,
    referrals,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.vault import Session
from tests.records_helpers import intake, make_case, make_client

DAY = date(2026, 3, 2)


@pytest.fixture
def beds(admin_session: Session) -> list[str]:
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi", address="Secret st. 1"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    return [shelters.add_bed(admin_session, Bed(room.id, f"Çarpayı {i}")).id for i in (1, 2)]


def test_intake_round_trip(admin_session: Session) -> None:
    case = intake(admin_session)
    assert case_codes.is_valid(case.case_code) and case.case_code.startswith("TU-26-")
    client, loaded = clients.get_case(admin_session, case.id)
    assert client.family_name == "Məmmədova" and client.languages == ["az", "ru"]
    assert loaded.means_of_control == ["withheld_documents", "debt_bondage"]
    assert loaded.recruitment_platform == "tinder"
    assert clients.case_id_for_code(admin_session, case.case_code.lower()) == case.id
    actions = [e.action for e in audit.recent(admin_session.connection)]
    assert "case.create" in actions and "case.view" in actions


def test_invalid_intake_writes_nothing(admin_session: Session) -> None:
    with pytest.raises(ValidationFailed) as info:
        clients.create_intake(admin_session, make_client(given_name="", nationality="QQ"),
                              make_case(risk_level="none"))
    assert {p.field for p in info.value.problems} == {"given_name", "nationality", "risk_level"}
    assert case_list.count_cases(admin_session) == 0


def test_consents_taken_at_intake(admin_session: Session) -> None:
    case = clients.create_intake(admin_session, make_client(), make_case(),
                                 [Consent("", "data_storage", DAY)])
    assert [c.purpose for c in consents.list_consents(admin_session, case.id)] == ["data_storage"]


def test_update_client_and_case(admin_session: Session) -> None:
    case = intake(admin_session)
    client, loaded = clients.get_case(admin_session, case.id)
    client.phone = "+994 55 000 11 22"
    clients.update_client(admin_session, client, case.id)
    loaded.victim_status, loaded.status_decision_date = "identified", DAY
    loaded.status_authority = "MIA anti-trafficking department"
    clients.update_case(admin_session, loaded)
    client2, case2 = clients.get_case(admin_session, case.id)
    assert client2.phone == "+994 55 000 11 22" and case2.victim_status == "identified"


def test_one_open_stay_per_bed_and_discharge_frees_it(admin_session: Session, beds) -> None:
    first, second = intake(admin_session), intake(admin_session, given_name="Leyla")
    stay = stays.admit(admin_session, first.id, beds[0], DAY)
    with pytest.raises(stays.BedOccupied):
        stays.admit(admin_session, second.id, beds[0], DAY)
    with pytest.raises(stays.AlreadyInShelter):
        stays.admit(admin_session, first.id, beds[1], DAY)
    board = {b.bed_id: b for b in shelters.board(admin_session)}
    assert board[beds[0]].state == "occupied" and board[beds[0]].case_code == first.case_code
    with pytest.raises(ValidationFailed):
        stays.discharge(admin_session, stay.id, date(2026, 3, 1))
    stays.discharge(admin_session, stay.id, date(2026, 3, 10), "returned home")
    assert {b.bed_id: b for b in shelters.board(admin_session)}[beds[0]].state == "free"
    with pytest.raises(stays.StayAlreadyClosed):
        stays.discharge(admin_session, stay.id, date(2026, 3, 11))
    stays.admit(admin_session, second.id, beds[0], date(2026, 3, 10))
    assert len(stays.bed_history(admin_session, beds[0])) == 2
    assert stays.bed_nights(admin_session, date(2026, 3, 1), date(2026, 3, 12)) == 8 + 2


def test_the_database_itself_refuses_two_open_stays(admin_session: Session, beds) -> None:
    a, b = intake(admin_session), intake(admin_session)
    stays.admit(admin_session, a.id, beds[0], DAY)
    with pytest.raises(DatabaseError):
        admin_session.connection.execute(
            "INSERT INTO stays (id, case_id, bed_id, admitted_on, created_at)"
            " VALUES ('x', ?, ?, '2026-03-02', 'now')", (b.id, beds[0]))


def test_referral_needs_consent_unless_anonymized_or_overridden(admin_session: Session) -> None:
    case = intake(admin_session)
    org = organisations.add_organisation(admin_session, Organisation("Hüquq Mərkəzi", "ngo"))
    with pytest.raises(referrals.ConsentRequired):
        referrals.create_referral(admin_session, Referral(case.id, org.id, ["legal"], DAY))
    anonymized = referrals.create_referral(
        admin_session, Referral(case.id, org.id, ["legal"], DAY, anonymized=True))
    assert anonymized.consent_id == ""
    overridden = referrals.create_referral(
        admin_session, Referral(case.id, org.id, ["medical"], DAY, urgency="emergency"),
        override_reason="Client unconscious, urgent surgery")
    assert overridden.override_reason
    consent = consents.add_consent(admin_session, Consent(case.id, "referral", DAY,
                                                          to_org_id=org.id))
    identified = referrals.create_referral(admin_session,
                                           Referral(case.id, org.id, ["legal"], DAY))
    assert identified.consent_id == consent.id
    consents.withdraw(admin_session, case.id, "referral", org.id, DAY)
    with pytest.raises(referrals.ConsentRequired):
        referrals.create_referral(admin_session, Referral(case.id, org.id, ["legal"], DAY))


def test_referral_status_moves(admin_session: Session) -> None:
    case = intake(admin_session)
    org = organisations.add_organisation(admin_session, Organisation("Klinika", "state"))
    ref = referrals.create_referral(admin_session,
                                    Referral(case.id, org.id, ["medical"], DAY, anonymized=True))
    with pytest.raises(referrals.InvalidTransition):
        referrals.set_status(admin_session, ref.id, "completed")
    for status in ("sent", "accepted", "completed"):
        referrals.set_status(admin_session, ref.id, status, outcome="seen by doctor")
    rows = referrals.list_referrals(admin_session, status="completed")
    assert rows[0].org_name == "Klinika" and rows[0].referral.outcome == "seen by doctor"


def test_evidence_hash_and_append_only_custody(admin_session: Session, tmp_path) -> None:
    case = intake(admin_session)
    content = b"\x89PNG fake screenshot of a chat " * 100
    item = evidence.add_evidence(admin_session, EvidenceItem(
        case.id, "screenshot", "../../chat.png", "image/png", content, platform="instagram",
        source_link="https://instagram.com/recruiter"))
    assert item.sha256 == sha256_hex(content) and item.size == len(content)
    assert item.file_name == "chat.png"
    assert evidence.read_content(admin_session, item.id) == content
    evidence.add_custody_event(admin_session, item.id, "handed_to_police", recipient="Unit 5")
    chain = [e.kind for e in evidence.custody_chain(admin_session, item.id)]
    assert chain == ["captured", "handed_to_police"]
    with pytest.raises(DatabaseError):
        admin_session.connection.execute("UPDATE custody_events SET kind = 'returned'")
    with pytest.raises(DatabaseError):
        admin_session.connection.execute("DELETE FROM custody_events")
    result = evidence.export_item(admin_session, item.id, tmp_path / "export")
    assert result.file_path.read_bytes() == content
    import json

    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["sha256"] == sha256_hex(content) and manifest["case_code"] == case.case_code
    assert [e["kind"] for e in manifest["custody"]] == ["captured", "handed_to_police"]
    admin_session.connection.execute(
        "UPDATE evidence_items SET content = ? WHERE id = ?", (b"tampered", item.id))
    with pytest.raises(evidence.EvidenceAltered):
        evidence.read_content(admin_session, item.id)


def test_perpetrators_linked_to_evidence(admin_session: Session) -> None:
    case = intake(admin_session)
    item = evidence.add_evidence(admin_session, EvidenceItem(
        case.id, "profile_link", source_link="https://vk.com/id1", platform="vkontakte"))
    perpetrator = perpetrators.add_perpetrator(admin_session, Perpetrator(
        case.id, roles=["recruiter", "exploiter"], relationship="online_contact", sex="male",
        nationality="RU", accounts=[{"platform": "vkontakte", "handle": "id1"}],
        phones=["+7 900 000 00 00"], evidence_ids=[item.id]))
    found = perpetrators.list_perpetrators(admin_session, case.id)
    assert found[0].evidence_ids == [item.id] and found[0].roles == ["recruiter", "exploiter"]
    perpetrator.description = "Calls himself Rustam"
    perpetrators.update_perpetrator(admin_session, perpetrator)
    assert perpetrators.list_perpetrators(admin_session, case.id)[0].description


def test_notes_follow_ups_and_overview(admin_session: Session, beds) -> None:
    case = intake(admin_session)
    tasks.add_note(admin_session, Note(case.id, "Prefers to speak Russian"))
    overdue = tasks.add_follow_up(admin_session, FollowUp(case.id, date(2026, 2, 20), "medical"))
    tasks.add_follow_up(admin_session, FollowUp(case.id, date(2026, 3, 5), "court_date"))
    tasks.add_follow_up(admin_session, FollowUp(case.id, date(2026, 6, 1), "check_in"))
    due = tasks.due_follow_ups(admin_session, DAY)
    assert [d.task.kind for d in due] == ["medical", "court_date"]
    assert due[0].task.bucket(DAY) == "overdue" and due[1].task.bucket(DAY) == "week"
    tasks.complete_follow_up(admin_session, overdue.id)
    assert [d.task.kind for d in tasks.due_follow_ups(admin_session, DAY)] == ["court_date"]
    stays.admit(admin_session, case.id, beds[1], DAY)
    consents.add_consent(admin_session, Consent(case.id, "data_storage", DAY))
    overview = client_file.open_file(admin_session, case.id, DAY)
    assert overview.open_stay is not None and "Ümid evi" in overview.bed_label
    assert [t.kind for t in overview.next_follow_ups] == ["court_date", "check_in"]
    assert overview.counts["note"] == 1 and len(overview.consents_in_force) == 1
    assert overview.recent_activity[0].action == "consent.add"


def test_case_list_sorts_filters_and_pages(admin_session: Session, beds) -> None:
    made = [intake(admin_session, given_name=f"Client{i}") for i in range(12)]
    stays.admit(admin_session, made[3].id, beds[0], DAY)
    rows = case_list.list_cases(admin_session, limit=5)
    assert rows[0].case_id == made[3].id  # the latest activity first
    assert len(case_list.list_cases(admin_session, offset=10, limit=5)) == 2
    assert case_list.count_cases(admin_session, case_list.CaseFilter(open_stay=True)) == 1
    assert case_list.count_cases(admin_session, case_list.CaseFilter(
        exploitation_type="sexual", recruitment_channel="dating_app")) == 12
    assert case_list.count_cases(admin_session,
                                 case_list.CaseFilter(exploitation_type="forced_labour")) == 0
    by_code = case_list.list_cases(admin_session, sort="case_code", descending=False, limit=20)
    assert [r.case_code for r in by_code] == sorted(r.case_code for r in by_code)
