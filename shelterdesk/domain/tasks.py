"""Notes on a case and follow-up tasks with due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.roles import Role
from shelterdesk.domain.validation import Checker, Problem, record_text_problems

# Who may list the due follow-ups of every case, not only their own.
SEES_ALL_FOLLOW_UPS: frozenset[Role] = frozenset({Role.COORDINATOR})

BUCKETS = ("overdue", "today", "week", "later")


def bucket_for(due_on: date, today: date) -> str:
    """overdue, today, week (within the next 7 days) or later."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "week" if (due_on - today).days <= 7 else "later"


@dataclass
class Note:
    case_id: str
    body: str
    created_at: datetime | None = None
    author_id: str = ""
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("body", self.body)
        check.max_length("body", self.body, 20000)
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class FollowUp:
    case_id: str
    due_on: date
    kind: str
    description: str = ""
    assigned_to: str = ""
    done_at: datetime | None = None
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("due_on", self.due_on)
        check.code("kind", self.kind, codes.FOLLOW_UP_KINDS, required=True)
        check.max_length("description", self.description, 2000)
        check.problems += record_text_problems(self)
        return check.problems

    def bucket(self, today: date) -> str:
        """overdue, today, week (next 7 days) or later; done tasks are 'done'."""
        if self.done_at is not None:
            return "done"
        return bucket_for(self.due_on, today)
