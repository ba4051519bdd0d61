"""The father's name (ata adı, отчество): stored, searched folded, on the identified form."""

from __future__ import annotations

import re
from datetime import date

from shelterdesk.domain.referrals import Consent
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store.records import case_list, clients, consents
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from tests.records_helpers import make_case, make_client
from tests.referral_helpers import build_world, consent_for, pdf_text


def test_patronymic_is_stored_searched_and_printed(admin_session: Session) -> None:
    world = build_world(admin_session)
    case = clients.create_intake(admin_session, make_client(
        given_name="Aynur", patronymic="Əli qızı", family_name="Məmmədova"), make_case())
    client, _case = clients.get_case(admin_session, case.id)
    assert client.patronymic == "Əli qızı" and client.full_name == "Aynur Əli qızı Məmmədova"
    for typed in ("ali qizi", "Əli", "eli qizi"):
        found = case_list.list_cases(admin_session, CaseFilter(typed))
        assert case.id in [r.case_id for r in found], typed
    consent_for(admin_session, world)
    consents.add_consent(admin_session, Consent(case.id, "referral", date(2026, 3, 1),
                                                to_org_id=world.org.id,
                                                details=["name", "contact"]))
    _referral, pdf = refer_and_render(admin_session, case.case_code, world.org.id, ["legal"],
                                      language="az", shared=["phone"])
    assert "Aynur Əli qızı Məmmədova" in re.sub(r"\s+", " ", pdf_text(pdf))
    client.patronymic = "Vüqar qızı"
    clients.update_client(admin_session, client, case.id)
    assert clients.get_case(admin_session, case.id)[0].patronymic == "Vüqar qızı"
    assert case_list.list_cases(admin_session, CaseFilter("vuqar"))
