"""Services delivered: legal consultations, medical services and the other kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.validation import Checker, Problem, record_text_problems


@dataclass
class LegalConsultation:
    case_id: str
    date: date
    topic: str
    summary: str = ""
    outcome: str = ""
    next_step: str = ""
    next_step_date: date | None = None
    duration_minutes: int | None = None
    interpreter_used: bool = False
    id: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.required("date", self.date)
        check.not_future("date", self.date, today or date.today())
        check.code("topic", self.topic, codes.LEGAL_TOPICS, required=True)
        check.max_length("summary", self.summary, 20000)
        check.int_range("duration_minutes", self.duration_minutes, 1, 24 * 60)
        check.not_before("next_step_date", self.next_step_date, self.date, "date")
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class MedicalService:
    case_id: str
    date: date
    kind: str
    summary: str = ""
    provider: str = ""
    follow_up_date: date | None = None
    id: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.required("date", self.date)
        check.not_future("date", self.date, today or date.today())
        check.code("kind", self.kind, codes.MEDICAL_KINDS, required=True)
        check.max_length("summary", self.summary, 20000)
        check.not_before("follow_up_date", self.follow_up_date, self.date, "date")
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class OtherService:
    case_id: str
    date: date
    kind: str
    description: str = ""
    provider_org_id: str = ""
    id: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.required("date", self.date)
        check.not_future("date", self.date, today or date.today())
        check.code("kind", self.kind, codes.OTHER_SERVICE_KINDS, required=True)
        check.max_length("description", self.description, 4000)
        check.problems += record_text_problems(self)
        return check.problems
