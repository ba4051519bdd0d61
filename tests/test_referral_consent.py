"""Leaving the building: consent before an identified form, overrides, and rare nationalities."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from shelterdesk.domain.disclosure import age_band, generalise_nationality
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.regions import region_of
from shelterdesk.domain.roles import Role
from shelterdesk.i18n.territories import country_codes
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store import settings
from shelterdesk.store.records import clients, consents, referrals
from shelterdesk.store.records.referrals import ConsentRequired, OverrideNotAllowed
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, login, make_case, make_client
from tests.referral_helpers import build_world, consent_for, pdf_text

REASON = "Client bleeding, taken to the emergency ward; hospital needs the referral now."


def _refused(session: Session, case_id: str, org_id: str) -> None:
    before = len(referrals.list_referrals(session, case_id=case_id))
    with pytest.raises(ConsentRequired) as caught:
        refer_and_render(session, case_id, org_id, ["legal"], language="ru")
    assert "consent" in caught.value.user_message()
    assert len(referrals.list_referrals(session, case_id=case_id)) == before


def test_identified_form_needs_a_consent_in_force(admin_session: Session) -> None:
    world = build_world(admin_session)
    _refused(admin_session, world.case.id, world.org.id)  # none recorded
    consent_for(admin_session, world, org=world.other_org)
    _refused(admin_session, world.case.id, world.org.id)  # for another organisation
    consent_for(admin_session, world, "medical_sharing")
    _refused(admin_session, world.case.id, world.org.id)  # for another purpose
    consent_for(admin_session, world, given_on=date(2026, 1, 1), expires_on=date(2026, 2, 1))
    _refused(admin_session, world.case.id, world.org.id)  # expired
    consent_for(admin_session, world)
    referral, pdf = refer_and_render(admin_session, world.case.id, world.org.id, ["legal"])
    assert referral.consent_id and "Referral to another organisation" in pdf_text(pdf)
    consents.withdraw(admin_session, world.case.id, "referral", world.org.id)
    _refused(admin_session, world.case.id, world.org.id)  # withdrawn
    # An anonymized sheet needs no consent at all.
    sheet, _pdf = refer_and_render(admin_session, world.case.id, world.org.id, ["legal"],
                                   anonymized=True)
    assert sheet.anonymized and not sheet.consent_id


def test_coordinator_override_goes_on_the_form_and_into_the_audit_chain(
        admin_session: Session) -> None:
    world = build_world(admin_session)
    referral, pdf = refer_and_render(admin_session, world.case.id, world.org.id, ["medical"],
                                     urgency="emergency", language="ru",
                                     override_reason=REASON)
    text = " ".join(pdf_text(pdf).split())
    assert REASON in text
    assert "Отправлено без записанного согласия (экстренный случай)" in text
    assert referrals.get_referral(admin_session, referral.id).override_reason == REASON
    rows = admin_session.connection.execute(
        "SELECT action, detail FROM audit_log WHERE action IN"
        " ('referral.create', 'referral.print') ORDER BY seq").fetchall()
    details = {action: json.loads(detail) for action, detail in rows}
    assert details["referral.create"]["consent_override"] is True
    printed = details["referral.print"]
    assert printed["consent_override"] is True and printed["referral"] == referral.id
    assert printed["override_sha256"] == hashlib.sha256(REASON.encode()).hexdigest()
    everything = json.dumps(admin_session.connection.execute(
        "SELECT detail FROM audit_log").fetchall())
    assert "bleeding" not in everything  # the words stay on the record, not in the log


def test_a_case_worker_cannot_override(vault: Vault, admin_session: Session) -> None:
    world = build_world(admin_session)
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as worker:
        with pytest.raises(OverrideNotAllowed):
            refer_and_render(worker, world.case.id, world.org.id, ["legal"],
                             override_reason=REASON)
        assert referrals.list_referrals(worker, case_id=world.case.id) == []
        consent_for(admin_session, world)
        referral, _pdf = refer_and_render(worker, world.case.id, world.org.id, ["legal"])
        assert referral.consent_id


def test_the_statistics_role_cannot_print_referrals(vault: Vault,
                                                   admin_session: Session) -> None:
    world = build_world(admin_session)
    add_role_users(admin_session)
    with login(vault, Role.STATISTICS) as analyst, pytest.raises(PermissionDenied):
        refer_and_render(analyst, world.case.id, world.org.id, ["legal"], anonymized=True)
    denied = admin_session.connection.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'permission.denied'").fetchone()[0]
    assert denied == 1


def _add_clients(session: Session, nationality: str, count: int) -> None:
    for _ in range(count):
        clients.create_intake(session, make_client(nationality=nationality), make_case())


def _nationality_line(session: Session, case_id: str, org_id: str, language: str) -> str:
    _r, pdf = refer_and_render(session, case_id, org_id, ["legal"], anonymized=True,
                               language=language)
    return " ".join(pdf_text(pdf).split())


def test_a_rare_nationality_is_shown_as_its_region(admin_session: Session) -> None:
    world = build_world(admin_session, nationality="TJ")
    _add_clients(admin_session, "TJ", 3)  # four Tajik clients: fewer than k = 5
    _add_clients(admin_session, "UZ", 1)  # and one more Central Asian: the region has five
    text = _nationality_line(admin_session, world.case.id, world.org.id, "en")
    assert "Central Asia (region)" in text and "Tajikistan" not in text
    assert "Mərkəzi Asiya (region)" in _nationality_line(
        admin_session, world.case.id, world.org.id, "az")
    assert "Центральная Азия (регион)" in _nationality_line(
        admin_session, world.case.id, world.org.id, "ru")
    _add_clients(admin_session, "TJ", 1)  # five: k clients share it
    text = _nationality_line(admin_session, world.case.id, world.org.id, "en")
    assert "Tajikistan" in text and "Central Asia" not in text
    assert "Таджикистан" in _nationality_line(admin_session, world.case.id, world.org.id,
                                              "ru")
    settings.set_value(admin_session, "anonymization_k", 6)  # k is a setting
    text = _nationality_line(admin_session, world.case.id, world.org.id, "en")
    assert "Central Asia (region)" in text


def test_generalisation_rules() -> None:
    assert generalise_nationality("AZ", 4, 5).region == "145"
    assert generalise_nationality("AZ", 5, 5).country == "AZ"
    assert generalise_nationality("RU", 1, 5).region == "151"
    assert not generalise_nationality("AQ", 1, 5).known  # Antarctica: no region, not shown
    assert not generalise_nationality("", 0, 5).known
    assert [age_band(a) for a in (None, 0, 11, 12, 17, 18, 24, 25, 34, 35, 44, 45, 90)] == [
        "", "0-11", "0-11", "12-17", "12-17", "18-24", "18-24", "25-34", "25-34", "35-44",
        "35-44", "45+", "45+"]


def test_every_country_but_antarctica_and_clipperton_has_a_region() -> None:
    missing = {code for code in country_codes() if region_of(code) is None}
    assert missing == {"AQ", "CP"}
    assert region_of("az").label == "Western Asia" and region_of("UZ").label == "Central Asia"
    assert region_of("UA").label == "Eastern Europe"


def test_referral_export_follows_the_permission_matrix(vault: Vault,
                                                       admin_session: Session) -> None:
    from shelterdesk.domain.permissions import Action, Kind, allowed

    world = build_world(admin_session)
    add_role_users(admin_session)
    for role in Role:
        with login(vault, role) as session:
            call = lambda s=session: refer_and_render(  # noqa: E731
                s, world.case.id, world.org.id, ["legal"], anonymized=True)
            if allowed([role], Kind.REFERRAL, Action.EXPORT):
                referral, pdf = call()
                assert referral.anonymized and pdf.startswith(b"%PDF-")
            else:
                with pytest.raises(PermissionDenied):
                    call()
