"""Erasing a client: every row and index entry goes, and no string is left in the file's bytes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shelterdesk.domain.care import LegalConsultation, MedicalService, OtherService
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.referrals import Consent, Organisation, Referral
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.store import audit
from shelterdesk.store.records import (
    care,
    case_list,
    clients,
    consents,
    evidence,
    organisations,
    perpetrators,
    referrals,
    search,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.records.erasure import erase_client
from shelterdesk.store.rows import NotFound
from shelterdesk.store.vault import Session, Vault
from tests.backup_helpers import dump, fresh_checks, vault_key
from tests.raw_pages import everything_readable
from tests.records_helpers import add_role_users, login, make_case, make_client

DAY = date(2026, 3, 2)
# Strings only the erased client has, as typed and as the search index folds them.
SECRETS = ["Zümrüdxanım", "zumrudxanim", "Qarayeva", "qarayeva", "Gizli küçə 99",
           "ERASEDOC998877", "70 555 12 34", "705551234", "Erasenote kvzq", "erasenote",
           "Erasetask pqwz", "Eraselegal ymnb", "Eraselegalout", "Erasemedical trvx",
           "Eraseservice hjkl", "Erasereferral outcome", "ERASEBLOB-7f3a", "erasechat.png",
           "https://instagram.com/eraseprofile", "Erasepetrator Rustamov", "+7 999 111 22 33",
           "Erasecustody Unit 9", "Erasedraft content"]
KEPT = ["Gülnarə", "Keepova", "Keepnote stays"]
SEALED = {"Eraselegal ymnb", "Eraselegalout", "Erasemedical trvx", "ERASEBLOB-7f3a",
          "erasechat.png", "https://instagram.com/eraseprofile", "Erasepetrator Rustamov",
          "+7 999 111 22 33"}


def _full_file(session: Session, *, name: str, family: str, marker: str, beds: list[str],
               bed: int, org_id: str) -> str:
    case = clients.create_intake(
        session, make_client(given_name=name, family_name=family,
                             phone="+994 70 555 12 34" if marker == "Erase" else "+994 51 1",
                             address="Gizli küçə 99" if marker == "Erase" else "",
                             document_number="ERASEDOC998877" if marker == "Erase" else "X1"),
        make_case(), [Consent("", "data_storage", DAY)])
    tasks.add_note(session, Note(case.id, f"{marker}note kvzq" if marker == "Erase"
                                 else "Keepnote stays"))
    if marker != "Erase":
        return case.id
    tasks.add_follow_up(session, FollowUp(case.id, date(2026, 4, 1), "check_in",
                                          description="Erasetask pqwz"))
    care.add_legal_consultation(session, LegalConsultation(
        case.id, DAY, "victim_status", summary="Eraselegal ymnb", outcome="Eraselegalout"))
    care.add_medical_service(session, MedicalService(case.id, DAY, "examination",
                                                     summary="Erasemedical trvx"))
    care.add_other_service(session, OtherService(case.id, DAY, "psychosocial",
                                                 description="Eraseservice hjkl"))
    consent = consents.add_consent(session, Consent(case.id, "referral", DAY, to_org_id=org_id))
    referral = referrals.create_referral(session, Referral(case.id, org_id, ["legal"], DAY))
    assert referral.consent_id == consent.id
    referrals.set_status(session, referral.id, "sent", outcome="Erasereferral outcome")
    item = evidence.add_evidence(session, EvidenceItem(
        case.id, "screenshot", "erasechat.png", "image/png", b"ERASEBLOB-7f3a " * 2000,
        platform="instagram", source_link="https://instagram.com/eraseprofile"))
    evidence.add_custody_event(session, item.id, "handed_to_police",
                               recipient="Erasecustody Unit 9")
    perpetrators.add_perpetrator(session, Perpetrator(
        case.id, roles=["recruiter"], description="Erasepetrator Rustamov",
        phones=["+7 999 111 22 33"], evidence_ids=[item.id]))
    stays.admit(session, case.id, beds[bed], DAY)
    with session.lock:
        session.connection.execute(
            "INSERT INTO drafts (id, user_id, form, subject_id, content, saved_at)"
            " VALUES ('draft-1', ?, 'note', ?, ?, ?)",
            (session.user.id, case.id, json.dumps({"body": "Erasedraft content"}), "now"))
    return case.id


@pytest.fixture
def two_clients(admin_session: Session) -> tuple[str, str]:
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    beds = [shelters.add_bed(admin_session, Bed(room.id, f"Çarpayı {i}")).id for i in (1, 2)]
    org = organisations.add_organisation(admin_session, Organisation("Hüquq Mərkəzi", "ngo"))
    erased = _full_file(admin_session, name="Zümrüdxanım", family="Qarayeva", marker="Erase",
                        beds=beds, bed=0, org_id=org.id)
    kept = _full_file(admin_session, name="Gülnarə", family="Keepova", marker="Keep",
                      beds=beds, bed=1, org_id=org.id)
    return erased, kept


def _readable(session: Session) -> bytes:
    return everything_readable(session.vault.database_path, vault_key(session.vault.directory))


def test_before_erasure_the_strings_are_there(admin_session: Session, two_clients) -> None:
    """The control: the page decryption really shows stored text (else the test proves nothing)."""
    admin_session.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = _readable(admin_session)
    for text in SECRETS + KEPT:
        if text in SEALED:  # compartment content: ciphertext even before (test_compartments)
            assert text.encode() not in data, text
        else:
            assert text.encode() in data, text


def test_erasure_leaves_no_string_in_the_raw_bytes_nor_in_the_index(
        admin_session: Session, two_clients) -> None:
    erased, kept = two_clients
    before = dump(admin_session.connection)
    report = erase_client(admin_session, erased)
    assert report.purged and report.case_ids == [erased]
    assert report.rows["clients"] == 1 and report.rows["evidence_items"] == 1
    assert report.rows["custody_events"] == 2 and report.rows["drafts"] == 1
    # Every byte of the file and the WAL, free pages included, decrypted with the key.
    data = _readable(admin_session)
    for text in SECRETS:
        for encoding in ("utf-8", "utf-16-le"):
            assert text.encode(encoding) not in data, text
    for text in KEPT:
        assert text.encode() in data, text
    # The search index finds nothing of the erased client, and still finds the other one.
    with admin_session.lock:
        assert search.matching_case_ids(admin_session.connection, "Zümrüdxanım") == []
        assert search.matching_case_ids(admin_session.connection, "qarayeva") == []
        assert search.matching_case_ids(admin_session.connection, "Erasenote") == []
        assert search.matching_case_ids(admin_session.connection, "keepova") == [kept]
    assert case_list.count_cases(admin_session) == 1
    with pytest.raises(NotFound):
        clients.get_case(admin_session, erased)
    # Nothing else changed: every other row is as it was, and exactly the counted rows went.
    after = dump(admin_session.connection)
    for table, rows in before.items():
        if table in ("audit_log", "meta", "search_map") or table.startswith("search_index"):
            continue
        if table in ("change_log", "sqlite_sequence") or table.startswith("sync_"):
            continue  # sync bookkeeping: the erasure's tombstones (tests/test_sync_erasure.py)
        assert set(after[table]) <= set(rows), table
        assert len(rows) - len(after[table]) == report.rows.get(table, 0), table
    fresh_checks(admin_session.vault.database_path, vault_key(admin_session.vault.directory))


def test_erasure_is_audited_with_counts_only(admin_session: Session, two_clients) -> None:
    erased, _kept = two_clients
    report = erase_client(admin_session, erased)
    entry = audit.recent(admin_session.connection, 1)[0]
    assert entry.action == "client.erase" and entry.object_id == report.client_id
    assert entry.detail["cases"] == 1 and entry.detail["rows"]["notes"] == 1
    text = json.dumps(entry.detail)
    assert not any(secret in text for secret in SECRETS)
    assert audit.verify(admin_session.connection).ok


def test_only_a_coordinator_erases(vault: Vault, admin_session: Session, two_clients) -> None:
    erased, _kept = two_clients
    add_role_users(admin_session)
    for role in (Role.CASE_WORKER, Role.LEGAL_ADVISOR, Role.MEDICAL, Role.STATISTICS):
        with login(vault, role) as session, pytest.raises(PermissionDenied):
            erase_client(session, erased)
    assert case_list.count_cases(admin_session) == 2


def test_custody_events_stay_append_only_after_an_erasure(admin_session: Session,
                                                          two_clients) -> None:
    from shelterdesk.store.connection import DatabaseError

    erased, kept = two_clients
    evidence.add_evidence(admin_session, EvidenceItem(kept, "profile_link",
                                                      source_link="https://vk.com/keep"))
    erase_client(admin_session, erased)
    assert admin_session.meta("erasing") == ""
    assert admin_session.connection.execute("SELECT count(*) FROM custody_events").fetchone()[0]
    with pytest.raises(DatabaseError):
        admin_session.connection.execute("DELETE FROM custody_events")


def test_an_unknown_case_changes_nothing(admin_session: Session, two_clients) -> None:
    before = dump(admin_session.connection)
    with pytest.raises(NotFound):
        erase_client(admin_session, "no-such-case")
    assert dump(admin_session.connection) == before


def test_an_open_reader_delays_the_purge_and_says_so(admin_session: Session,
                                                     two_clients) -> None:
    from shelterdesk.store.records.erasure import purge

    erased, _kept = two_clients
    reader = admin_session.open_connection()  # e.g. a backup being made
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM clients").fetchone()
    try:
        report = erase_client(admin_session, erased)
        assert not report.purged and report.rows["clients"] == 1
    finally:
        reader.execute("COMMIT")
        reader.close()
    purge(admin_session)
    data = _readable(admin_session)
    assert not any(text.encode() in data for text in SECRETS)
