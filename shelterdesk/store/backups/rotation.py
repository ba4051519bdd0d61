"""Which automatic backups to keep: the newest of each of the last N days and M months.

Pure: it sees times, never files. A "day" and a "month" are those of the
times as given (the caller passes local times, as people count days).

The policy, for backups at times t:
- the newest backup is always kept;
- of the ``keep_daily`` most recent calendar days that have a backup, the newest
  backup of each day is kept;
- of the ``keep_monthly`` most recent calendar months that have a backup, the
  newest backup of each month is kept;
- everything else may be deleted.

Pruning after every new backup keeps exactly what pruning the whole history
at once would keep, so monthly backups survive however often it runs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RotationPlan(Generic[K]):
    keep: frozenset[K]
    delete: frozenset[K]


def plan_rotation(backups: Mapping[K, datetime], keep_daily: int,
                  keep_monthly: int) -> RotationPlan[K]:
    """Split ``backups`` (key → time) into those to keep and those to delete."""
    if keep_daily < 0 or keep_monthly < 0:
        raise ValueError("keep counts cannot be negative")
    # Newest first; equal times are ordered by their position so the choice is stable.
    order = {key: index for index, key in enumerate(backups)}
    ranked = sorted(backups, key=lambda k: (backups[k], order[k]), reverse=True)
    keep: set[K] = set(ranked[:1])
    keep |= _newest_per_period(ranked, backups, keep_daily,
                               lambda t: (t.year, t.month, t.day))
    keep |= _newest_per_period(ranked, backups, keep_monthly, lambda t: (t.year, t.month))
    return RotationPlan(frozenset(keep), frozenset(k for k in backups if k not in keep))


def _newest_per_period(ranked: list[K], backups: Mapping[K, datetime], periods: int,
                       period_of) -> set[K]:
    chosen: dict[tuple[int, ...], K] = {}
    for key in ranked:
        period = period_of(backups[key])
        if period in chosen:
            continue
        if len(chosen) == periods:
            break
        chosen[period] = key
    return set(chosen.values())
