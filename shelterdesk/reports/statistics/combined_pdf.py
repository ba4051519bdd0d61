"""The national tables of a quarter as a PDF: the statistics report's own sections (each
table beside its bar chart), headed by the quarter and the organisations that submitted."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from shelterdesk.i18n import N_
from shelterdesk.reports.statistics.combined import COMBINED_NOTE, CombinedReport
from shelterdesk.reports.statistics.csv_export import PERTURBATION_NOTE, SUPPRESSION_NOTE
from shelterdesk.reports.statistics.pdf_report import _footer, _Page, _section
from shelterdesk.reports.statistics.tables import Gettext

TITLE = N_("National statistics")


@dataclass(frozen=True)
class _Shown:
    """What the report's page styles read of a report: its language and threshold."""

    language: str
    k: int


def render_combined_pdf(combined: CombinedReport, tr: Gettext) -> bytes:
    page = _Page(_Shown(tr.language, combined.k), tr)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=16 * mm, title=page.t(TITLE), author="ShelterDesk",
        initialFontName=page.regular, lang=tr.language)
    story: list[Flowable] = [
        Paragraph(page.t(TITLE), page.title),
        Paragraph(page.t(N_("Quarter: {quarter}")).format(quarter=combined.quarter), page.body),
        Paragraph(page.t(N_("Organisations that submitted: {names}")).format(
            names=", ".join(combined.organisations)), page.body),
        Paragraph(page.t(N_("Beds: {beds}; bed-nights: {nights}")).format(
            beds=page.number(combined.beds), nights=page.number(combined.bed_nights)),
            page.body),
        Spacer(1, 3),
        Paragraph(page.t(COMBINED_NOTE).format(k=combined.k), page.small),
        Paragraph(page.t(PERTURBATION_NOTE), page.small),
        Paragraph(page.t(SUPPRESSION_NOTE).format(k=combined.k), page.small),
        Spacer(1, 4)]
    for table in combined.tables:
        story += _section(page, table)
    document.build(story, onFirstPage=_footer(page), onLaterPages=_footer(page))
    return buffer.getvalue()
