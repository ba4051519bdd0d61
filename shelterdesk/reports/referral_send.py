"""Send a referral securely: the use case behind *Send securely* and `shelterdesk referral
send` (issue 22, item 2).

The same checks as printing (``referral_print``): permission, the details the consent
covers (``_details``), the consent inside the recording transaction. What travels is what
the printed documents show: always the anonymized sheet's fields (generalised as on paper),
and for an identified referral exactly the details its consent covers — never medical
records, legal content, notes or shelters. The message is signed with this organisation's
key and sealed to the receiver's confirmed key; the partner is checked before anything is
recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from shelterdesk.domain import disclosure
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent, Organisation, Referral
from shelterdesk.reports.referral_print import _case_id, _details
from shelterdesk.store import access, audit, settings
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange import messages, outbox
from shelterdesk.store.exchange.identity import confirmed_partner, require_keys, seal_for_partner
from shelterdesk.store.records import clients, consents, organisations, referrals
from shelterdesk.store.statistics import population
from shelterdesk.store.vault import Session

SUFFIX = ".sdreferral"


def refer_and_seal(session: Session, case: str, org: str | Organisation,
                   services: Iterable[str] = (), urgency: str = "routine",
                   anonymized: bool = True, override_reason: str = "", *,
                   shared: Iterable[str] | None = None,
                   on: date | None = None) -> tuple[Referral, bytes]:
    """Record a referral and return the sealed `.sdreferral` file's bytes (anonymized by
    default). Refused, with nothing recorded, when the receiver's keys are missing or
    unconfirmed, or our own keys do not exist yet."""
    case_id = _case_id(session, case)
    access.require(session, Kind.REFERRAL, Action.EXPORT, case_id)
    target = org if isinstance(org, Organisation) else organisations.find_organisation(
        session, org)
    require_keys(session)
    confirmed_partner(session, target.id)
    day = on or date.today()
    consent = None if anonymized else consents.referral_consent(session, case_id, target.id, day)
    details = _details(shared, anonymized, consent)
    services = list(dict.fromkeys(services)) or list(target.services)
    client, case_record = clients.get_case(session, case_id)
    referral = referrals.create_referral(
        session, Referral(case_id, target.id, services, day, urgency=urgency,
                          anonymized=anonymized),
        override_reason="" if anonymized else override_reason)
    from_org = session.meta("org_name")
    sheet = disclosure.anonymize(
        client, case_record, referral, from_org=from_org, to_org=target.name,
        population=lambda when: population.quasi_identifiers(session, when),
        k=settings.get(session, "anonymization_k"))
    body = {"id": referral.id, "number": referral.number, "case_code": case_record.case_code,
            "referred_on": day.isoformat(), "services": services, "urgency": urgency,
            "anonymized": anonymized, "to_name": target.name, "sheet": sheet_fields(sheet),
            "identified": None if anonymized else identified_fields(
                session, referral, client, case_record, details)}
    message = messages.new_message("referral", from_org, referral=body)
    data = seal_for_partner(session, target.id, message)
    with session.lock, transaction(session.connection) as connection:
        outbox.record_sent(connection, session, referral.id, target.id, message["id"])
        audit.append(connection, session.user.id, "referral.send", "case", case_id,
                     referral=referral.id, to=target.id,
                     kind="anonymized" if anonymized else "identified",
                     consent_override=bool(referral.override_reason))
    referral.status = "sent"
    return referral, data


def sheet_fields(sheet: disclosure.AnonymizedReferral) -> dict[str, Any]:
    """The anonymized sheet's person fields, as the sheet prints them (generalised)."""
    return {"sex": sheet.sex, "age_band": sheet.age_band,
            "country": sheet.nationality.country, "region": sheet.nationality.region,
            "exploitation_types": list(sheet.exploitation_types),
            "languages": list(sheet.languages), "interpreter_needed": sheet.interpreter_needed,
            "medical_needs": sheet.medical_needs, "hidden": sorted(sheet.hidden),
            "generalised": list(sheet.generalised), "k": sheet.k}


def identified_fields(session: Session, referral: Referral, client, case,
                      details: frozenset[str]) -> dict[str, Any]:
    """The name and exactly the details the consent covers (the printed form's rule)."""
    named: dict[str, Any] = {"given_name": client.given_name,
                             "patronymic": client.patronymic,
                             "family_name": client.family_name,
                             "languages": list(client.languages),
                             "interpreter_needed": case.interpreter_needed,
                             "needs_summary": case.needs_summary}
    if "other_names" in details:
        named["other_names"] = client.other_names
    if "sex" in details:
        named["sex"] = client.sex
    if "date_of_birth" in details:
        if client.date_of_birth:
            named["date_of_birth"] = client.date_of_birth.isoformat()
        elif client.age_estimate is not None:
            named["age_estimate"] = client.age_estimate
    if "nationality" in details:
        named["nationality"] = client.nationality
    for detail in ("phone", "email", "address", "document_number"):
        if detail in details:
            named[detail] = getattr(client, detail)
    consent = consents.get_consent(session, referral.consent_id) if referral.consent_id \
        else None
    named["consent"] = _consent_fields(consent)
    if referral.override_reason:
        named["override"] = {"reason": referral.override_reason,
                             "by": session.user.display_name or session.user.username}
    named["shared"] = sorted(details)
    return named


def _consent_fields(consent: Consent | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    values = asdict(consent)
    return {"purpose": consent.purpose, "given_on": consent.given_on.isoformat(),
            "method": consent.method, "details": list(consent.details),
            "expires_on": values["expires_on"].isoformat() if consent.expires_on else None}
