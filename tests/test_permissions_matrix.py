"""The permission matrix, table-driven: role × record kind × action, through public functions.

Each cell calls the real store function as a user holding only that role and
checks it is allowed or refused with PermissionDenied (and the refusal audited).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shelterdesk.domain.care import LegalConsultation, MedicalService, OtherService
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem, Perpetrator
from shelterdesk.domain.permissions import ACTIONS, MATRIX, Action, Kind, allowed
from shelterdesk.domain.referrals import Consent, Organisation, Referral
from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Shelter
from shelterdesk.domain.tasks import FollowUp, Note
from shelterdesk.store import audit
from shelterdesk.store.records import (
    care,
    case_list,
    client_file,
    clients,
    consents,
    corrections,
    evidence,
    organisations,
    perpetrators,
    record_corrections,
    referrals,
    shelter_changes,
    shelters,
    stays,
    tasks,
)
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, intake, login, make_case, make_client

DAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One vault with a case, an organisation and a bed; users of every single role."""
    from tests.conftest import ADMIN, ADMIN_PASSPHRASE

    vault = Vault(tmp_path_factory.mktemp("matrix") / "vault")
    vault.create(ADMIN, ADMIN_PASSPHRASE, prefix="TU")
    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        add_role_users(admin)
        case = intake(admin)
        org = organisations.add_organisation(admin, Organisation("Legal Aid", "ngo", ["legal"]))
        from shelterdesk.domain.shelters import Bed, Room, Shelter

        shelter = shelters.add_shelter(admin, Shelter("House"))
        room = shelters.add_room(admin, Room(shelter.id, "R1"))
        beds = [shelters.add_bed(admin, Bed(room.id, f"B{i}")).id for i in range(6)]
        SEEDED["consent"] = consents.add_consent(
            admin, Consent(case.id, "referral", DAY, to_org_id=org.id))
    admin = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    SEEDED.update(_seed(admin, case.id), admin=admin, organisation=org, referrals=[
        referrals.create_referral(admin, Referral(case.id, org.id, ["legal"], DAY))
        for _role in Role])
    sessions = {role: login(vault, role) for role in Role}
    yield vault, case.id, org.id, beds, sessions
    for session in [*sessions.values(), admin]:
        session.close()
    SEEDED.clear()


def _seed(admin: Session, case_id: str) -> dict[str, object]:
    """One saved record of every kind that the cells then correct."""
    return {
        "list_legal_consultations": care.add_legal_consultation(
            admin, LegalConsultation(case_id, DAY, "compensation", summary="first text")),
        "list_medical_services": care.add_medical_service(
            admin, MedicalService(case_id, DAY, "examination", summary="first text")),
        "list_other_services": care.add_other_service(
            admin, OtherService(case_id, DAY, "psychosocial")),
        "list_evidence": evidence.add_evidence(
            admin, EvidenceItem(case_id, "screenshot", "s.png", "image/png", b"\x89PNG")),
        "list_perpetrators": perpetrators.add_perpetrator(
            admin, Perpetrator(case_id, roles=["recruiter"])),
        "list_notes": tasks.add_note(admin, Note(case_id, "first note")),
        "list_follow_ups": tasks.add_follow_up(admin, FollowUp(case_id, DAY, "check_in")),
    }


SEEDED: dict[str, object] = {}  # records made by the coordinator, for the cells that correct


def _first(name: str):
    return SEEDED[name]


def _bed_room(session: Session, bed_id: str) -> str:
    return session.connection.execute("SELECT room_id FROM beds WHERE id = ?",
                                      (bed_id,)).fetchone()[0]


def _fresh_referral() -> str:
    """A draft referral of its own for each role's cell (one that sends it cannot resend)."""
    return SEEDED["referrals"].pop().id


def consent_edit(session: Session, case_id: str):
    """Amend the case's current consent (each allowed role's amendment supersedes the last)."""
    def amend():
        current = [c for c in consents.list_consents(session, case_id, current_only=True)
                   if c.withdrawn_on is None]
        return consents.amend_consent(session, current[-1].id, details=["name", "contact"],
                                      reason="matrix")
    return amend


def attempt(kind: Kind, action: Action, session: Session, case_id: str, org_id: str,
            beds: list[str]):
    """The public function for (kind, action)."""
    calls = {
        (Kind.CLIENT, Action.VIEW): lambda: clients.get_case(session, case_id),
        (Kind.CLIENT, Action.CREATE): lambda: clients.create_intake(session, make_client(),
                                                                    make_case()),
        (Kind.CLIENT, Action.EDIT): lambda: clients.update_case(
            session, clients.load_case(session.connection, case_id)[1]),
        (Kind.LEGAL, Action.VIEW): lambda: care.list_legal_consultations(session, case_id),
        (Kind.LEGAL, Action.CREATE): lambda: care.add_legal_consultation(
            session, LegalConsultation(case_id, DAY, "compensation", summary="privileged")),
        (Kind.MEDICAL, Action.VIEW): lambda: care.list_medical_services(session, case_id),
        (Kind.MEDICAL, Action.CREATE): lambda: care.add_medical_service(
            session, MedicalService(case_id, DAY, "examination", summary="confidential")),
        (Kind.SERVICE, Action.VIEW): lambda: care.list_other_services(session, case_id),
        (Kind.SERVICE, Action.CREATE): lambda: care.add_other_service(
            session, OtherService(case_id, DAY, "psychosocial")),
        (Kind.STAY, Action.VIEW): lambda: stays.stays_for_case(session, case_id),
        (Kind.STAY, Action.CREATE): lambda: stays.discharge(
            session, stays.admit(session, case_id, beds.pop(), DAY).id, DAY),
        (Kind.REFERRAL, Action.VIEW): lambda: referrals.list_referrals(session, case_id=case_id),
        (Kind.REFERRAL, Action.CREATE): lambda: referrals.create_referral(
            session, Referral(case_id, org_id, ["legal"], DAY)),
        (Kind.CONSENT, Action.VIEW): lambda: consents.list_consents(session, case_id),
        (Kind.CONSENT, Action.CREATE): lambda: consents.add_consent(
            session, Consent(case_id, "data_storage", DAY)),
        # Viewing evidence is reading its content: case workers list the rows (sealed) but
        # may not open a file (write-only evidence, test_write_only_evidence.py).
        (Kind.EVIDENCE, Action.VIEW): lambda: evidence.read_content(
            session, _first("list_evidence").id),
        (Kind.EVIDENCE, Action.CREATE): lambda: evidence.add_evidence(
            session, EvidenceItem(case_id, "screenshot", "a.png", "image/png", b"\x89PNG")),
        (Kind.PERPETRATOR, Action.VIEW): lambda: corrections.history(
            session, "perpetrators", _first("list_perpetrators").id),
        (Kind.PERPETRATOR, Action.CREATE): lambda: perpetrators.add_perpetrator(
            session, Perpetrator(case_id, roles=["recruiter"])),
        (Kind.NOTE, Action.VIEW): lambda: tasks.list_notes(session, case_id),
        (Kind.NOTE, Action.CREATE): lambda: tasks.add_note(session, Note(case_id, "note")),
        (Kind.FOLLOW_UP, Action.VIEW): lambda: tasks.list_follow_ups(session, case_id),
        (Kind.FOLLOW_UP, Action.CREATE): lambda: tasks.add_follow_up(
            session, FollowUp(case_id, DAY, "check_in")),
        (Kind.ORGANISATION, Action.VIEW): lambda: organisations.list_organisations(session),
        (Kind.ORGANISATION, Action.CREATE): lambda: organisations.add_organisation(
            session, Organisation(f"Org {len(beds)} {session.user.username}", "ngo")),
        (Kind.SHELTER, Action.VIEW): lambda: shelters.board(session),
        (Kind.LEGAL, Action.EDIT): lambda: record_corrections.correct_legal_consultation(
            session, _first("list_legal_consultations"),
            "typo in the summary"),
        (Kind.MEDICAL, Action.EDIT): lambda: record_corrections.correct_medical_service(
            session, _first("list_medical_services"),
            "wrong provider"),
        (Kind.SERVICE, Action.EDIT): lambda: record_corrections.correct_other_service(
            session, _first("list_other_services")),
        (Kind.STAY, Action.EDIT): lambda: shelters.set_reserved(session, beds[0], False),
        (Kind.REFERRAL, Action.EDIT): lambda: referrals.set_status(
            session, _fresh_referral(), "sent", on=DAY),
        (Kind.CONSENT, Action.EDIT): consent_edit(session, case_id),
        # Editing evidence is its chain of custody (correcting what it says needs VIEW too).
        (Kind.EVIDENCE, Action.EDIT): lambda: evidence.add_custody_event(
            session, _first("list_evidence").id, "copied"),
        (Kind.PERPETRATOR, Action.EDIT): lambda: perpetrators.update_perpetrator(
            session, _first("list_perpetrators")),
        (Kind.NOTE, Action.EDIT): lambda: record_corrections.correct_note(
            session, _first("list_notes")),
        (Kind.FOLLOW_UP, Action.EDIT): lambda: record_corrections.correct_follow_up(
            session, _first("list_follow_ups")),
        (Kind.ORGANISATION, Action.EDIT): lambda: organisations.update_organisation(
            session, SEEDED["organisation"]),
        (Kind.SHELTER, Action.CREATE): lambda: shelters.add_shelter(
            session, Shelter(f"House {session.user.username}")),
        (Kind.SHELTER, Action.EDIT): lambda: shelter_changes.rename_bed(
            session, Bed(_bed_room(session, beds[0]), "B0", id=beds[0])),
        (Kind.STATISTICS, Action.VIEW): lambda: aggregates.compute(
            session, aggregates.Period(DAY, DAY + timedelta(days=1))),
    }
    return calls.get((kind, action))


CELLS = [(role, kind, action) for role in Role for kind in Kind
         for action in (Action.VIEW, Action.CREATE, Action.EDIT) if action in ACTIONS[kind]]


@pytest.mark.parametrize("role,kind,action", CELLS, ids=lambda v: getattr(v, "value", v))
def test_matrix_cell(world, role: Role, kind: Kind, action: Action) -> None:
    vault, case_id, org_id, beds, sessions = world
    session = sessions[role]
    call = attempt(kind, action, session, case_id, org_id, beds)
    assert call is not None, "every cell of the matrix has a function"
    if allowed([role], kind, action):
        call()
    else:
        before = audit.recent(session.connection, 1)[0].seq
        with pytest.raises(PermissionDenied):
            call()
        entries = audit.recent(session.connection, 2)
        assert entries[0].seq == before + 1 and entries[0].action == "permission.denied"


def test_the_matrix_says_what_design_says() -> None:
    assert allowed([Role.LEGAL_ADVISOR], Kind.LEGAL, Action.VIEW)
    assert not allowed([Role.LEGAL_ADVISOR], Kind.MEDICAL, Action.VIEW)
    assert not allowed([Role.CASE_WORKER], Kind.LEGAL, Action.VIEW)
    assert not allowed([Role.CASE_WORKER], Kind.MEDICAL, Action.VIEW)
    assert allowed([Role.MEDICAL], Kind.MEDICAL, Action.VIEW)
    stats = MATRIX[Role.STATISTICS]
    assert set(stats) == {Kind.STATISTICS, Kind.ORGANISATION, Kind.SHELTER}
    assert allowed([Role.CASE_WORKER, Role.LEGAL_ADVISOR], Kind.LEGAL, Action.VIEW)
    # Case workers record evidence and perpetrators at intake, and cannot read them back.
    for kind in (Kind.EVIDENCE, Kind.PERPETRATOR):
        assert allowed([Role.CASE_WORKER], kind, Action.CREATE)
        assert not allowed([Role.CASE_WORKER], kind, Action.VIEW)
        assert not allowed([Role.CASE_WORKER], kind, Action.EXPORT)
        assert allowed([Role.LEGAL_ADVISOR], kind, Action.VIEW)


def test_statistics_role_reads_no_personal_data(world) -> None:
    vault, case_id = world[:2]
    with login(vault, Role.STATISTICS) as session:
        for call in (lambda: case_list.list_cases(session),
                     lambda: case_list.list_cases(session, case_list.CaseFilter("Aynur")),
                     lambda: clients.get_case(session, case_id),
                     lambda: client_file.open_file(session, case_id),
                     lambda: tasks.due_follow_ups(session)):
            with pytest.raises(PermissionDenied):
                call()
        assert all(not b.case_code and not b.case_id for b in shelters.board(session))


def test_legal_advisor_never_sees_a_medical_summary(world) -> None:
    vault, case_id = world[:2]
    from tests.conftest import ADMIN, ADMIN_PASSPHRASE

    with vault.unlock(ADMIN, ADMIN_PASSPHRASE) as admin:
        care.add_medical_service(admin, MedicalService(case_id, DAY, "examination",
                                                       summary="HIV-MARKER-SUMMARY"))
        care.add_legal_consultation(admin, LegalConsultation(case_id, DAY, "compensation",
                                                             summary="LEGAL-MARKER-SUMMARY"))
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        with pytest.raises(PermissionDenied):
            care.list_medical_services(lawyer, case_id)
        overview = client_file.open_file(lawyer, case_id)
        assert "medical" not in overview.counts
        assert not [a for a in overview.recent_activity if a.action.startswith("medical")]
        assert "HIV-MARKER" not in repr(overview)
        assert any("LEGAL-MARKER" in c.summary
                   for c in care.list_legal_consultations(lawyer, case_id))
    with login(vault, Role.CASE_WORKER) as worker:
        with pytest.raises(PermissionDenied):
            care.list_legal_consultations(worker, case_id)
        overview = client_file.open_file(worker, case_id)
        assert "legal" not in overview.counts and "LEGAL-MARKER" not in repr(overview)
