"""Validation that reports every problem at once, each naming its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.i18n import N_, _
from shelterdesk.i18n.territories import country_codes, language_codes

FIELD_LABELS: dict[str, str] = {
    "given_name": N_("Given name"), "family_name": N_("Family name"), "sex": N_("Sex"),
    "date_of_birth": N_("Date of birth"), "age_estimate": N_("Estimated age"),
    "nationality": N_("Nationality"), "phone": N_("Phone"), "email": N_("E-mail"),
    "intake_date": N_("Intake date"), "exploitation_types": N_("Types of exploitation"),
    "recruitment_channel": N_("Recruitment channel"),
    "recruitment_platform": N_("Recruitment platform"),
    "means_of_control": N_("Means of control"), "victim_status": N_("Victim status"),
    "status_decision_date": N_("Decision date"), "status_authority": N_("Deciding authority"),
    "identified_by": N_("Identified by"), "vulnerabilities": N_("Vulnerabilities"),
    "countries_origin": N_("Countries of origin"), "countries_transit": N_("Transit countries"),
    "countries_destination": N_("Destination countries"), "languages": N_("Languages"),
    "risk_level": N_("Risk"), "status": N_("Status"), "date": N_("Date"), "topic": N_("Topic"),
    "summary": N_("Summary"), "kind": N_("Kind"), "duration_minutes": N_("Duration (minutes)"),
    "next_step_date": N_("Next step date"), "name": N_("Name"), "services": N_("Services"),
    "urgency": N_("Urgency"), "purpose": N_("Purpose"), "method": N_("Method"),
    "given_on": N_("Date given"), "expires_on": N_("Expiry date"), "admitted_on": N_("Admitted on"),
    "discharged_on": N_("Discharged on"), "due_on": N_("Due date"), "body": N_("Text"),
    "source_link": N_("Source link"), "platform": N_("Platform"), "roles": N_("Roles"),
    "trafficker_relationship": N_("Relationship to the trafficker"), "label": N_("Label"),
    "capacity": N_("Capacity"), "to_org_id": N_("Receiving organisation"),
    "description": N_("Description"), "relationship": N_("Relationship"),
    "outcome": N_("Outcome"), "file_name": N_("File"),
    "referred_on": N_("Referral date"), "status_changed_on": N_("Date of the change"),
    "last_status_change": N_("Last change of status"),
    "details": N_("What may be shared"),
    "patronymic": N_("Father's name"), "reason": N_("Reason"), "closed_on": N_("Closing date"),
    "closure_reason": N_("Reason for closing"), "closure_note": N_("Details"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field; the message is translated when shown."""

    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        params = {key: field_label(value) if key == "other" else value
                  for key, value in self.params.items()}
        return _(self.message).format(**params)

    def __str__(self) -> str:
        return f"{field_label(self.field)}: {self.text()}"


class Checker:
    """Collects problems; each check names the field it is about."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, name: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(name, message, params))

    def required(self, name: str, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            self.add(name, N_("is required"))

    def max_length(self, name: str, value: str | None, limit: int) -> None:
        if value and len(value) > limit:
            self.add(name, N_("is too long (at most {limit} characters)"), limit=limit)

    def code(self, name: str, value: str | None, vocabulary: Vocabulary,
             required: bool = False) -> None:
        if not value:
            if required:
                self.required(name, value)
            return
        if value not in vocabulary:
            self.add(name, N_("“{value}” is not one of the allowed values"), value=value)

    def codes(self, name: str, values: list[str], vocabulary: Vocabulary,
              required: bool = False) -> None:
        if required and not values:
            self.required(name, values)
        for value in values:
            if value not in vocabulary:
                self.add(name, N_("“{value}” is not one of the allowed values"), value=value)
        if len(set(values)) != len(values):
            self.add(name, N_("lists a value twice"))

    def countries(self, name: str, values: list[str]) -> None:
        for value in values:
            if value not in country_codes():
                self.add(name, N_("“{value}” is not an ISO 3166 country code"), value=value)

    def country(self, name: str, value: str | None) -> None:
        if value:
            self.countries(name, [value])

    def languages(self, name: str, values: list[str]) -> None:
        for value in values:
            if value not in language_codes():
                self.add(name, N_("“{value}” is not an ISO 639 language code"), value=value)

    def not_future(self, name: str, value: date | None, today: date) -> None:
        if value and value > today:
            self.add(name, N_("is in the future"))

    def not_before(self, name: str, value: date | None, other: date | None,
                   other_name: str) -> None:
        if value and other and value < other:
            self.add(name, N_("is before {other}"), other=other_name)

    def phone(self, name: str, value: str | None) -> None:
        if value and not re.fullmatch(r"\+?[0-9 ()-]{5,20}", value.strip()):
            self.add(name, N_("is not a phone number"))

    def email(self, name: str, value: str | None) -> None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
            self.add(name, N_("is not an e-mail address"))

    def int_range(self, name: str, value: int | None, low: int, high: int) -> None:
        if value is not None and not (low <= value <= high):
            self.add(name, N_("must be between {low} and {high}"), low=low, high=high)


# Characters that make a terminal or a viewer do something instead of showing text: the
# C0 and C1 control characters and DEL (escape sequences, carriage-return overprinting,
# bells) and the bidirectional overrides that reorder what is displayed. A line break and
# a tab are text; a carriage return only as part of a Windows line end.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\n\t")


def control_character(text: str) -> str | None:
    """The first character of ``text`` no input may hold, as U+XXXX; None if there is none."""
    for index, ch in enumerate(text):
        code = ord(ch)
        if ch in _ALLOWED_CONTROLS:
            continue
        if ch == "\r" and text[index + 1:index + 2] == "\n":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0 or ch in _BIDI_CONTROLS:
            return f"U+{code:04X}"
    return None


def text_problems(name: str, value: Any) -> list[Problem]:
    """Control characters in a text (or a list of texts), named by the field."""
    texts = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and (found := control_character(text)):
            return [Problem(name, N_("contains a control character ({character}), which is "
                                     "not allowed"), {"character": found})]
    return []


def record_text_problems(record: Any) -> list[Problem]:
    """Control characters in every text field of a record (a dataclass)."""
    fields = getattr(record, "__dataclass_fields__", {})
    problems: list[Problem] = []
    for name in fields:
        problems += text_problems(name, getattr(record, name, None))
    return problems


def printable(text: str) -> str:
    """Text safe to print to a terminal: control characters shown as \\xNN / \\uNNNN escapes."""
    if control_character(text) is None:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch not in _ALLOWED_CONTROLS and (code < 0x20 or 0x7F <= code < 0xA0
                                            or ch in _BIDI_CONTROLS):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_FORMULA_START = ("=", "+", "-", "@")


def check_plain_text(value: str) -> str | None:
    """Why a name cannot be stored as typed (control characters, a spreadsheet formula), or None.

    A name that starts like a formula would run as one when a list is opened in a
    spreadsheet; control characters hide text. (Phone numbers may start with +.)
    """
    if control_character(value):
        return N_("contains control characters")
    if value.strip().startswith(_FORMULA_START):
        return N_("starts like a spreadsheet formula (=, +, - or @)")
    return None
