"""The duplicate warning at intake: folded name + birth date (with the father's name), phone,
document."""

from __future__ import annotations

from datetime import date

from shelterdesk.store import audit
from shelterdesk.store.records import duplicates
from shelterdesk.store.vault import Session
from tests.records_helpers import intake, make_client


def test_same_person_spelled_differently_is_found_by_name_and_birth_date(
        admin_session: Session) -> None:
    case = intake(admin_session, patronymic="Əli qızı", phone="", document_number="")
    probe = make_client(given_name="AYNUR", family_name="Mammadova", patronymic="Ali qizi",
                        phone="", document_number="")
    [found] = duplicates.find_possible_duplicates(admin_session, probe)
    assert (found.case_code, found.reasons) == (case.case_code, ("name",))
    other_father = make_client(patronymic="Vüqar qızı", phone="", document_number="")
    assert duplicates.find_possible_duplicates(admin_session, other_father) == []
    other_birthday = make_client(date_of_birth=date(1999, 4, 13), phone="", document_number="")
    assert duplicates.find_possible_duplicates(admin_session, other_birthday) == []
    assert audit.recent(admin_session.connection, 1)[0].action == "intake.duplicate_check"


def test_phone_or_document_alone_is_enough(admin_session: Session) -> None:
    case = intake(admin_session)  # +994 50 123 45 67, AA1234567
    by_phone = make_client(given_name="Leyla", date_of_birth=None, phone="050 123 45 67",
                           document_number="")
    assert [(f.case_code, f.reasons) for f in duplicates.find_possible_duplicates(
        admin_session, by_phone)] == [(case.case_code, ("phone",))]
    by_document = make_client(given_name="Leyla", date_of_birth=None, phone="",
                              document_number="aa 1234567")
    assert [f.reasons for f in duplicates.find_possible_duplicates(
        admin_session, by_document)] == [("document",)]
    duplicates.confirm_different_person(admin_session, [case.id])
    entry = audit.recent(admin_session.connection, 1)[0]
    assert (entry.action, entry.object_id) == ("intake.not_duplicate", case.id)
