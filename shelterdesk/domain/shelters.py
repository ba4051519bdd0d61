"""Shelters, rooms, beds and stays: a bed holds at most one open stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.validation import Checker, Problem


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
        return check.problems


@dataclass
class Room:
    shelter_id: str
    name: str
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("name", self.name)
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
        check.not_before("discharged_on", self.discharged_on, self.admitted_on, "admitted_on")
        return check.problems

    def nights_between(self, start: date, end: date) -> int:
        """Bed-nights of this stay within [start, end) (the night of the last day excluded)."""
        first = max(self.admitted_on, start)
        last = min(self.discharged_on or end, end)
        return max(0, (last - first).days)

