"""Age bands for published statistics: the report's bands and CTDC's broad bands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgeBand:
    code: str
    lowest: int
    highest: int | None  # None: and older

    def holds(self, age: int) -> bool:
        return age >= self.lowest and (self.highest is None or age <= self.highest)

    @property
    def label(self) -> str:
        """Numbers need no translation: "18–24", "45+"."""
        if self.highest is None:
            return f"{self.lowest}+"
        return f"{self.lowest}–{self.highest}"


def _bands(*spans: tuple[int, int | None]) -> tuple[AgeBand, ...]:
    return tuple(AgeBand(f"{low}+" if high is None else f"{low}-{high}", low, high)
                 for low, high in spans)


# Age at intake in aggregate tables (children split at 12, as services for them differ).
REPORT_BANDS = _bands((0, 11), (12, 17), (18, 24), (25, 34), (35, 44), (45, None))

# The Counter Trafficking Data Collaborative's ``ageBroad`` values.
CTDC_BANDS = tuple(AgeBand(code, low, high) for code, low, high in (
    ("0--8", 0, 8), ("09--17", 9, 17), ("18--20", 18, 20), ("21--23", 21, 23),
    ("24--26", 24, 26), ("27--29", 27, 29), ("30--38", 30, 38), ("39--47", 39, 47),
    ("48+", 48, None)))

# A coarser step for k-anonymity when CTDC's bands leave groups too small.
CTDC_COARSE = tuple(AgeBand(code, low, high) for code, low, high in (
    ("0--17", 0, 17), ("18--29", 18, 29), ("30--47", 30, 47), ("48+", 48, None)))


def band_of(age: int | None, bands: tuple[AgeBand, ...] = REPORT_BANDS) -> str:
    """The code of the band holding ``age``; "" when the age is not known."""
    if age is None or age < 0:
        return ""
    for band in bands:
        if band.holds(age):
            return band.code
    return ""


def is_minor(age: int | None) -> bool | None:
    return None if age is None or age < 0 else age < 18
