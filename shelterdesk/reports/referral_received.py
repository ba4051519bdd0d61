"""A received referral shown as the printed documents show it (the inbox's preview):
the anonymized sheet always, the referral form when it names the client."""

from __future__ import annotations

from datetime import date
from typing import Any

from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.disclosure import AnonymizedReferral, Nationality
from shelterdesk.domain.referrals import Consent, Referral
from shelterdesk.i18n import normalize_language, translator_for
from shelterdesk.reports.anonymized_sheet import render_anonymized_sheet
from shelterdesk.reports.referral_form import ReferralFormData, render_referral_form
from shelterdesk.reports.referral_print import UnsupportedLanguage
from shelterdesk.store import settings
from shelterdesk.store.exchange.inbox import Received
from shelterdesk.store.vault import Session


def render_received(session: Session, entry: Received, language: str = "en") -> bytes:
    """The PDF of a received referral: the form if it still names the client, else the sheet."""
    code = normalize_language(language)
    if code is None:
        raise UnsupportedLanguage(language=language)
    tr = translator_for(code)
    paper = settings.get(session, "paper_size")
    sent = entry.referral
    referral = Referral(case_id="", to_org_id="", services=list(sent.get("services", [])),
                        referred_on=date.fromisoformat(sent["referred_on"]),
                        urgency=str(sent.get("urgency", "routine")), status="sent",
                        anonymized=entry.identified is None, id=entry.sender_referral_id,
                        number=entry.number)
    named = entry.identified
    to_org = str(sent.get("to_name") or session.meta("org_name"))
    if named is None:
        return render_anonymized_sheet(_sheet(entry, referral, to_org), tr, paper)
    client = Client(
        given_name=str(named.get("given_name", "")), family_name=str(named.get("family_name", "")),
        patronymic=str(named.get("patronymic", "")),
        other_names=str(named.get("other_names", "")), sex=str(named.get("sex", "unknown")),
        date_of_birth=date.fromisoformat(named["date_of_birth"])
        if named.get("date_of_birth") else None, age_estimate=named.get("age_estimate"),
        nationality=str(named.get("nationality", "")), languages=list(named.get("languages", [])),
        phone=str(named.get("phone", "")), email=str(named.get("email", "")),
        address=str(named.get("address", "")),
        document_number=str(named.get("document_number", "")))
    case = Case(intake_date=referral.referred_on, case_code=entry.case_code,
                interpreter_needed=named.get("interpreter_needed"),
                needs_summary=str(named.get("needs_summary", "")))
    override = named.get("override") or {}
    referral.override_reason = str(override.get("reason", ""))
    return render_referral_form(ReferralFormData(
        referral=referral, client=client, case=case, from_org=entry.from_org_name,
        contact_person="", to_org=to_org, consent=_consent(named.get("consent")),
        override_by=str(override.get("by", "")), shared=frozenset(named.get("shared", []))),
        tr, paper)


def _sheet(entry: Received, referral: Referral, to_org: str) -> AnonymizedReferral:
    sheet: dict[str, Any] = entry.referral.get("sheet", {})
    return AnonymizedReferral(
        case_code=entry.case_code, referral_id=referral.id, referred_on=referral.referred_on,
        from_org=entry.from_org_name, to_org=to_org, services=tuple(referral.services),
        urgency=referral.urgency, sex=str(sheet.get("sex", "unknown")),
        age_band=str(sheet.get("age_band", "")),
        nationality=Nationality(str(sheet.get("country", "")), str(sheet.get("region", ""))),
        exploitation_types=tuple(sheet.get("exploitation_types", [])),
        languages=tuple(sheet.get("languages", [])),
        interpreter_needed=sheet.get("interpreter_needed"),
        medical_needs=sheet.get("medical_needs"), referral_number=entry.number,
        hidden=frozenset(sheet.get("hidden", [])), generalised=tuple(sheet.get("generalised", [])),
        k=int(sheet.get("k", 5)))


def _consent(values: dict[str, Any] | None) -> Consent | None:
    if not values:
        return None
    return Consent(case_id="", purpose=str(values.get("purpose", "referral")),
                   given_on=date.fromisoformat(values["given_on"]),
                   method=str(values.get("method", "signed")),
                   expires_on=date.fromisoformat(values["expires_on"])
                   if values.get("expires_on") else None,
                   details=list(values.get("details", ["name"])))
