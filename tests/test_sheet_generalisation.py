"""Anonymized sheets checked as a whole, and readable referral numbers (issue 19, items 4 and 5)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain import referral_numbers
from shelterdesk.domain.case_codes import ALPHABET
from shelterdesk.domain.referrals import Organisation, Referral
from shelterdesk.domain.sheet_generalisation import STEPS, QuasiIdentifiers, generalise
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.reports.referral_reprint import render_recorded_referral
from shelterdesk.store.records import clients, organisations, referrals
from shelterdesk.store.statistics import population
from tests.records_helpers import make_case, make_client
from tests.referral_helpers import pdf_text

MICRONESIAN = dict(sex="other", date_of_birth=date(2003, 5, 1), nationality="FM",
                   languages=["is", "ka"])


def _crowd(session, count: int) -> None:
    for n in range(count):
        clients.create_intake(session, make_client(
            sex="female" if n % 2 else "male", nationality=["AZ", "RU", "UZ"][n % 3],
            date_of_birth=date(1980 + n % 20, 1, 1), languages=[["az"], ["ru"], ["az", "ru"]][
                n % 3]), make_case(exploitation_types=[["sexual"], ["forced_labour"]][n % 2]))


def test_the_micronesian_client_is_generalised_until_k_clients_match(admin_session) -> None:
    _crowd(admin_session, 60)
    case = clients.create_intake(admin_session, make_client(**MICRONESIAN),
                                 make_case(exploitation_types=["sexual"]))
    org = organisations.add_organisation(admin_session, Organisation("Partnyor", "ngo"))
    referral, pdf = refer_and_render(admin_session, case.id, org.id, ["legal"], anonymized=True,
                                     on=date(2026, 3, 2))
    text = " ".join(pdf_text(pdf).split())
    for revealing in ("Micronesia", "Icelandic", "Georgian", "Other"):
        assert revealing not in text, revealing
    assert "Generalised so that at least 5 clients" in text
    assert "languages" in text and "nationality" in text
    # the combination printed matches at least k clients of the vault
    vault = population.quasi_identifiers(admin_session, date(2026, 3, 2))
    target = QuasiIdentifiers("other", 22, "FM", ("is", "ka"), ("sexual",))
    printed = generalise(target, vault, 5)
    assert printed.matching >= 5
    assert referral.number and referral.number in text


def test_a_client_sharing_her_profile_with_k_others_is_printed_as_recorded(
        admin_session) -> None:
    for _ in range(5):
        last = clients.create_intake(admin_session, make_client(), make_case())
    org = organisations.add_organisation(admin_session, Organisation("Partnyor", "ngo"))
    _referral, pdf = refer_and_render(admin_session, last.id, org.id, ["legal"], anonymized=True,
                                      on=date(2026, 3, 2))
    text = " ".join(pdf_text(pdf).split())
    assert "Azerbaijan" in text and "25–34" in text and "Generalised" not in text


PROFILE = st.builds(QuasiIdentifiers, st.sampled_from(["female", "male", "other", "unknown"]),
                    st.one_of(st.none(), st.integers(0, 80)),
                    st.sampled_from(["AZ", "RU", "FM", "IS", "", "UZ"]),
                    st.lists(st.sampled_from(["az", "ru", "is", "ka"]), max_size=2,
                             unique=True).map(tuple),
                    st.lists(st.sampled_from(["sexual", "forced_labour", "organ_removal"]),
                             max_size=2, unique=True).map(tuple))


@settings(max_examples=150, deadline=None)
@given(st.lists(PROFILE, min_size=1, max_size=60), st.data(), st.integers(3, 8))
def test_a_sheet_matches_k_clients_or_shows_almost_nothing(people, data, k) -> None:
    target = data.draw(st.sampled_from(people))
    printed = generalise(target, people, k)
    if printed.matching < k:  # only when the whole vault is too small: every step taken
        assert printed.hidden == {"languages", "nationality", "age", "exploitation", "sex"}
        assert printed.matching == len(people) < k
    assert [s for s in printed.generalised if s not in {f for f, _level in STEPS}] == []


def test_referral_numbers_are_checked_and_unique_across_laptops(admin_session) -> None:
    number = referral_numbers.format_number(2026, "K7", 42)
    assert number == f"R-26-K7-0042-{number[-1]}" and referral_numbers.is_valid(number)
    for i, ch in enumerate(number):  # every single wrong symbol is caught
        if ch in ALPHABET and i > 2:
            for other in "0123456789ABC":
                if other != ch:
                    assert not referral_numbers.is_valid(number[:i] + other + number[i + 1:])
    case = clients.create_intake(admin_session, make_client(), make_case())
    org = organisations.add_organisation(admin_session, Organisation("Partnyor", "ngo"))

    def refer() -> Referral:
        return referrals.create_referral(admin_session, Referral(
            case.id, org.id, ["legal"], date(2026, 3, 2), anonymized=True))

    first, second = refer(), refer()
    assert first.number[:-2].endswith("-0001") and second.number[:-2].endswith("-0002")
    assert first.number.split("-")[2] == second.number.split("-")[2]
    # another laptop (another device id) that has synced these referrals picks another
    # component, so its numbers can never equal ours
    connection = admin_session.connection
    connection.execute("UPDATE sync_state SET device_id = 'another-laptop'")
    connection.execute("DELETE FROM meta WHERE key = ?", (referrals.DEVICE_COMPONENT,))
    third = refer()
    assert third.number.split("-")[2] != first.number.split("-")[2]
    assert third.number[:-2].endswith("-0001")
    numbers = [r.referral.number for r in referrals.list_referrals(admin_session)]
    assert len(set(numbers)) == 3
    # a number read over the phone finds the referral again; the UUID is not printed
    pdf = render_recorded_referral(admin_session, first.number.lower(), "en")
    text = " ".join(pdf_text(pdf).split())
    assert first.number in text and first.id not in text


def test_the_referrals_list_shows_the_number(qtbot, admin_session) -> None:
    from shelterdesk.ui.referrals.referral_model import ReferralItem, ReferralTableModel

    case = clients.create_intake(admin_session, make_client(), make_case())
    org = organisations.add_organisation(admin_session, Organisation("Partnyor", "ngo"))
    made = referrals.create_referral(admin_session, Referral(case.id, org.id, ["legal"],
                                                             date(2026, 3, 2), anonymized=True))
    model = ReferralTableModel()
    model.set_rows([ReferralItem(r, case.case_code)
                    for r in referrals.list_referrals(admin_session)])
    column = ReferralTableModel.Columns.NUMBER
    assert model.index(0, column).data() == made.number
    assert model.headerData(column, qtbot_orientation()) == "Referral number"


def qtbot_orientation():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal
