"""Printing a recorded referral again (the Referrals section): consent checked again, today.

``refer_and_render`` records a referral and prints it; this prints one already
recorded. An identified form needs a referral consent in force on the day it is
printed — one withdrawn since the referral stops it — while an anonymized sheet
can always be made, for an identified referral too. Every document made and
every copy saved to a file is audited (who, which case, which kind, which
language), never its content.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from shelterdesk.domain import disclosure
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referral_numbers import is_valid as is_referral_number
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_, normalize_language, translator_for
from shelterdesk.reports.anonymized_sheet import render_anonymized_sheet
from shelterdesk.reports.labels import Labels
from shelterdesk.reports.referral_form import render_referral_form
from shelterdesk.reports.referral_print import (
    UnsupportedLanguage,
    _details,
    _form_data,
    medical_to_share,
)
from shelterdesk.store import access, settings
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.records import clients, consents, organisations, referrals
from shelterdesk.store.statistics import population
from shelterdesk.store.vault import Session


class SaveFailed(UserFacingError):
    message = N_("The file could not be saved there ({detail}). Choose another folder.")


class MedicalConsentEnded(UserFacingError):
    message = N_("The consent to share medical information has ended since this form was "
                 "made. The form has been made again without the medical part; check it and "
                 "print again.")


class ConsentNotInForce(UserFacingError):
    message = N_(
        "This referral names the client, and no consent to a referral to this organisation "
        "is in force today (it may have expired or been withdrawn). Print the anonymized "
        "sheet instead, or record the client's consent first.")


@dataclass(frozen=True)
class RenderedReferral:
    """A document made today, and whether it carries the medical part (for the re-check)."""

    pdf: bytes
    anonymized: bool
    language: str
    medical_included: bool


def render_recorded_referral(session: Session, referral_id: str, language: str = "en", *,
                             anonymized: bool | None = None,
                             shared: frozenset[str] | None = None,
                             translator: Labels | None = None,
                             today: date | None = None) -> bytes:
    """The PDF of a recorded referral; ``anonymized`` True makes the sheet of any referral."""
    return render_for_output(session, referral_id, language, anonymized=anonymized,
                             shared=shared, translator=translator, today=today).pdf


def render_for_output(session: Session, referral_id: str, language: str = "en", *,
                      anonymized: bool | None = None, shared: frozenset[str] | None = None,
                      translator: Labels | None = None,
                      today: date | None = None) -> RenderedReferral:
    """Make the document again, checking every consent on the day of this output.

    An identified form needs a referral consent in force today and prints what its
    scope covers today; a referral made under a coordinator's override can be printed
    again without one by a coordinator only, and names the coordinator who overrode.
    The medical part goes only while the medical-sharing consent is in force today.
    """
    code = normalize_language(language)
    if code is None:
        raise UnsupportedLanguage(language=language)
    tr = translator or translator_for(code)
    if is_referral_number(referral_id):
        referral_id = referrals.referral_id_for_number(session, referral_id)
    referral = referrals.get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EXPORT, referral.case_id)
    referral = referrals.ensure_number(session, referral)
    sheet = referral.anonymized if anonymized is None else (anonymized or referral.anonymized)
    target = organisations.get_organisation(session, referral.to_org_id)
    client, case_record = clients.get_case(session, referral.case_id)
    paper = settings.get(session, "paper_size")
    medical_included = False
    if sheet:
        _details(shared, True)
        anonymous = disclosure.anonymize(
            client, case_record, referral, from_org=session.meta("org_name"),
            to_org=target.name,
            population=lambda day: population.quasi_identifiers(session, day),
            k=settings.get(session, "anonymization_k"))
        pdf = render_anonymized_sheet(anonymous, tr, paper)
    else:
        day = today or date.today()
        consent = consents.referral_consent(session, referral.case_id, referral.to_org_id, day)
        if consent is None and not (referral.override_reason
                                    and session.user.has_role(Role.COORDINATOR)):
            raise ConsentNotInForce()
        details = _details(shared, False, consent)
        override_by = referrals.recorded_by(session, referral.id) \
            if referral.override_reason else ""
        data = _form_data(session, referral, client, case_record, target, details, day=day,
                          override_by=override_by)
        if consent is not None:
            # Today's consent is what allows this copy, whichever one allowed the first.
            data = replace(data, consent=consent)
        medical_included = bool(data.medical and data.medical_consent is not None)
        pdf = render_referral_form(data, tr, paper)
    session.audit("referral.print", "case", referral.case_id, referral=referral.id,
                  kind="anonymized" if sheet else "identified", language=tr.language,
                  again=True)
    return RenderedReferral(pdf, sheet, tr.language, medical_included)


def check_output(session: Session, referral_id: str, *, anonymized: bool,
                 medical_included: bool, today: date | None = None) -> None:
    """Before a shown document goes to a printer: are its consents still in force today?

    Raises ``ConsentNotInForce`` when the identified form may no longer be printed, and
    ``MedicalConsentEnded`` when it carries a medical part whose consent has ended.
    """
    if anonymized:
        return
    referral = referrals.get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EXPORT, referral.case_id)
    day = today or date.today()
    if consents.referral_consent(session, referral.case_id, referral.to_org_id, day) is None \
            and not (referral.override_reason and session.user.has_role(Role.COORDINATOR)):
        raise ConsentNotInForce()
    if medical_included and medical_to_share(session, referral, day)[0] is None:
        raise MedicalConsentEnded()


def save_for_output(session: Session, referral_id: str, path: Path | str, language: str, *,
                    anonymized: bool, today: date | None = None) -> RenderedReferral:
    """*Save as*: the document made again today (consents re-checked), written and audited."""
    made = render_for_output(session, referral_id, language, anonymized=anonymized,
                             today=today)
    save_document(session, referral_id, made.pdf, path, anonymized=made.anonymized,
                  language=made.language)
    return made


def save_document(session: Session, referral_id: str, pdf: bytes, path: Path | str, *,
                  anonymized: bool, language: str) -> Path:
    """Write a printed document where the person chose (atomically), and audit the export."""
    referral = referrals.get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EXPORT, referral.case_id)
    target = Path(path)
    try:
        atomic_write(target, pdf)
    except OSError as error:
        raise SaveFailed(detail=error.strerror or type(error).__name__) from None
    session.audit("referral.export", "case", referral.case_id, referral=referral.id,
                  kind="anonymized" if anonymized else "identified", language=language)
    return target


def record_paper_print(session: Session, referral_id: str, *, anonymized: bool,
                       language: str) -> None:
    """A shown document went to a printer: audited like every print."""
    referral = referrals.get_referral(session, referral_id)
    access.require(session, Kind.REFERRAL, Action.EXPORT, referral.case_id)
    session.audit("referral.print", "case", referral.case_id, referral=referral.id,
                  kind="anonymized" if anonymized else "identified", language=language,
                  paper=True)
