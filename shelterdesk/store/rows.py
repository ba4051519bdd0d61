"""Small helpers every repository uses: ids, timestamps, dates and JSON lists in rows."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from shelterdesk.domain.errors import UserFacingError, ValidationFailed
from shelterdesk.domain.validation import Problem
from shelterdesk.i18n import N_


class NotFound(UserFacingError):
    message = N_("The {kind} you asked for does not exist (or was erased).")


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.isoformat()


def to_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def to_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def dumps(values: Any) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return json.loads(text) if text else []


def ensure_valid(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def touch(connection: Any, case_id: str, stamp: str | None = None) -> None:
    """Mark activity on a case, so the list sorted by last activity shows it first."""
    connection.execute("UPDATE cases SET last_activity_at = ? WHERE id = ?",
                       (stamp or now(), case_id))
