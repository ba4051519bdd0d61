"""Calendar quarters ("2026Q3"): the unit in which organisations submit statistics.

A quarter is three whole months, so a submission obeys the same publication rule as
every statistics report (whole months only); only quarters that have ended may be
submitted, so a submission never has to be replaced by a later, fuller one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


class BadQuarter(UserFacingError):
    message = N_("“{text}” is not a quarter: write the year and the quarter, like 2026Q3.")


class QuarterNotOver(UserFacingError):
    message = N_("The quarter {quarter} has not ended yet: statistics are submitted for a "
                 "quarter once it is over.")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def code(self) -> str:
        return f"{self.year:04d}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return date(self.year + 1, 1, 1) if self.number == 4 else \
            date(self.year, 3 * self.number + 1, 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else \
            Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return self.code


def parse(text: str) -> Quarter:
    """``2026Q3``, ``2026-q3`` or ``2026 Q3``; refused otherwise (BadQuarter)."""
    found = _PATTERN.match(text or "")
    if not found or not 1900 <= int(found.group(1)) <= 2999:
        raise BadQuarter(text=text)
    return Quarter(int(found.group(1)), int(found.group(2)))


def containing(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def ended(today: date, count: int) -> list[Quarter]:
    """The ``count`` most recent quarters that are over by ``today``, newest first."""
    found, quarter = [], containing(today).previous()
    for _ in range(count):
        found.append(quarter)
        quarter = quarter.previous()
    return found


def require_ended(quarter: Quarter, today: date) -> None:
    if quarter.end > today:
        raise QuarterNotOver(quarter=quarter.code)
