"""Compartments: the insider's path, with nothing but her own passphrase and our own functions.

A colleague who unwraps her own key slot outside the app, opens vault.db and
reads every decrypted page (free space and WAL included) must find no text of
a compartment her roles do not hold (docs/security.md "Compartments").
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain.care import LegalConsultation, MedicalService
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.roles import Role
from shelterdesk.store.connection import open_database, transaction
from shelterdesk.store.keys import compartments, users
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.records import care, corrections, evidence, perpetrators
from shelterdesk.store.vault import Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.raw_pages import everything_readable
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login

DAY = date(2026, 3, 5)
MEDICAL_MARK = "HIV positive, marker M-7731"
LEGAL_MARK = "Asylum claim, marker L-4419"
EVIDENCE_MARK = "Chat with recruiter, marker E-5512"
PERPETRATOR_MARK = "Tall man with a scar, marker P-9043"
FILE_MARK = b"PNG bytes of marker F-2270"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    vault = Vault(tmp_path_factory.mktemp("compartments") / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        case = intake(admin)
        care.add_medical_service(admin, MedicalService(case.id, DAY, "examination",
                                                       summary=MEDICAL_MARK))
        care.add_legal_consultation(admin, LegalConsultation(case.id, DAY, "compensation",
                                                             summary=LEGAL_MARK))
        item = evidence.add_evidence(admin, EvidenceItem(
            case.id, "screenshot", "marker-F-2270.png", "image/png", FILE_MARK,
            description=EVIDENCE_MARK))
        perpetrators.add_perpetrator(admin, Perpetrator(
            case.id, roles=["recruiter"], description=PERPETRATOR_MARK,
            phones=["+994 55 000 90 43"]))
    return vault, case.id, item.id


def insider_view(vault: Vault, username: str, passphrase: str) -> tuple[bytes, str, list]:
    """What she gets with her own slot: every decrypted page, every row as SQL sees it,
    and the compartment keys her private key opens."""
    slots = SlotFile.load(vault.slots_path)
    opened = slots.unwrap_user_keys(slots.find(slots.slot_id_for(username)), passphrase)
    assert opened is not None
    vault_key, private_key = opened
    connection = open_database(vault.database_path, vault_key)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'")]
        dump = repr([connection.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables])
        user_id = connection.execute("SELECT id FROM users WHERE username = ?",
                                     (username,)).fetchone()[0]
        keys = compartments.load(connection, user_id, bytes(private_key))
    finally:
        connection.close()
    pages = everything_readable(vault.database_path, bytes(vault_key))
    return pages, dump, keys.held()


def _present(mark: str | bytes, pages: bytes, dump: str) -> bool:
    raw = mark.encode() if isinstance(mark, str) else mark
    return raw in pages or (mark if isinstance(mark, str) else mark.decode()) in dump


def test_a_case_worker_s_own_slot_yields_no_legal_medical_or_evidence_text(world) -> None:
    vault = world[0]
    pages, dump, held = insider_view(vault, ROLE_USERS[Role.CASE_WORKER], ROLE_PASSPHRASE)
    assert b"Aynur" in pages  # she holds the core: the pages were really decrypted
    assert not _present(MEDICAL_MARK, pages, dump)
    assert not _present("HIV positive", pages, dump)
    assert not _present(LEGAL_MARK, pages, dump)
    for mark in (EVIDENCE_MARK, PERPETRATOR_MARK, FILE_MARK, "marker-F-2270"):
        assert not _present(mark, pages, dump)  # case workers record evidence, not read it
    assert held == []


def test_medical_staff_s_own_slot_yields_no_evidence_or_legal_text(world) -> None:
    pages, dump, held = insider_view(world[0], ROLE_USERS[Role.MEDICAL], ROLE_PASSPHRASE)
    for mark in (EVIDENCE_MARK, PERPETRATOR_MARK, FILE_MARK, "marker-F-2270", LEGAL_MARK):
        assert not _present(mark, pages, dump)
    assert held == [compartments.MEDICAL]


def test_a_legal_advisor_holds_legal_and_evidence_not_medical(world) -> None:
    pages, dump, held = insider_view(world[0], ROLE_USERS[Role.LEGAL_ADVISOR], ROLE_PASSPHRASE)
    assert not _present(MEDICAL_MARK, pages, dump)
    assert held == [compartments.LEGAL, compartments.EVIDENCE]


def test_the_coordinator_s_raw_pages_hold_ciphertext_only(world) -> None:
    pages, dump, held = insider_view(world[0], ADMIN, ADMIN_PASSPHRASE)
    assert held == list(compartments.COMPARTMENTS)
    for mark in (MEDICAL_MARK, LEGAL_MARK, EVIDENCE_MARK, PERPETRATOR_MARK, FILE_MARK):
        assert not _present(mark, pages, dump)  # sealed even for those who hold the keys


def test_holders_read_their_compartments_through_the_app(world) -> None:
    vault, case_id, item_id = world
    with login(vault, Role.MEDICAL) as doctor:
        assert [m.summary for m in care.list_medical_services(doctor, case_id)] == [MEDICAL_MARK]
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        assert evidence.read_content(lawyer, item_id) == FILE_MARK
        (item,) = evidence.list_evidence(lawyer, case_id)
        assert (item.description, item.file_name) == (EVIDENCE_MARK, "marker-F-2270.png")
        (perpetrator,) = perpetrators.list_perpetrators(lawyer, case_id)
        assert perpetrator.description == PERPETRATOR_MARK
        assert perpetrator.phones == ["+994 55 000 90 43"]
    with login(vault, Role.CASE_WORKER) as worker:  # write-only: listed, sealed
        (item,) = evidence.list_evidence(worker, case_id)
        assert item.sealed and (item.description, item.file_name) == ("", "")
        (perpetrator,) = perpetrators.list_perpetrators(worker, case_id)
        assert perpetrator.sealed and perpetrator.description == "" and not perpetrator.phones


def test_a_sealed_cell_moved_to_another_row_does_not_open(world) -> None:
    vault, case_id, _ = world
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        other = care.add_medical_service(admin, MedicalService(case_id, DAY, "examination",
                                                               summary="second"))
        with transaction(admin.connection) as connection:
            connection.execute(
                "UPDATE medical_services SET summary = (SELECT summary FROM medical_services"
                " WHERE id != ? LIMIT 1) WHERE id = ?", (other.id, other.id))
        with pytest.raises(compartments.CompartmentLocked):
            care.list_medical_services(admin, case_id)
        with transaction(admin.connection) as connection:
            connection.execute("DELETE FROM medical_services WHERE id = ?", (other.id,))


def test_a_role_granted_brings_its_key_and_one_taken_away_takes_the_grant(world) -> None:
    vault, case_id, _ = world
    worker = ROLE_USERS[Role.CASE_WORKER]
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        users.set_roles(admin, worker, [Role.CASE_WORKER, Role.LEGAL_ADVISOR])
    with login(vault, Role.CASE_WORKER) as session:
        assert [c.summary for c in care.list_legal_consultations(session, case_id)] == [
            LEGAL_MARK]
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        users.set_roles(admin, worker, [Role.CASE_WORKER])
        user_id = admin.connection.execute("SELECT id FROM users WHERE username = ?",
                                           (worker,)).fetchone()[0]
        assert admin.connection.execute(
            "SELECT compartment FROM compartment_grants WHERE user_id = ?",
            (user_id,)).fetchall() == []  # evidence is write-only for case workers


def test_a_passphrase_reset_seals_the_keys_again_to_the_new_key_pair(world) -> None:
    vault, case_id, _ = world
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        users.reset_passphrase(admin, ROLE_USERS[Role.MEDICAL], "a brand new passphrase")
    with vault.unlock(ROLE_USERS[Role.MEDICAL], "a brand new passphrase") as doctor:
        assert MEDICAL_MARK in [m.summary for m in care.list_medical_services(doctor, case_id)]
        users.change_own_passphrase(doctor, "a brand new passphrase", ROLE_PASSPHRASE)
    with login(vault, Role.MEDICAL) as doctor:
        assert MEDICAL_MARK in [m.summary for m in care.list_medical_services(doctor, case_id)]


def test_a_vault_from_before_compartments_is_sealed_at_a_coordinator_s_unlock(tmp_path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        case = intake(admin)
        record = care.add_legal_consultation(admin, LegalConsultation(
            case.id, DAY, "compensation", summary="first words"))
        corrections_reason = "typo"
        from shelterdesk.store.records import record_corrections

        record.summary = LEGAL_MARK + " corrected"
        record_corrections.correct_legal_consultation(admin, record, corrections_reason)
        # As an older version left it: plaintext cells, plaintext kept versions, no keys.
        with transaction(admin.connection) as connection:
            connection.execute("UPDATE legal_consultations SET summary = ?", (LEGAL_MARK,))
            connection.execute("UPDATE record_versions SET content = json_set(content,"
                               " '$.summary', ?)", (LEGAL_MARK + " v1",))
            connection.execute("DELETE FROM compartment_grants")
            connection.execute("DELETE FROM meta WHERE key = 'compartments_swept'")
        admin.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        (found,) = care.list_legal_consultations(admin, case.id)
        assert found.summary == LEGAL_MARK
        (version,) = corrections.history(admin, "legal_consultations", record.id)
        assert version.content["summary"] == LEGAL_MARK + " v1"
        assert admin.meta("vault_id")
    pages, dump, held = insider_view(vault, ADMIN, ADMIN_PASSPHRASE)
    assert compartments.LEGAL in held
    assert not _present(LEGAL_MARK, pages, dump)


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1), row=st.uuids(), other=st.uuids())
def test_a_cell_opens_only_where_it_was_sealed(text: str, row, other) -> None:
    keys = compartments.CompartmentKeys()
    compartments.new_key(keys, compartments.LEGAL)
    sealed = keys.seal("legal_consultations", "summary", str(row), text)
    assert compartments.is_sealed(sealed) and sealed != text
    assert keys.open("legal_consultations", "summary", str(row), sealed) == text
    for table, column, row_id in (("legal_consultations", "outcome", str(row)),
                                  ("legal_consultations", "summary", str(other)),
                                  ("medical_services", "summary", str(row))):
        if row_id == str(row) and column == "summary" and table == "legal_consultations":
            continue
        with pytest.raises(compartments.CompartmentLocked):
            keys.open(table, column, row_id, sealed)
