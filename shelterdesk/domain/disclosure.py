"""What may leave the building: the anonymized referral record and the identified details.

An anonymized sheet is printed from :class:`AnonymizedReferral`, which has no
field that could hold a name, a date of birth, a contact detail, an address, a
document number, a note or a shelter: the printer cannot print what it is never
given. Rare values are generalised here (age to a band, a nationality shared
by fewer than k clients to its M49 region).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from shelterdesk.domain import regions
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.referrals import Referral
from shelterdesk.domain.vocabulary import Term, Vocabulary
from shelterdesk.i18n import N_

DEFAULT_K = 5

# (code, lowest age, highest age or None); the codes are what a sheet prints.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-11", 0, 11), ("12-17", 12, 17), ("18-24", 18, 24), ("25-34", 25, 34),
    ("35-44", 35, 44), ("45+", 45, None))

# Vulnerabilities that mean the person needs medical care of some kind.
MEDICAL_VULNERABILITIES = frozenset({"disability", "mental_health", "addiction"})

# Details of the client an identified form may carry besides the name; the person
# printing it ticks what the client's consent covers.
SHARED_DETAILS = Vocabulary("shared_details", [
    Term("other_names", N_("Other names")),
    Term("sex", N_("Sex")),
    Term("date_of_birth", N_("Date of birth or age")),
    Term("nationality", N_("Nationality")),
    Term("phone", N_("Phone")),
    Term("email", N_("E-mail")),
    Term("address", N_("Address")),
    Term("document_number", N_("Document number")),
], multi=True)
# Address and document number only when asked for: they are what finds a person.
DEFAULT_SHARED = frozenset({"other_names", "sex", "date_of_birth", "nationality", "phone",
                            "email"})


def age_band(age: int | None) -> str:
    """The band code for an age in whole years; empty when the age is not known."""
    if age is None or age < 0:
        return ""
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return ""


def medical_needs(case: Case, services: list[str]) -> bool | None:
    """Yes when medical care is requested or a health vulnerability is recorded, else None.

    Decided from what any referring user may see: never from medical records. Nothing
    recorded is not a "no" (a sheet must not tell a partner there are no medical needs).
    """
    if "medical" in services or MEDICAL_VULNERABILITIES & set(case.vulnerabilities):
        return True
    return None


@dataclass(frozen=True)
class Nationality:
    """A nationality as printed on an anonymized sheet: a country, a region, or unknown."""

    country: str = ""  # ISO alpha-2, when at least k clients share it
    region: str = ""  # M49 code, when the country is rare

    @property
    def known(self) -> bool:
        return bool(self.country or self.region)


def generalise_nationality(country: str, count: int, k: int) -> Nationality:
    """The country when ``count`` clients (this one included) share it, else its region."""
    if not country:
        return Nationality()
    if count >= k:
        return Nationality(country=country)
    found = regions.region_of(country)
    return Nationality(region=found.m49) if found else Nationality()


@dataclass(frozen=True)
class AnonymizedReferral:
    """Everything an anonymized referral sheet shows, and nothing else."""

    case_code: str
    referral_id: str
    referred_on: date
    from_org: str
    to_org: str
    services: tuple[str, ...]
    urgency: str
    sex: str
    age_band: str
    nationality: Nationality
    exploitation_types: tuple[str, ...]
    languages: tuple[str, ...]
    interpreter_needed: bool | None  # None: not recorded
    medical_needs: bool | None


def anonymize(client: Client, case: Case, referral: Referral, *, from_org: str, to_org: str,
              nationality_count: Callable[[str], int], k: int = DEFAULT_K) -> AnonymizedReferral:
    """The anonymized view of a referral; ``nationality_count`` counts clients by country."""
    country = client.nationality.strip().upper()
    count = nationality_count(country) if country else 0
    return AnonymizedReferral(
        case_code=case.case_code, referral_id=referral.id, referred_on=referral.referred_on,
        from_org=from_org, to_org=to_org, services=tuple(referral.services),
        urgency=referral.urgency, sex=client.sex or "unknown",
        age_band=age_band(client.age_on(referral.referred_on)),
        nationality=generalise_nationality(country, count, k),
        exploitation_types=tuple(case.exploitation_types), languages=tuple(client.languages),
        interpreter_needed=case.interpreter_needed,
        medical_needs=medical_needs(case, referral.services))
