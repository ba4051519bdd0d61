"""A client (the person) and a case (one episode of assistance), and what makes them valid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shelterdesk.domain import codes_case as codes
from shelterdesk.domain.validation import Checker, Problem, record_text_problems
from shelterdesk.i18n import N_

MAX_AGE = 120


@dataclass
class Client:
    given_name: str
    family_name: str = ""
    other_names: str = ""
    sex: str = "unknown"
    date_of_birth: date | None = None
    age_estimate: int | None = None
    nationality: str = ""
    languages: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    address: str = ""
    document_number: str = ""
    patronymic: str = ""  # the father's name: ata adı, отчество ("Əli qızı", "Алиевна")
    id: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        today = today or date.today()
        check = Checker()
        check.required("given_name", self.given_name)
        for name in ("given_name", "family_name", "other_names", "patronymic"):
            check.max_length(name, getattr(self, name), 200)
        check.code("sex", self.sex, codes.SEX, required=True)
        check.not_future("date_of_birth", self.date_of_birth, today)
        if self.date_of_birth and self.date_of_birth.year < today.year - MAX_AGE:
            check.add("date_of_birth", N_("is more than {years} years ago"), years=MAX_AGE)
        check.int_range("age_estimate", self.age_estimate, 0, MAX_AGE)
        check.country("nationality", self.nationality)
        check.languages("languages", self.languages)
        check.phone("phone", self.phone)
        check.email("email", self.email)
        check.problems += record_text_problems(self)
        return check.problems

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day, from the birth date or else the estimate."""
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age_estimate

    @property
    def full_name(self) -> str:
        """Given name, father's name, family name: "Aynur Əli qızı Məmmədova"."""
        return " ".join(p.strip() for p in (self.given_name, self.patronymic, self.family_name)
                        if p.strip())

    @property
    def initials(self) -> str:
        parts = [p for p in (self.given_name, self.family_name) if p.strip()]
        return "".join(capital_initial(p) + "." for p in parts)


# Azerbaijani (and Turkish) Latin has two i's: dotted i/İ and dotless ı/I. Python's
# str.upper() knows only the English pair and would turn "ilqar" into "I" (a dotless
# capital, another letter) and "ısmayıl" into "I" by luck; names from Latin script here
# are read by Azerbaijani staff, so initials follow Turkic casing. Cyrillic is unaffected.
_TURKIC_CAPITALS = {"i": "İ", "ı": "I"}


def capital_initial(name: str) -> str:
    """The first letter of ``name`` as a capital, i→İ and ı→I; '' for a blank name."""
    name = name.strip()
    if not name:
        return ""
    first = name[0]
    return _TURKIC_CAPITALS.get(first, first.upper()[:1] or first)


def name_initials(*names: str, separator: str = " ") -> str:
    """"Aysel Məmmədova" → "A. M.", "ilqar isgəndərov" → "İ. İ." — one capital per name part."""
    return separator.join(capital_initial(part) + "." for name in names
                          for part in name.split() if part)


@dataclass
class Case:
    intake_date: date
    exploitation_types: list[str] = field(default_factory=list)
    recruitment_channel: str = ""
    recruitment_platform: str = ""
    means_of_control: list[str] = field(default_factory=list)
    victim_status: str = ""  # required: chosen by a person, never assumed
    status_decision_date: date | None = None
    status_authority: str = ""
    identified_by: str = ""
    countries_origin: list[str] = field(default_factory=list)
    countries_transit: list[str] = field(default_factory=list)
    countries_destination: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    trafficker_relationship: str = ""
    risk_level: str = ""  # required: chosen by a person, never assumed
    status: str = "open"
    interpreter_needed: bool | None = None  # None: not asked or not answered
    needs_summary: str = ""
    assigned_worker_id: str = ""
    id: str = ""
    client_id: str = ""
    case_code: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        today = today or date.today()
        check = Checker()
        check.required("intake_date", self.intake_date)
        check.not_future("intake_date", self.intake_date, today)
        check.codes("exploitation_types", self.exploitation_types, codes.EXPLOITATION_TYPES)
        check.code("recruitment_channel", self.recruitment_channel, codes.RECRUITMENT_CHANNELS)
        check.code("recruitment_platform", self.recruitment_platform, codes.PLATFORMS)
        if self.recruitment_platform and self.recruitment_channel \
                and self.recruitment_channel not in codes.ONLINE_CHANNELS:
            check.add("recruitment_platform",
                      N_("only applies to online channels (social network, dating app, "
                         "online job advert)"))
        check.codes("means_of_control", self.means_of_control, codes.MEANS_OF_CONTROL)
        check.code("victim_status", self.victim_status, codes.VICTIM_STATUS, required=True)
        if self.victim_status == "identified":
            check.required("status_decision_date", self.status_decision_date)
            check.required("status_authority", self.status_authority)
        check.not_future("status_decision_date", self.status_decision_date, today)
        check.code("identified_by", self.identified_by, codes.IDENTIFIED_BY)
        for name in ("countries_origin", "countries_transit", "countries_destination"):
            check.countries(name, getattr(self, name))
        check.codes("vulnerabilities", self.vulnerabilities, codes.VULNERABILITIES)
        check.code("trafficker_relationship", self.trafficker_relationship,
                   codes.TRAFFICKER_RELATIONSHIP)
        check.code("risk_level", self.risk_level, codes.RISK_LEVELS, required=True)
        check.code("status", self.status, codes.CASE_STATUS, required=True)
        check.max_length("needs_summary", self.needs_summary, 4000)
        check.problems += record_text_problems(self)
        return check.problems
