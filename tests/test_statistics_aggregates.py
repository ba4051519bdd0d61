"""Aggregates on a hand-built vault where every right answer is known (tests/statistics_helpers)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.domain.clients import Client
from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import AGE_AT_INTAKE, InvalidPeriod, Period, Scope
from tests.records_helpers import add_role_users, login
from tests.statistics_helpers import Q1, build_known_vault


@pytest.fixture
def known(admin_session):
    return build_known_vault(admin_session)


def test_every_aggregate_is_exact(admin_session, known) -> None:
    data = aggregates.compute(admin_session, Q1)
    jan, feb, mar = "2026-01", "2026-02", "2026-03"
    assert data.new_cases == {jan: 3, feb: 1, mar: 1}
    assert data.cases["sex"] == {"female": {jan: 3, feb: 1}, "male": {mar: 1}}
    assert data.cases["age_band"] == {"25-34": {jan: 1}, "12-17": {jan: 1, feb: 1},
                                      "35-44": {mar: 1}, "0-11": {jan: 1}}
    assert data.cases["nationality"] == {"AZ": {jan: 3}, "UZ": {feb: 1}, "RU": {mar: 1}}
    assert data.cases["recruitment_channel"] == {
        "dating_app": {jan: 1}, "family": {jan: 1}, "": {jan: 1}, "social_network": {feb: 1},
        "online_job_ad": {mar: 1}}
    assert data.cases["recruitment_platform"] == {
        "tinder": {jan: 1}, "": {jan: 2}, "instagram": {feb: 1}, "telegram": {mar: 1}}
    assert data.cases["identified_by"] == {"ngo": {jan: 2}, "": {jan: 1}, "police": {feb: 1},
                                           "hotline": {mar: 1}}
    assert data.cases["victim_status"] == {"presumed": {jan: 3, mar: 1}, "identified": {feb: 1}}
    assert data.exploitation == {"sexual": {jan: 2}, "": {jan: 1}, "forced_labour": {feb: 1,
                                 mar: 1}, "domestic_servitude": {feb: 1}}
    assert data.services == {"legal": {jan: 1}, "medical": {feb: 1, mar: 1},
                             "psychosocial": {feb: 1}}
    assert data.referrals_by_org_kind == {"ngo": {jan: 1}, "state": {feb: 1}}
    assert data.referrals_by_status == {"sent": {jan: 1}, "accepted": {feb: 1}}


def test_shelter_use_counts_nights_in_the_period(admin_session, known) -> None:
    use = aggregates.compute(admin_session, Q1).shelter
    assert use.beds == 4
    assert use.bed_nights == {"2026-01": 9, "2026-02": 14, "2026-03": 13}  # 36 in all
    assert use.nights == {"2026-01": 31, "2026-02": 28, "2026-03": 31}
    assert use.stays_begun == {"2026-02": 1, "2026-03": 2}
    assert use.stays_ended == {"2026-01": 1, "2026-03": 1}
    assert use.nights_of_ended == 21 + 14
    from shelterdesk.reports.statistics.report import _shelter_figures

    figures = _shelter_figures(aggregates.compute(admin_session, Q1), Q1.months(), 3)
    assert figures.bed_nights == 36 and figures.nights == 90
    assert figures.occupancy == pytest.approx(36 / (4 * 90))
    assert figures.monthly_occupancy == pytest.approx([9 / 124, 14 / 112, 13 / 124])
    assert figures.average_stay is None  # only 2 stays ended: fewer than k
    figures = _shelter_figures(aggregates.compute(admin_session, Q1), Q1.months(), 2)
    assert figures.average_stay == pytest.approx(17.5)


def test_one_night_period_and_half_open_end(admin_session, known) -> None:
    day = aggregates.compute(admin_session, Period(date(2026, 3, 31), date(2026, 4, 1)))
    assert day.shelter.bed_nights == {"2026-03": 2}  # bed A3 (open) and bed B1 (admitted)
    assert day.new_cases == {}


def test_scopes_by_shelter_and_by_worker(admin_session, known) -> None:
    worker = aggregates.compute(admin_session, Q1, Scope(worker_id=known.worker_id))
    assert worker.new_cases == {"2026-03": 1}
    assert worker.services == {} and worker.referrals_by_status == {}
    assert worker.shelter.bed_nights == {"2026-03": 12}
    north = aggregates.compute(admin_session, Q1, Scope(shelter_id=known.shelter_b))
    assert north.new_cases == {"2026-01": 1}
    assert north.shelter.beds == 1 and north.shelter.bed_nights == {"2026-03": 1}
    house = aggregates.compute(admin_session, Q1, Scope(shelter_id=known.shelter_a))
    assert house.new_cases == {"2026-01": 1, "2026-02": 1, "2026-03": 1}
    assert house.shelter.beds == 3
    assert sum(house.shelter.bed_nights.values()) == 35
    assert aggregates.worker_id(admin_session, "leyla") == known.worker_id
    assert aggregates.shelter_id(admin_session, "şimal") == known.shelter_b
    with pytest.raises(aggregates.UnknownWorker):
        aggregates.worker_id(admin_session, "nobody")


def test_case_profiles_are_counts(admin_session, known) -> None:
    profiles = aggregates.case_profiles(admin_session, Q1)
    assert sum(profiles.values()) == 5
    assert profiles[("2026", "female", 8, "AZ", ("sexual",), "family", ("debt_bondage",))] == 1


def test_period_rules() -> None:
    with pytest.raises(InvalidPeriod):
        Period(date(2026, 2, 1), date(2026, 2, 1))
    period = Period(date(2025, 11, 15), date(2026, 2, 10))
    assert period.months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period.month_span("2025-11") == (date(2025, 11, 15), date(2025, 12, 1))
    assert period.month_span("2026-02") == (date(2026, 2, 1), date(2026, 2, 10))
    assert period.last_day == date(2026, 2, 9) and period.nights == 87


def test_statistics_role_computes_but_reads_no_personal_data(vault, admin_session,
                                                            known) -> None:
    add_role_users(admin_session)
    with login(vault, Role.STATISTICS) as analyst:
        data = aggregates.compute(analyst, Q1)
        assert sum(data.new_cases.values()) == 5
        aggregates.case_profiles(analyst, Q1)
        text = repr(data) + repr(aggregates.case_profiles(analyst, Q1))
        for secret in known.names + known.phones + known.codes + known.births + known.documents:
            assert secret not in text
    with login(vault, Role.CASE_WORKER) as worker:
        with pytest.raises(PermissionDenied):
            aggregates.compute(worker, Q1)
        with pytest.raises(PermissionDenied):
            aggregates.case_profiles(worker, Q1)


@settings(max_examples=200, deadline=None)
@given(born=st.dates(date(1930, 1, 1), date(2026, 1, 1)),
       later=st.integers(0, 365 * 90))
def test_age_at_intake_in_sql_matches_the_domain(born: date, later: int) -> None:
    intake = date.fromordinal(min(born.toordinal() + later, date(2026, 12, 31).toordinal()))
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE cl (date_of_birth TEXT, age_estimate INTEGER)")
    connection.execute("CREATE TABLE ca (intake_date TEXT)")
    connection.execute("INSERT INTO cl VALUES (?, NULL)", (born.isoformat(),))
    connection.execute("INSERT INTO ca VALUES (?)", (intake.isoformat(),))
    (age,) = connection.execute(f"SELECT {AGE_AT_INTAKE} FROM cl, ca").fetchone()
    assert age == Client("x", date_of_birth=born).age_on(intake)
