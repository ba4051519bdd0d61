"""Organisations of the coalition, referrals to them, and the consents that allow them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.validation import Checker, Problem, record_text_problems
from shelterdesk.i18n import N_


@dataclass
class Organisation:
    name: str
    kind: str
    services: list[str] = field(default_factory=list)
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    id: str = ""

    def validate(self) -> list[Problem]:
        check = Checker()
        check.required("name", self.name)
        check.max_length("name", self.name, 200)
        check.code("kind", self.kind, codes.ORGANISATION_KINDS, required=True)
        check.codes("services", self.services, codes.SERVICES)
        check.phone("phone", self.phone)
        check.email("email", self.email)
        check.problems += record_text_problems(self)
        return check.problems


@dataclass
class Consent:
    case_id: str
    purpose: str
    given_on: date
    method: str = "signed"
    to_org_id: str = ""  # empty: not limited to one organisation
    scope: str = ""  # before structured scopes: the client's words (kept, no longer asked)
    expires_on: date | None = None
    withdrawn_on: date | None = None
    id: str = ""
    # What may be shared (codes.CONSENT_SCOPE). Nothing but the name unless a person ticks
    # more: a consent recorded before scopes were structured reads as name only.
    details: list[str] = field(default_factory=lambda: ["name"])
    # The id of the amended version that replaced this one (empty: this is the current one).
    superseded_by: str = ""

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.code("purpose", self.purpose, codes.CONSENT_PURPOSES, required=True)
        check.codes("details", self.details, codes.CONSENT_SCOPE, required=True)
        check.code("method", self.method, codes.CONSENT_METHODS, required=True)
        check.required("given_on", self.given_on)
        check.not_future("given_on", self.given_on, today or date.today())
        check.not_before("expires_on", self.expires_on, self.given_on, "given_on")
        if self.purpose == "referral" and not self.to_org_id:
            check.add("to_org_id", N_("is required for a referral consent"))
        check.problems += record_text_problems(self)
        return check.problems

    def in_force(self, on: date) -> bool:
        if self.superseded_by:  # an amended consent lives on in its newer version only
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return False
        if self.expires_on is not None and self.expires_on < on:
            return False
        return self.given_on <= on

    def covers(self, purpose: str, org_id: str, on: date) -> bool:
        """Recorded, unexpired, unwithdrawn, for this purpose and this organisation."""
        return (self.purpose == purpose and self.in_force(on)
                and (not self.to_org_id or self.to_org_id == org_id))

    def allows(self, detail: str) -> bool:
        """Whether the scope covers a detail (a ``codes.CONSENT_SCOPE`` code)."""
        return detail in self.details


@dataclass
class Referral:
    case_id: str
    to_org_id: str
    services: list[str]
    referred_on: date
    urgency: str = "routine"
    status: str = "draft"
    anonymized: bool = False
    outcome: str = ""
    consent_id: str = ""
    override_reason: str = ""
    id: str = ""
    number: str = ""  # readable, for people (R-26-K7-0042-X); the id stays internal

    def validate(self, today: date | None = None) -> list[Problem]:
        check = Checker()
        check.required("to_org_id", self.to_org_id)
        check.codes("services", self.services, codes.SERVICES, required=True)
        check.required("date", self.referred_on)
        check.not_future("date", self.referred_on, today or date.today())
        check.code("urgency", self.urgency, codes.URGENCY, required=True)
        check.code("status", self.status, codes.REFERRAL_STATUS, required=True)
        check.max_length("outcome", self.outcome, 4000)
        check.problems += record_text_problems(self)
        return check.problems


def can_move(current: str, new: str) -> bool:
    return new in codes.REFERRAL_TRANSITIONS.get(current, frozenset())


def next_statuses(current: str) -> list[str]:
    """The statuses a referral may move to from ``current``, in the vocabulary's order."""
    allowed = codes.REFERRAL_TRANSITIONS.get(current, frozenset())
    return [code for code in codes.REFERRAL_STATUS.codes if code in allowed]


def status_change_problems(referral: Referral, new_status: str, on: date | None,
                           last_change: date | None = None,
                           today: date | None = None) -> list[Problem]:
    """A change of status needs an allowed move and a date between the last change and today."""
    check = Checker()
    check.code("status", new_status, codes.REFERRAL_STATUS, required=True)
    if new_status in codes.REFERRAL_STATUS and not can_move(referral.status, new_status):
        check.add("status", N_("cannot follow “{current}”"),
                  current=codes.REFERRAL_STATUS.label(referral.status))
    check.required("status_changed_on", on)
    check.not_future("status_changed_on", on, today or date.today())
    check.not_before("status_changed_on", on, referral.referred_on, "referred_on")
    if last_change and referral.referred_on and last_change > referral.referred_on:
        check.not_before("status_changed_on", on, last_change, "last_status_change")
    check.max_length("outcome", referral.outcome, 4000)
    return check.problems
