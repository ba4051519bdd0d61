"""Corrections keep the earlier version: history, "corrected by", reasons, audit, permissions."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.care import LegalConsultation, MedicalService
from shelterdesk.domain.errors import PermissionDenied, ValidationFailed
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.store import audit
from shelterdesk.store.keys import users
from shelterdesk.store.records import (
    care,
    corrections,
    evidence,
    record_corrections,
    shelter_changes,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.vault import Session
from tests.records_helpers import ROLE_PASSPHRASE, add_role_users, intake, login

DAY = date(2026, 3, 2)


def test_legal_correction_keeps_the_earlier_text_in_history_and_audit(
        admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    vault = admin_session.vault
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        saved = care.add_legal_consultation(lawyer, LegalConsultation(
            case.id, DAY, "compensation", summary="Claim for 2,000 AZN"))
        saved.summary = "Claim for 20,000 AZN"
        with pytest.raises(ValidationFailed) as refused:
            record_corrections.correct_legal_consultation(lawyer, saved, "  ")
        assert refused.value.problems[0].field == "reason"
        record_corrections.correct_legal_consultation(lawyer, saved, "a zero was missing")
        [now] = care.list_legal_consultations(lawyer, case.id)
        assert now.summary == "Claim for 20,000 AZN"
        [earlier] = corrections.history(lawyer, "legal_consultations", saved.id)
        assert earlier.content["summary"] == "Claim for 2,000 AZN"
        assert earlier.reason == "a zero was missing" and earlier.corrected_by == lawyer.user.id
        marks = corrections.marks_for_case(lawyer, "legal_consultations", case.id)
        assert marks[saved.id].versions == 1 and marks[saved.id].corrected_at is not None
        actions = [e.action for e in audit.recent(lawyer.connection, 6)]
        assert "legal.correct" in actions and "record.history" in actions
    with login(vault, Role.CASE_WORKER) as worker:
        with pytest.raises(PermissionDenied):
            corrections.history(worker, "legal_consultations", saved.id)
        with pytest.raises(PermissionDenied):
            record_corrections.correct_legal_consultation(worker, saved, "no")


def test_medical_correction_needs_a_reason_and_is_refused_to_a_lawyer(
        admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    record = care.add_medical_service(admin_session, MedicalService(
        case.id, DAY, "examination", summary="first"))
    record.summary = "second"
    with login(admin_session.vault, Role.LEGAL_ADVISOR) as lawyer, \
            pytest.raises(PermissionDenied):
        record_corrections.correct_medical_service(lawyer, record, "reason")
    record_corrections.correct_medical_service(admin_session, record, "typo")
    record.summary = "third"
    record_corrections.correct_medical_service(admin_session, record, "another")
    versions = corrections.history(admin_session, "medical_services", record.id)
    assert [v.content["summary"] for v in versions] == ["first", "second"]
    assert [v.version for v in versions] == [1, 2]


def test_a_correction_cannot_move_a_record_to_another_case(admin_session: Session) -> None:
    first, second = intake(admin_session), intake(admin_session, given_name="Leyla")
    note = tasks.add_note(admin_session, Note(first.id, "as written"))
    note.case_id, note.body = second.id, "changed"
    record_corrections.correct_note(admin_session, note)
    assert [n.body for n in tasks.list_notes(admin_session, first.id)] == ["changed"]
    assert tasks.list_notes(admin_session, second.id) == []


def test_evidence_correction_never_touches_the_file_or_its_hash(admin_session: Session) -> None:
    case = intake(admin_session)
    item = evidence.add_evidence(admin_session, EvidenceItem(
        case.id, "screenshot", "chat.png", "image/png", b"\x89PNG-bytes"))
    changed = EvidenceItem(case.id, "chat_export", "other.png", "text/plain", b"", id=item.id,
                           description="chat with the recruiter", platform="telegram",
                           sha256="0" * 64)
    record_corrections.correct_evidence(admin_session, changed, "kind was wrong")
    [stored] = evidence.list_evidence(admin_session, case.id)
    assert (stored.kind, stored.platform, stored.description) == (
        "chat_export", "telegram", "chat with the recruiter")
    assert (stored.file_name, stored.sha256) == ("chat.png", item.sha256)
    assert evidence.read_content(admin_session, item.id) == b"\x89PNG-bytes"
    [earlier] = corrections.history(admin_session, "evidence_items", item.id)
    assert earlier.content["kind"] == "screenshot" and "content" not in earlier.content


def test_follow_up_correction(admin_session: Session) -> None:
    case = intake(admin_session)
    task = tasks.add_follow_up(admin_session, FollowUp(case.id, DAY, "check_in"))
    task.due_on = date(2026, 3, 9)
    record_corrections.correct_follow_up(admin_session, task)
    assert tasks.list_follow_ups(admin_session, case.id)[0].due_on == date(2026, 3, 9)
    assert corrections.history(admin_session, "follow_ups", task.id)[0].content["due_on"] \
        == DAY.isoformat()


def _bed(session: Session, label: str = "B1") -> str:
    shelter = shelters.add_shelter(session, Shelter("House"))
    room = shelters.add_room(session, Room(shelter.id, "R1"))
    return shelters.add_bed(session, Bed(room.id, label)).id


def test_stay_dates_are_corrected_by_a_coordinator_without_overlap(
        admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    bed = _bed(admin_session)
    first = stays.admit(admin_session, case.id, bed, date(2026, 3, 1))
    stays.discharge(admin_session, first.id, date(2026, 3, 10))
    second = stays.admit(admin_session, case.id, bed, date(2026, 3, 12))
    with login(admin_session.vault, Role.CASE_WORKER) as worker, \
            pytest.raises(PermissionDenied):
        record_corrections.correct_stay_dates(worker, first.id, date(2026, 3, 2),
                                              date(2026, 3, 10), "typo")
    with pytest.raises(record_corrections.StaysOverlap):
        record_corrections.correct_stay_dates(admin_session, first.id, date(2026, 3, 1),
                                              date(2026, 3, 13), "late discharge")
    record_corrections.correct_stay_dates(admin_session, first.id, date(2026, 3, 2),
                                          date(2026, 3, 11), "dates from the register")
    assert [(s.admitted_on, s.discharged_on) for s in stays.stays_for_case(
        admin_session, case.id) if s.id == first.id] == [(date(2026, 3, 2), date(2026, 3, 11))]
    assert corrections.history(admin_session, "stays", first.id)[0].content["admitted_on"] \
        == "2026-03-01"
    assert second.id


def test_shelter_renames_and_retiring_only_a_free_bed(admin_session: Session) -> None:
    case = intake(admin_session)
    bed = _bed(admin_session, "B1")
    room_id = admin_session.connection.execute("SELECT room_id FROM beds WHERE id = ?",
                                               (bed,)).fetchone()[0]
    shelter_changes.rename_bed(admin_session, Bed(room_id, "Bed by the window", id=bed))
    assert [b.label for b in shelters.board(admin_session)] == ["Bed by the window"]
    stay = stays.admit(admin_session, case.id, bed, DAY)
    with pytest.raises(shelter_changes.BedNotFree):
        shelter_changes.retire_bed(admin_session, bed)
    stays.discharge(admin_session, stay.id, DAY)
    shelter_changes.retire_bed(admin_session, bed)
    assert shelters.board(admin_session) == []
    assert [v.content["label"] for v in corrections.history(admin_session, "beds", bed)] == [
        "B1", "Bed by the window"]


def test_roles_changed_and_a_disabled_user_re_enabled(admin_session: Session) -> None:
    add_role_users(admin_session)
    users.set_roles(admin_session, "worker", [Role.CASE_WORKER, Role.LEGAL_ADVISOR])
    target = next(u for u in users.list_users(admin_session) if u.username == "worker")
    assert corrections.history(admin_session, "users", target.id)[0].content["roles"] \
        == "case_worker"
    users.disable_user(admin_session, "worker")
    users.enable_user(admin_session, "worker", "a brand new passphrase")
    with admin_session.vault.unlock("worker", "a brand new passphrase") as back:
        assert set(back.user.roles) == {Role.CASE_WORKER, Role.LEGAL_ADVISOR}
    with pytest.raises(users.UserNotDisabled):
        users.enable_user(admin_session, "worker", ROLE_PASSPHRASE)
