"""The rotation policy, property-tested: what it keeps is exactly what the policy says."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelterdesk.store.backups.rotation import plan_rotation

START = datetime(2023, 11, 20, 0, 0)

# Backup times spread over ~2 years, often several on one day (offsets in minutes).
times = st.lists(st.integers(min_value=0, max_value=2 * 365 * 24 * 60), max_size=60).map(
    lambda minutes: {f"b{i}": START + timedelta(minutes=m) for i, m in enumerate(minutes)})
daily = st.integers(min_value=0, max_value=12)
monthly = st.integers(min_value=0, max_value=8)


def oracle(backups: dict[str, datetime], keep_daily: int, keep_monthly: int) -> set[str]:
    """The policy read literally, one backup at a time."""
    def newest(group: list[str]) -> str:
        return max(group, key=lambda k: (backups[k], list(backups).index(k)))

    days = sorted({t.date() for t in backups.values()}, reverse=True)[:keep_daily]
    months = sorted({(t.year, t.month) for t in backups.values()}, reverse=True)[:keep_monthly]
    keep = {newest(list(backups))} if backups else set()
    for day in days:
        keep.add(newest([k for k, t in backups.items() if t.date() == day]))
    for month in months:
        keep.add(newest([k for k, t in backups.items() if (t.year, t.month) == month]))
    return keep


@settings(max_examples=300, deadline=None)
@given(times, daily, monthly)
def test_keeps_exactly_what_the_policy_says(backups, keep_daily, keep_monthly) -> None:
    plan = plan_rotation(backups, keep_daily, keep_monthly)
    assert plan.keep == oracle(backups, keep_daily, keep_monthly)
    assert plan.keep | plan.delete == set(backups) and not plan.keep & plan.delete


@settings(max_examples=300, deadline=None)
@given(times, daily, monthly)
def test_never_deletes_the_newest(backups, keep_daily, keep_monthly) -> None:
    plan = plan_rotation(backups, keep_daily, keep_monthly)
    if backups:
        newest_time = max(backups.values())
        assert any(backups[k] == newest_time for k in plan.keep)
    assert len(plan.keep) <= max(keep_daily, 1) + keep_monthly


@settings(max_examples=300, deadline=None)
@given(times, daily, monthly)
def test_one_per_day_for_the_most_recent_days(backups, keep_daily, keep_monthly) -> None:
    plan = plan_rotation(backups, keep_daily, keep_monthly)
    days = sorted({t.date() for t in backups.values()}, reverse=True)
    for day in days[:keep_daily]:
        kept = [k for k in plan.keep if backups[k].date() == day]
        assert len(kept) == 1
        assert backups[kept[0]] == max(t for t in backups.values() if t.date() == day)
    for key in plan.keep:  # anything kept is the newest of its day
        assert backups[key] == max(t for t in backups.values() if t.date() == backups[key].date())


@settings(max_examples=200, deadline=None)
@given(times, daily, monthly)
def test_pruning_again_deletes_nothing(backups, keep_daily, keep_monthly) -> None:
    kept = plan_rotation(backups, keep_daily, keep_monthly).keep
    again = plan_rotation({k: backups[k] for k in kept}, keep_daily, keep_monthly)
    assert again.keep == kept and not again.delete


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4000), min_size=1, max_size=80),
       daily, monthly)
def test_pruning_after_each_backup_equals_pruning_once(gaps_in_hours, keep_daily,
                                                       keep_monthly) -> None:
    """Backups arrive one by one and the folder is pruned each time (as the schedule does):
    what remains is what the policy keeps of the whole history — monthly ones survive."""
    history: dict[str, datetime] = {}
    folder: dict[str, datetime] = {}
    moment = START
    for index, gap in enumerate(gaps_in_hours):
        moment += timedelta(hours=gap)
        history[f"b{index}"] = moment
        folder[f"b{index}"] = moment
        plan = plan_rotation(folder, keep_daily, keep_monthly)
        assert f"b{index}" in plan.keep
        folder = {k: folder[k] for k in plan.keep}
    assert set(folder) == plan_rotation(history, keep_daily, keep_monthly).keep


def test_a_worked_example() -> None:
    backups = {
        "jan-31": datetime(2024, 1, 31, 18), "feb-28": datetime(2024, 2, 28, 18),
        "mar-01-a": datetime(2024, 3, 1, 9), "mar-01-b": datetime(2024, 3, 1, 18),
        "mar-02": datetime(2024, 3, 2, 18), "mar-03": datetime(2024, 3, 3, 18),
    }
    plan = plan_rotation(backups, keep_daily=2, keep_monthly=2)
    assert plan.keep == {"mar-03", "mar-02", "feb-28"}
    assert plan.delete == {"jan-31", "mar-01-a", "mar-01-b"}
    assert plan_rotation({}, 3, 3).keep == frozenset()
    assert plan_rotation(backups, 0, 0).keep == {"mar-03"}
    with pytest.raises(ValueError):
        plan_rotation(backups, -1, 0)
