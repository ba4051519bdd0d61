"""The identified referral form: who the client is, what they need, and the consent to send it."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from shelterdesk.domain import codes_case, codes_services
from shelterdesk.domain.care import MedicalService
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.disclosure import DEFAULT_SHARED
from shelterdesk.domain.referrals import Consent, Referral
from shelterdesk.i18n import format_date, format_list
from shelterdesk.i18n.territories import country_name, language_name
from shelterdesk.reports import labels as lb
from shelterdesk.reports import layout
from shelterdesk.reports.labels import Labels, term
from shelterdesk.reports.layout import Styles, text


@dataclass(frozen=True)
class ReferralFormData:
    """Everything the form prints; the use case fills it only with what may leave."""

    referral: Referral
    client: Client
    case: Case
    from_org: str
    contact_person: str
    to_org: str
    consent: Consent | None = None  # the referral consent in force, or None with an override
    override_by: str = ""  # the coordinator who overrode the consent check
    shared: frozenset[str] = DEFAULT_SHARED
    medical: list[MedicalService] = field(default_factory=list)
    medical_consent: Consent | None = None  # given only with ``medical``


def render_referral_form(data: ReferralFormData, tr: Labels, paper: str = "A4") -> bytes:
    """The form as PDF bytes, in the translator's language."""
    st = layout.styles()
    _ = tr.gettext
    referral, case = data.referral, data.case
    story: list[Flowable] = [
        layout.header(st, tr, title=_(lb.REFERRAL_FORM), from_org=data.from_org,
                      contact=data.contact_person,
                      qr=layout.qr_payload(referral.number or referral.id, case.case_code)),
        Spacer(1, 6),
        layout.banner(st, _(lb.CONFIDENTIAL), _(lb.CONFIDENTIAL_NOTE), warning=True),
    ]
    story += _referral_section(st, tr, data)
    story += _client_section(st, tr, data)
    story += layout.section(st, _(lb.SECTION_LANGUAGES), layout.fields(st, [
        (_(lb.LANGUAGES), _languages(tr, data.client.languages)),
        (_(lb.INTERPRETER_NEEDED), escape(_(lb.yes_no_unknown(case.interpreter_needed))))]))
    if case.needs_summary.strip():
        story += layout.section(st, _(lb.SECTION_NEEDS), *[
            Paragraph(text(part), st.body) for part in case.needs_summary.split("\n\n")
            if part.strip()])
    if data.medical and data.medical_consent is not None:
        story += _medical_section(st, tr, data)
    story += _consent_section(st, tr, data)
    story += _signatures(st, tr)
    footer = _(lb.FOOTER_CASE).format(code=case.case_code) + " · " + _(lb.CONFIDENTIAL)
    return layout.build_pdf(story, tr, paper=paper, title=_(lb.REFERRAL_FORM) + " " +
                            case.case_code, author=data.from_org, footer_left=footer,
                            warning=True)


def _referral_section(st: Styles, tr: Labels, data: ReferralFormData) -> list[Flowable]:
    _ = tr.gettext
    referral = data.referral
    return layout.section(st, _(lb.SECTION_REFERRAL), layout.fields(st, [
        (_(lb.REFERRAL_NUMBER), escape(referral.number or referral.id)),
        (_(lb.REFERRAL_DATE), escape(format_date(referral.referred_on, tr.language))),
        (_(lb.CASE_CODE), escape(data.case.case_code)),
        (_(lb.RECEIVING_ORGANISATION), text(data.to_org)),
        (_(lb.SERVICES_REQUESTED), layout.short_list(
            [escape(term(tr, codes_services.SERVICES, code)) for code in referral.services])),
        (_(lb.URGENCY), escape(term(tr, codes_services.URGENCY, referral.urgency)))]))


def _client_section(st: Styles, tr: Labels, data: ReferralFormData) -> list[Flowable]:
    _ = tr.gettext
    client, shared = data.client, data.shared
    name = client.full_name
    rows = [(_(lb.NAME), f"<b>{text(name)}</b>")]
    if "other_names" in shared and client.other_names.strip():
        rows.append((_(lb.OTHER_NAMES), text(client.other_names)))
    if "sex" in shared:
        rows.append((_(lb.SEX), escape(term(tr, codes_case.SEX, client.sex))))
    if "date_of_birth" in shared:
        if client.date_of_birth:
            rows.append((_(lb.DATE_OF_BIRTH),
                         escape(format_date(client.date_of_birth, tr.language))))
        elif client.age_estimate is not None:
            rows.append((_(lb.AGE), escape(_(lb.AGE_ESTIMATED).format(age=client.age_estimate))))
    if "nationality" in shared and client.nationality:
        rows.append((_(lb.NATIONALITY), escape(country_name(client.nationality, tr.language))))
    for detail, label in (("phone", lb.PHONE), ("email", lb.EMAIL), ("address", lb.ADDRESS),
                          ("document_number", lb.DOCUMENT_NUMBER)):
        value = getattr(client, detail)
        if detail in shared and value.strip():
            rows.append((_(label), text(value)))
    return layout.section(st, _(lb.SECTION_CLIENT), layout.fields(st, rows))


def _languages(tr: Labels, codes: list[str]) -> str:
    if not codes:
        return escape(tr.gettext(lb.NOT_KNOWN))
    return escape(format_list([language_name(code, tr.language) for code in codes],
                              tr.language))


def _medical_section(st: Styles, tr: Labels, data: ReferralFormData) -> list[Flowable]:
    _ = tr.gettext
    consent = data.medical_consent
    items = []
    for record in data.medical:
        when = escape(format_date(record.date, tr.language))
        line = f"<b>{when}</b> · " + escape(term(tr, codes_services.MEDICAL_KINDS, record.kind))
        if record.provider.strip():
            line += " · " + text(record.provider)
        if record.follow_up_date:
            line += " · " + escape(_(lb.MEDICAL_FOLLOW_UP).format(
                date=format_date(record.follow_up_date, tr.language)))
        if record.summary.strip():
            line += "<br/>" + text(record.summary)
        items.append(line)
    return layout.section(st, _(lb.SECTION_MEDICAL), Paragraph(escape(_(lb.MEDICAL_SHARED).format(
        date=format_date(consent.given_on if consent else None, tr.language))), st.small),
        *layout.bullets(st, items))


def _consent_section(st: Styles, tr: Labels, data: ReferralFormData) -> list[Flowable]:
    _ = tr.gettext
    content: list[Flowable] = []
    consent = data.consent
    if consent is not None:
        rows = [
            (_(lb.CONSENT_PURPOSE),
             escape(term(tr, codes_services.CONSENT_PURPOSES, consent.purpose))),
            (_(lb.CONSENT_GIVEN_ON), escape(format_date(consent.given_on, tr.language))),
            (_(lb.CONSENT_METHOD),
             escape(term(tr, codes_services.CONSENT_METHODS, consent.method))),
            (_(lb.CONSENT_EXPIRES), escape(format_date(consent.expires_on, tr.language)
                                          if consent.expires_on else _(lb.CONSENT_NO_EXPIRY)))]
        if consent.details:
            rows.append((_(lb.CONSENT_SCOPE), escape(format_list(
                [term(tr, codes_services.CONSENT_SCOPE, code) for code in consent.details
                 if code in codes_services.CONSENT_SCOPE], tr.language))))
        content.append(layout.fields(st, rows))
    if data.referral.override_reason:
        content += [
            layout.banner(st, _(lb.OVERRIDE_TITLE),
                          _(lb.OVERRIDE_TEXT).format(name=data.override_by), warning=True),
            Spacer(1, 3), Paragraph(text(data.referral.override_reason), st.body)]
    return layout.section(st, _(lb.SECTION_CONSENT), *content)


def _signatures(st: Styles, tr: Labels) -> list[Flowable]:
    """Client and worker side by side: a line to sign on and a line for the date each."""
    _ = tr.gettext
    titles, signs, dates = [], [], []
    for who in (lb.CLIENT_SIGNATURE, lb.WORKER_SIGNATURE):
        titles += [Paragraph(f"<b>{escape(_(who))}</b>", st.value), "", ""]
        signs += [Paragraph(escape(_(lb.SIGNATURE)), st.label), "", ""]
        dates += [Paragraph(escape(_(lb.DATE)), st.label), "", ""]
    gap = 8 * mm
    table = Table([titles, signs, dates], colWidths=[22 * mm, "*", gap, 22 * mm, "*", 0],
                  rowHeights=[None, 10 * mm, 9 * mm])
    table.setStyle(layout.table_style(
        ("SPAN", (0, 0), (1, 0)), ("SPAN", (3, 0), (4, 0)),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        *[("LINEBELOW", (col, row), (col, row), 0.6, layout.INK)
          for col in (1, 4) for row in (1, 2)],
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)))
    return layout.section(st, _(lb.SECTION_SIGNATURES), table)
