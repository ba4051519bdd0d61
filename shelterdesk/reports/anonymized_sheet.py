"""The anonymized referral sheet: what a partner needs to act, and nothing that names anyone."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph, Spacer

from shelterdesk.domain import codes_case, codes_services, regions
from shelterdesk.domain.disclosure import AnonymizedReferral, Nationality
from shelterdesk.domain.sheet_generalisation import ADULT, MINOR, OTHER_LANGUAGE
from shelterdesk.i18n import format_date, format_list
from shelterdesk.i18n.territories import country_name, language_name
from shelterdesk.reports import labels as lb
from shelterdesk.reports import layout
from shelterdesk.reports.labels import Labels, term


def render_anonymized_sheet(sheet: AnonymizedReferral, tr: Labels, paper: str = "A4") -> bytes:
    """The sheet as PDF bytes, in the translator's language.

    It takes an :class:`AnonymizedReferral` only, which has no field for a name, a
    birth date, a contact detail, an address, a document, a note or a shelter.
    """
    st = layout.styles()
    _ = tr.gettext
    story: list[Flowable] = [
        layout.header(st, tr, title=_(lb.ANONYMIZED_SHEET), from_org=sheet.from_org, contact="",
                      qr=layout.qr_payload(sheet.referral_number or sheet.referral_id,
                                                      sheet.case_code)),
        Spacer(1, 6),
        layout.banner(st, _(lb.ANONYMIZED), _(lb.ANONYMIZED_NOTE), warning=False),
    ]
    story += layout.section(st, _(lb.SECTION_REFERRAL), layout.fields(st, [
        (_(lb.CASE_CODE), f"<b>{escape(sheet.case_code)}</b>"),
        (_(lb.REFERRAL_NUMBER), escape(sheet.referral_number or sheet.referral_id)),
        (_(lb.REFERRAL_DATE), escape(format_date(sheet.referred_on, tr.language))),
        (_(lb.REFERRING_ORGANISATION), layout.text(sheet.from_org)),
        (_(lb.RECEIVING_ORGANISATION), layout.text(sheet.to_org)),
        (_(lb.SERVICES_REQUESTED), layout.short_list(
            [escape(term(tr, codes_services.SERVICES, code)) for code in sheet.services])),
        (_(lb.URGENCY), escape(term(tr, codes_services.URGENCY, sheet.urgency)))]))
    hidden = escape(_(lb.NOT_SHOWN))
    sex = _(lb.NOT_STATED) if sheet.sex == "unknown" and "sex" in sheet.generalised else term(
        tr, codes_case.SEX, sheet.sex)
    story += layout.section(st, _(lb.SECTION_PERSON), layout.fields(st, [
        (_(lb.SEX), hidden if "sex" in sheet.hidden else escape(sex)),
        (_(lb.AGE_BAND), hidden if "age" in sheet.hidden else escape(
            _age_band(tr, sheet.age_band))),
        (_(lb.NATIONALITY), hidden if "nationality" in sheet.hidden else escape(
            _nationality(tr, sheet.nationality))),
        (_(lb.EXPLOITATION_TYPES), hidden if "exploitation" in sheet.hidden else _list(
            tr, codes_case.EXPLOITATION_TYPES, sheet.exploitation_types)),
        (_(lb.LANGUAGES), hidden if "languages" in sheet.hidden else _languages(
            tr, sheet.languages)),
        (_(lb.INTERPRETER_NEEDED), escape(_(lb.yes_no_unknown(sheet.interpreter_needed)))),
        (_(lb.MEDICAL_NEEDS), escape(_(lb.yes_no_unknown(sheet.medical_needs))))]))
    if sheet.generalised:  # the reader is told what was coarsened, never what it was
        fields = format_list([_(lb.GENERALISED_FIELDS[f]) for f in sheet.generalised],
                             tr.language)
        story += [Spacer(1, 4), Paragraph(escape(_(lb.GENERALISED_NOTE).format(
            k=sheet.k, fields=fields)), st.small)]
    footer = _(lb.FOOTER_CASE).format(code=sheet.case_code)
    return layout.build_pdf(story, tr, paper=paper,
                            title=_(lb.ANONYMIZED_SHEET) + " " + sheet.case_code,
                            author=sheet.from_org, footer_left=footer, warning=False)


def _age_band(tr: Labels, band: str) -> str:
    if band == MINOR:
        return tr.gettext(lb.MINOR)
    if band == ADULT:
        return tr.gettext(lb.ADULT)
    return band.replace("-", "–") if band else tr.gettext(lb.NOT_KNOWN)


def _nationality(tr: Labels, nationality: Nationality) -> str:
    if nationality.country:
        return country_name(nationality.country, tr.language)
    if nationality.region:
        return tr.gettext(lb.REGION_OF).format(
            region=tr.gettext(regions.region(nationality.region).label))
    return tr.gettext(lb.NOT_KNOWN)


def _list(tr: Labels, vocabulary, codes: tuple[str, ...]) -> str:
    if not codes:
        return escape(tr.gettext(lb.NONE_RECORDED))
    return escape(format_list([term(tr, vocabulary, code) for code in codes], tr.language))


def _languages(tr: Labels, codes: tuple[str, ...]) -> str:
    if not codes:
        return escape(tr.gettext(lb.NOT_KNOWN))
    return escape(format_list([tr.gettext(lb.ANOTHER_LANGUAGE) if code == OTHER_LANGUAGE
                               else language_name(code, tr.language) for code in codes],
                              tr.language))
