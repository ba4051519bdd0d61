"""Full-text search: Azerbaijani and Russian diacritics, codes, phones, notes, permissions."""

from __future__ import annotations

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import Note
from shelterdesk.store.keys import users
from shelterdesk.store.records import search, tasks
from shelterdesk.store.records.case_list import CaseFilter, count_cases, list_cases
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import intake


@pytest.fixture
def people(admin_session: Session) -> dict[str, str]:
    return {
        "aynur": intake(admin_session, given_name="Aynur", family_name="Məmmədova",
                        phone="+994 50 123 45 67").id,
        "guseynova": intake(admin_session, given_name="Наталья", family_name="Гусейнова",
                            phone="+7 912 555 01 01").id,
        "sukur": intake(admin_session, given_name="Şükür", family_name="Çələbiyeva",
                        other_names="Shukur", phone="").id,
        "other": intake(admin_session, given_name="Leyla", family_name="Əliyeva",
                        phone="+994 70 999 88 77").id,
    }


def found(session: Session, text: str) -> list[str]:
    return [row.case_id for row in list_cases(session, CaseFilter(search=text), limit=50)]


@pytest.mark.parametrize("query,who", [
    ("mammadova", "aynur"), ("Məmmədova", "aynur"), ("MAMMAD", "aynur"), ("aynur mamm", "aynur"),
    ("мамм", None), ("гусейнова", "guseynova"), ("Гусейнова", "guseynova"),
    ("гусеинова", "guseynova"), ("guseynova", "guseynova"), ("наталья", "guseynova"),
    ("sukur celebiyeva", "sukur"), ("şükür", "sukur"), ("shukur", "sukur"),
    ("0501234567", "aynur"), ("1234567", "aynur"), ("+994 50 123", "aynur"),
])
def test_search_ignores_case_and_diacritics(admin_session, people, query, who) -> None:
    results = found(admin_session, query)
    if who is None:
        assert results == []
    else:
        assert results and results[0] == people[who], (query, results)


def test_search_by_case_code_and_notes(admin_session, people) -> None:
    code = list_cases(admin_session, CaseFilter(search="leyla"))[0].case_code
    assert found(admin_session, code) == [people["other"]]
    assert found(admin_session, code.replace("-", "").lower()) == [people["other"]]
    tasks.add_note(admin_session, Note(people["other"], "Recruited via Tinder in Dubai"))
    assert found(admin_session, "dubai") == [people["other"]]


def test_ranking_prefers_names_over_notes(admin_session, people) -> None:
    tasks.add_note(admin_session, Note(people["other"], "Friend of Aynur"))
    assert found(admin_session, "aynur")[:2] == [people["aynur"], people["other"]]
    assert count_cases(admin_session, CaseFilter(search="aynur")) == 2


def test_search_respects_permissions(vault: Vault, admin_session, people) -> None:
    users.add_user(admin_session, "analyst", [Role.STATISTICS], "analyst passphrase")
    with vault.unlock("analyst", "analyst passphrase") as analyst, \
            pytest.raises(PermissionDenied):
        list_cases(analyst, CaseFilter(search="aynur"))


def test_query_building_is_injection_safe() -> None:
    assert search.build_query('x" OR names:*') == '"x"* AND "or"* AND "names"*'
    assert search.build_query("  ") is None
