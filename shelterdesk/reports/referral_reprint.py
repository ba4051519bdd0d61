"""Printing a recorded referral again (the Referrals section): consent checked again, today.

``refer_and_render`` records a referral and prints it; this prints one already
recorded. An identified form needs a referral consent in force on the day it is
printed — one withdrawn since the referral stops it — while an anonymized sheet
can always be made, for an identified referral too. Every document made and
every copy saved to a file is audited (who, which case, which kind, which
language), never its content.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from shelterdesk.domain import disclosure
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referral_numbers import is_valid as is_referral_number
from shelterdesk.i18n import N_, normalize_language, translator_for
from shelterdesk.reports.anonymized_sheet import render_anonymized_sheet
from shelterdesk.reports.labels import Labels
from shelterdesk.reports.referral_form import render_referral_form
from shelterdesk.reports.referral_print import UnsupportedLanguage, _details, _form_data
from shelterdesk.store import (
    access,
    clients,
    consents,
    organisations,
    population,
    referrals,
    settings,
)
from shelterdesk.store.keyslots import atomic_write
from shelterdesk.store.vault import Session


class SaveFailed(UserFacingError):
    message = N_("The file could not be saved there ({detail}). Choose another folder.")


class ConsentNotInForce(UserFacingError):
    message = N_(
        "This referral names the client, and no consent to a referral to this organisation "
        "is in force today (it may have expired or been withdrawn). Print the anonymized "
        "sheet instead, or record the client's consent first.")


def render_recorded_referral(session: Session, referral_id: str, language: str = "en", *,
                             anonymized: bool | None = None,
                             shared: frozenset[str] | None = None,
                             translator: Labels | None = None,
                             today: date | None = None) -> bytes:
    """The PDF of a recorded referral; ``anonymized`` True makes the sheet of any referral."""
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
    details = _details(shared, sheet)
    target = organisations.get_organisation(session, referral.to_org_id)
    client, case_record = clients.get_case(session, referral.case_id)
    paper = settings.get(session, "paper_size")
    if sheet:
        anonymous = disclosure.anonymize(
            client, case_record, referral, from_org=session.meta("org_name"),
            to_org=target.name,
            population=lambda day: population.quasi_identifiers(session, day),
            k=settings.get(session, "anonymization_k"))
        pdf = render_anonymized_sheet(anonymous, tr, paper)
    else:
        day = today or date.today()
        in_force = [c for c in consents.list_consents(session, referral.case_id)
                    if c.covers("referral", referral.to_org_id, day)]
        if not in_force:
            raise ConsentNotInForce()
        pdf = render_referral_form(_form_data(session, referral, client, case_record, target,
                                              details), tr, paper)
    session.audit("referral.print", "case", referral.case_id, referral=referral.id,
                  kind="anonymized" if sheet else "identified", language=tr.language,
                  again=True)
    return pdf


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
