"""Shelters, rooms, beds and stays: a bed holds at most one open stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.validation import Checker, Problem, record_text_problems
from shelterdesk.domain.vocabulary import Term, Vocabulary
from shelterdesk.i18n import N_

# Why a stay ended (stored as the code; older free-text reasons are shown as written).
DISCHARGE_REASONS = Vocabulary("discharge_reasons", [
    Term("reintegrated", N_("Returned to family or community"), "", local=True),
    Term("independent", N_("Moved to independent living"), "", local=True),
    Term("transferred", N_("Transferred to another shelter or service"), "", local=True),
    Term("returned_abroad", N_("Returned to the country of origin"), "", local=True),
    Term("left", N_("Left of their own accord"), "", local=True),
    Term("other", N_("Other reason"), "", local=True),
])


@dataclass
class Shelter:
    name: str
    address: str = ""  # never printed on any referral or anonymized output
    phone: str = ""
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("name", self.name)
        check.max_length("name", self.name, 200)
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class Room:
    shelter_id: str
    name: str
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("name", self.name)
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class Bed:
    room_id: str
    label: str
    reserved: bool = False
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("label", self.label)
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class Stay:
    case_id: str
    bed_id: str
    admitted_on: date
    discharged_on: date | None = None
    discharge_reason: str = ""
    id: str = ""

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.required("admitted_on", self.admitted_on)
        check.not_future("admitted_on", self.admitted_on, today or date.today())
        check.not_future("discharged_on", self.discharged_on, today or date.today())
        check.not_before("discharged_on", self.discharged_on, self.admitted_on, "admitted_on")
        check.problems += record_text_problems(self)
        return check.problems

    def nights_between(self, start: date, end: date) -> int:
        """Bed-nights of this stay within [start, end) (the night of the last day excluded)."""
        first = max(self.admitted_on, start)
        last = min(self.discharged_on or end, end)
        return max(0, (last - first).days)

