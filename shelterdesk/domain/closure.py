"""Closing a case (date and reason from a vocabulary) and reopening it (with a reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.validation import Checker, Problem
from shelterdesk.domain.vocabulary import Term, Vocabulary
from shelterdesk.i18n import N_

CLOSURE_REASONS = Vocabulary("closure_reason", [
    Term("safe_return", N_("Safe return")),
    Term("referred_on", N_("Referred on and handed over")),
    Term("lost_contact", N_("Lost contact")),
    Term("client_wish", N_("Client's wish")),
    Term("transferred", N_("Transferred")),
    Term("death", N_("Death")),
    Term("other", N_("Other")),
])
# The case status a closure leaves: handed over to another organisation, or simply closed.
REFERRED_REASONS = frozenset({"referred_on", "transferred"})
CLOSED_STATUSES = frozenset({"closed", "closed_referred"})
MAX_NOTE = 2000


def status_after_closing(reason: str) -> str:
    return "closed_referred" if reason in REFERRED_REASONS else "closed"


@dataclass
class Closure:
    """What a person gives when closing a case."""

    closed_on: date | None
    reason: str
    note: str = ""

    def validate(self, intake_date: date | None, today: date | None = None) -> list[Problem]:
        today = today or date.today()
        check = Checker()
        check.required("closed_on", self.closed_on)
        check.not_future("closed_on", self.closed_on, today)
        check.not_before("closed_on", self.closed_on, intake_date, N_("the intake date"))
        check.code("closure_reason", self.reason, CLOSURE_REASONS, required=True)
        if self.reason == "other":
            check.required("closure_note", self.note.strip())
        check.max_length("closure_note", self.note, MAX_NOTE)
        return check.problems


def reopen_problems(reason: str) -> list[Problem]:
    check = Checker()
    check.required("reason", reason.strip())
    check.max_length("reason", reason, MAX_NOTE)
    return check.problems


class CaseClosed(UserFacingError):
    message = N_("This case is closed: reopen it (with a reason) before changing it.")
