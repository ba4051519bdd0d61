"""Printing a recorded referral again: consent checked on the day, the sheet always possible."""

from __future__ import annotations

from datetime import date

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.referrals import Referral
from shelterdesk.domain.roles import Role
from shelterdesk.reports.referral_reprint import (
    ConsentNotInForce,
    render_recorded_referral,
    save_document,
)
from shelterdesk.store import audit
from shelterdesk.store.records import consents, referrals
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import add_role_users, login
from tests.referral_helpers import FAMILY, IDENTIFYING, build_world, consent_for, pdf_text

DAY = date(2026, 3, 5)


@pytest.fixture
def world(admin_session: Session):
    world = build_world(admin_session)
    consent_for(admin_session, world)
    identified = referrals.create_referral(admin_session, Referral(
        world.case.id, world.org.id, ["legal"], DAY))
    anonymous = referrals.create_referral(admin_session, Referral(
        world.case.id, world.other_org.id, ["medical"], DAY, anonymized=True))
    return world, identified, anonymous


def test_identified_form_again_while_the_consent_holds(admin_session: Session, world) -> None:
    world, identified, _anonymous = world
    pdf = render_recorded_referral(admin_session, identified.id, "az")
    text = pdf_text(pdf)
    assert FAMILY in text and "Yönləndirmə forması" in text and identified.number in text
    assert identified.id not in text  # the UUID stays internal
    consents.withdraw(admin_session, world.case.id, "referral", world.org.id)
    with pytest.raises(ConsentNotInForce):
        render_recorded_referral(admin_session, identified.id, "az")
    sheet = pdf_text(render_recorded_referral(admin_session, identified.id, "ru",
                                              anonymized=True))
    assert "Обезличенный бланк направления" in sheet
    assert [value for value in IDENTIFYING if value in sheet] == []


def test_an_anonymized_referral_only_ever_prints_as_a_sheet(admin_session: Session,
                                                            world) -> None:
    _world, _identified, anonymous = world
    text = pdf_text(render_recorded_referral(admin_session, anonymous.id, "en",
                                             anonymized=False))
    assert "Anonymized referral sheet" in text
    assert [value for value in IDENTIFYING if value in text] == []


def test_saving_writes_the_file_and_audits_the_export(admin_session: Session, world,
                                                      tmp_path) -> None:
    _world, identified, _anonymous = world
    pdf = render_recorded_referral(admin_session, identified.id, "en")
    folder = tmp_path / "chosen"
    folder.mkdir()
    target = save_document(admin_session, identified.id, pdf, folder / "referral.pdf",
                           anonymized=False, language="en")
    assert target.read_bytes() == pdf and pdf.startswith(b"%PDF")
    assert [p.name for p in folder.iterdir()] == ["referral.pdf"]  # no temp file left
    entries = audit.recent(admin_session.connection, 3)
    assert [e.action for e in entries[:2]] == ["referral.export", "referral.print"]
    assert FAMILY not in repr(entries)


def test_only_roles_that_may_export_print(vault: Vault, admin_session: Session, world) -> None:
    _world, identified, _anonymous = world
    add_role_users(admin_session)
    with login(vault, Role.LEGAL_ADVISOR) as lawyer:
        assert render_recorded_referral(lawyer, identified.id, "en").startswith(b"%PDF")
    with login(vault, Role.STATISTICS) as analyst, pytest.raises(PermissionDenied):
        render_recorded_referral(analyst, identified.id, "en")


def test_a_reprint_names_the_coordinator_who_overrode_and_needs_a_coordinator(
        vault: Vault, admin_session: Session) -> None:
    from shelterdesk.reports.referral_print import refer_and_render
    from shelterdesk.store.keys import users
    from tests.records_helpers import ROLE_PASSPHRASE

    world = build_world(admin_session)
    add_role_users(admin_session)
    users.add_user(admin_session, "kamran", [Role.COORDINATOR], ROLE_PASSPHRASE,
                   display_name="Kamran Quliyev")
    overridden, _pdf = refer_and_render(admin_session, world.case.id, world.org.id, ["legal"],
                                        override_reason="Admitted to hospital tonight")
    with vault.unlock("kamran", ROLE_PASSPHRASE) as other:
        text = " ".join(pdf_text(render_recorded_referral(other, overridden.id, "en")).split())
    assert "Admitted to hospital tonight" in text and "aysel" in text
    assert "Kamran Quliyev" in text  # as the contact person who printed it again …
    assert text.count("Kamran Quliyev") == 1  # … but not as the one who overrode
    with login(vault, Role.CASE_WORKER) as worker, pytest.raises(ConsentNotInForce):
        render_recorded_referral(worker, overridden.id, "en")


def test_a_reprint_prints_what_todays_consent_covers(admin_session: Session) -> None:
    world = build_world(admin_session)
    consent_for(admin_session, world, details=["name", "contact", "address"])
    identified = referrals.create_referral(admin_session, Referral(
        world.case.id, world.org.id, ["legal"], DAY))
    text = " ".join(pdf_text(render_recorded_referral(admin_session, identified.id)).split())
    assert "Nizami" in text and "+994 50 123 45 67" in text
    consents.withdraw(admin_session, world.case.id, "referral", world.org.id)
    consent_for(admin_session, world, details=["name"])  # renewed, narrower
    text = " ".join(pdf_text(render_recorded_referral(admin_session, identified.id)).split())
    assert FAMILY in text and "Nizami" not in text and "+994 50 123 45 67" not in text
