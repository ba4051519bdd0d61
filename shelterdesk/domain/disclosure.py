"""What may leave the building: the anonymized referral record and the identified details.

An anonymized sheet is printed from :class:`AnonymizedReferral`, which has no
field that could hold a name, a date of birth, a contact detail, an address, a
document number, a note or a shelter: the printer cannot print what it is never
given. Rare values are generalised here (age to a band, a nationality shared
by fewer than k clients to its M49 region).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from shelterdesk.domain import regions
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.referrals import Referral
from shelterdesk.domain.sheet_generalisation import QuasiIdentifiers, generalise
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

# Which tick of a consent's structured scope (codes_services.CONSENT_SCOPE) lets each detail
# out. Sex and nationality are on the anonymized sheet as well, so they need no tick of
# their own; every other detail needs its tick.
SCOPE_OF_DETAIL: dict[str, str] = {
    "other_names": "name", "date_of_birth": "date_of_birth", "phone": "contact",
    "email": "contact", "address": "address", "document_number": "document_number"}


def details_covered(scope: Iterable[str]) -> frozenset[str]:
    """The details an identified form may print under a consent with this scope."""
    ticked = set(scope)
    return frozenset(code for code in SHARED_DETAILS.codes
                     if SCOPE_OF_DETAIL.get(code) is None or SCOPE_OF_DETAIL[code] in ticked)


def default_scope(purpose: str) -> list[str]:
    """What a new consent covers until a person ticks more: the name (and, for a consent to
    share medical information, that information)."""
    return ["name", "medical"] if purpose == "medical_sharing" else ["name"]


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
    referral_number: str = ""  # the readable number (R-26-…); the UUID stays internal
    hidden: frozenset[str] = frozenset()  # fields generalised away entirely
    generalised: tuple[str, ...] = ()  # fields generalised so that k clients match
    k: int = DEFAULT_K


def quasi_identifiers(client: Client, case: Case, on: date) -> QuasiIdentifiers:
    return QuasiIdentifiers(client.sex or "unknown", client.age_on(on),
                            client.nationality.strip().upper(), tuple(client.languages),
                            tuple(case.exploitation_types))


def anonymize(client: Client, case: Case, referral: Referral, *, from_org: str, to_org: str,
              nationality_count: Callable[[str], int] | None = None, k: int = DEFAULT_K,
              population: Callable[[date], Iterable[QuasiIdentifiers]] | None = None
              ) -> AnonymizedReferral:
    """The anonymized view of a referral.

    ``population(day)`` gives every client's quasi-identifiers on that day: the printed
    combination is then checked as a whole (sheet_generalisation). Without it, only the
    nationality is checked, by ``nationality_count`` (counts clients by country).
    """
    on = referral.referred_on
    common = dict(case_code=case.case_code, referral_id=referral.id, referred_on=on,
                  from_org=from_org, to_org=to_org, services=tuple(referral.services),
                  urgency=referral.urgency, interpreter_needed=case.interpreter_needed,
                  medical_needs=medical_needs(case, referral.services),
                  referral_number=referral.number, k=k)
    if population is not None:
        printed = generalise(quasi_identifiers(client, case, on), population(on), k)
        return AnonymizedReferral(
            sex=printed.sex, age_band=printed.age_band,
            nationality=Nationality(printed.country, printed.region),
            exploitation_types=printed.exploitation, languages=printed.languages,
            hidden=printed.hidden, generalised=printed.generalised, **common)
    country = client.nationality.strip().upper()
    count = nationality_count(country) if country and nationality_count else 0
    return AnonymizedReferral(
        sex=client.sex or "unknown", age_band=age_band(client.age_on(on)),
        nationality=generalise_nationality(country, count, k),
        exploitation_types=tuple(case.exploitation_types), languages=tuple(client.languages),
        **common)
