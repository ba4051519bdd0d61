"""What may be published at all: whole months, whole calendar years for CTDC, large populations.

A one-day period isolates one client; two periods ending a day apart differ by
one; a filter on a one-bed shelter describes one person. These rules refuse
such requests before anything is computed, with a message saying why.
"""

from __future__ import annotations

from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_
from shelterdesk.store import settings
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Period, Scope
from shelterdesk.store.vault import Session


class NotWholeMonths(UserFacingError):
    message = N_("Statistics are published for whole months only: the period must start on "
                 "the first day of a month and end on the last day of a month (not {start} "
                 "to {last}).")


class NotOneYear(UserFacingError):
    message = N_("The CTDC file is made for one whole calendar year only (from 1 January to "
                 "31 December), not {start} to {last}.")


class PopulationTooSmall(UserFacingError):
    # The message never says how many: that count would itself be a small statistic.
    message = N_("Too few cases behind this filter (at least {minimum} are needed): statistics "
                 "for it could single someone out. Remove the filter or choose a longer period.")


def check_period(period: Period) -> None:
    """Whole months (a quarter and a year are whole months too)."""
    if period.start.day != 1 or period.end.day != 1:
        raise NotWholeMonths(start=period.start.isoformat(), last=period.last_day.isoformat())


def check_ctdc_period(period: Period) -> None:
    """Exactly one calendar year, so two files never differ by a few days or months."""
    year = period.start.year
    if period.start != date(year, 1, 1) or period.end != date(year + 1, 1, 1):
        raise NotOneYear(start=period.start.isoformat(), last=period.last_day.isoformat())


def minimum_population(session: Session) -> int:
    return int(settings.get(session, "statistics_min_population"))


def check_population(session: Session, period: Period, scope: Scope | None) -> None:
    """A filtered report needs at least the configured number of cases behind it."""
    if scope is None or scope == Scope():  # any filter set, today's or a future one's
        return
    count, minimum = aggregates.population(session, period, scope), minimum_population(session)
    if count < minimum:
        raise PopulationTooSmall(minimum=minimum)
