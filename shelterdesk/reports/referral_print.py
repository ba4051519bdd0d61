"""Refer a case and print its document: the one use case both the window and the CLI call.

Everything that can be refused is checked before the referral is recorded
(permission, language, details, services); the consent check is the store's,
inside the same transaction that records the referral. Every document made is
audited with who, which case, which kind and which language, never its content.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date

from shelterdesk.domain import disclosure
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Consent, Organisation, Referral
from shelterdesk.i18n import N_, normalize_language, translator_for
from shelterdesk.reports.anonymized_sheet import render_anonymized_sheet
from shelterdesk.reports.labels import Labels
from shelterdesk.reports.referral_form import ReferralFormData, render_referral_form
from shelterdesk.store import access, settings
from shelterdesk.store.records import care, clients, consents, organisations, referrals
from shelterdesk.store.statistics import population
from shelterdesk.store.vault import Session

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class UnsupportedLanguage(UserFacingError):
    message = N_("“{language}” is not a language documents can be printed in (az, ru or en).")


class UnknownDetail(UserFacingError):
    message = N_("“{detail}” is not a detail an identified referral can carry ({allowed}).")


class DetailNotConsented(UserFacingError):
    message = N_("The client's consent does not cover “{detail}”: leave it out, or record a "
                 "consent that covers it.")


class ConsentWithoutName(UserFacingError):
    message = N_("The client's consent to this referral does not cover their name, so no "
                 "form that names them can be printed. Send an anonymized sheet instead.")


class DetailsOnAnonymized(UserFacingError):
    message = N_("An anonymized sheet carries no personal details; leave out the details "
                 "to share.")


def refer_and_render(session: Session, case: str, org: str | Organisation,
                     services: Iterable[str] = (), urgency: str = "routine",
                     anonymized: bool = False, language: str = "en",
                     override_reason: str = "", *, shared: Iterable[str] | None = None,
                     translator: Labels | None = None,
                     on: date | None = None) -> tuple[Referral, bytes]:
    """Record a referral of a case (code or id) to an organisation and print its document.

    ``shared`` names the client's details an identified form carries besides the
    name (``disclosure.SHARED_DETAILS``). With a consent, the default is every
    detail its scope covers, and a detail it does not cover is refused; with a
    coordinator's override, the default is ``DEFAULT_SHARED``. ``translator``
    replaces the catalog of ``language``.
    """
    code = normalize_language(language)
    if code is None:
        raise UnsupportedLanguage(language=language)
    tr = translator or translator_for(code)
    case_id = _case_id(session, case)
    access.require(session, Kind.REFERRAL, Action.EXPORT, case_id)
    target = org if isinstance(org, Organisation) else organisations.find_organisation(
        session, org)
    day = on or date.today()
    consent = None if anonymized else consents.referral_consent(session, case_id, target.id, day)
    details = _details(shared, anonymized, consent)
    services = list(dict.fromkeys(services)) or list(target.services)
    client, case_record = clients.get_case(session, case_id)
    referral = referrals.create_referral(
        session, Referral(case_id, target.id, services, day, urgency=urgency,
                          anonymized=anonymized),
        override_reason="" if anonymized else override_reason)
    paper = settings.get(session, "paper_size")
    from_org = session.meta("org_name")
    if anonymized:
        sheet = disclosure.anonymize(
            client, case_record, referral, from_org=from_org, to_org=target.name,
            population=lambda day: population.quasi_identifiers(session, day),
            k=settings.get(session, "anonymization_k"))
        pdf = render_anonymized_sheet(sheet, tr, paper)
    else:
        pdf = render_referral_form(_form_data(session, referral, client, case_record, target,
                                              details, day=day), tr, paper)
    _audit_print(session, referral, tr.language)
    return referral, pdf


def _case_id(session: Session, case: str) -> str:
    value = case.strip()
    return value if _UUID.match(value.lower()) else clients.case_id_for_code(session, value)


def _details(shared: Iterable[str] | None, anonymized: bool,
             consent: Consent | None = None) -> frozenset[str]:
    """The details to print: what was asked for, never more than the consent covers."""
    if anonymized:
        if shared is not None and any(d.strip() for d in shared):
            raise DetailsOnAnonymized()
        return frozenset()
    if consent is not None and not consent.allows("name"):
        raise ConsentWithoutName()
    allowed = disclosure.details_covered(consent.details) if consent is not None \
        else disclosure.DEFAULT_SHARED
    if shared is None:
        return allowed
    details = frozenset(d.strip() for d in shared if d.strip())
    for detail in sorted(details):
        if detail not in disclosure.SHARED_DETAILS:
            raise UnknownDetail(detail=detail,
                                allowed=", ".join(disclosure.SHARED_DETAILS.codes))
        if consent is not None and detail not in allowed:
            raise DetailNotConsented(detail=disclosure.SHARED_DETAILS.label(detail))
    return details


def _form_data(session: Session, referral: Referral, client, case, target: Organisation,
               shared: frozenset[str], *, day: date,
               override_by: str = "") -> ReferralFormData:
    consent = consents.get_consent(session, referral.consent_id) if referral.consent_id \
        else None
    medical_consent, medical = medical_to_share(session, referral, day)
    me = session.user.display_name or session.user.username
    return ReferralFormData(
        referral=referral, client=client, case=case, from_org=session.meta("org_name"),
        contact_person=me, to_org=target.name, consent=consent,
        override_by=(override_by or me) if referral.override_reason else "",
        shared=shared, medical=medical, medical_consent=medical_consent)


def medical_to_share(session: Session, referral: Referral,
                     day: date) -> tuple[Consent | None, list]:
    """Medical records go only to a user who may read them, with a consent to share them that
    is in force on the day of the output and whose scope covers medical information."""
    if not access.can(session, Kind.MEDICAL, Action.VIEW):
        return None, []
    found = [c for c in consents.list_consents(session, referral.case_id)
             if c.covers("medical_sharing", referral.to_org_id, day) and c.allows("medical")]
    if not found:
        return None, []
    return found[-1], care.list_medical_services(session, referral.case_id)


def _audit_print(session: Session, referral: Referral, language: str) -> None:
    detail = {"referral": referral.id, "kind": "anonymized" if referral.anonymized
              else "identified", "language": language}
    if referral.override_reason:
        # The reason itself stays on the referral record; the chain binds it by its digest,
        # so a later edit of the reason shows, and no words of it sit in the audit log.
        detail["consent_override"] = True
        detail["override_sha256"] = hashlib.sha256(
            referral.override_reason.encode("utf-8")).hexdigest()
    session.audit("referral.print", "case", referral.case_id, **detail)
