"""The statistics report as a PDF: key figures, then each table beside its chart, translated."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from shelterdesk.i18n import N_, format_date, format_number
from shelterdesk.reports.fonts import BOLD, REGULAR, register_fonts
from shelterdesk.reports.statistics import charts
from shelterdesk.reports.statistics.csv_export import PERTURBATION_NOTE, SUPPRESSION_NOTE, TOTAL
from shelterdesk.reports.statistics.disclosure import Mark, shown_as
from shelterdesk.reports.statistics.report import StatisticsReport
from shelterdesk.reports.statistics.tables import Gettext, PublishedTable

WIDTH = A4[0] - 30 * mm
TREND_TABLES = {"recruitment_channel", "recruitment_platform", "exploitation", "services",
                "referrals_by_org_kind"}
HEADER_FILL = colors.HexColor("#eef2f6")
LINE = colors.HexColor("#b8c2cc")


class _Page:
    """Paragraph styles and number formatting in the report's language."""

    def __init__(self, report: StatisticsReport, tr: Gettext) -> None:
        register_fonts()
        regular, bold = REGULAR, BOLD
        self.report, self.tr, self.language = report, tr, report.language
        self.body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=11)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=9,
                                    textColor=colors.HexColor("#555555"))
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20,
                                    spaceAfter=4)
        self.heading = ParagraphStyle("heading", fontName=bold, fontSize=11, leading=14,
                                      spaceBefore=8, spaceAfter=4)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=7, leading=8.5)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=6.2, leading=7.2,
                                   alignment=2)
        self.regular, self.bold = regular, bold

    def t(self, message: str) -> str:
        return self.tr.gettext(message)

    def number(self, value: float) -> str:
        return format_number(value, self.language)

    def shown(self, value: int, mark: Mark) -> str:
        return shown_as(value, mark, self.report.k, number=self.number)

    def grid_style(self, header_rows: int = 1, size: float = 7) -> list:
        header = [("FONTNAME", (0, 0), (-1, header_rows - 1), self.bold),
                  ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL)] \
            if header_rows else []
        return [("FONTNAME", (0, 0), (-1, -1), self.regular), *header,
                ("FONTSIZE", (0, 0), (-1, -1), size), ("LEADING", (0, 0), (-1, -1), size + 1.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]


def _totals_table(page: _Page, table: PublishedTable, width: float) -> Table:
    rows = [[page.t(N_("Category")), page.t(TOTAL)]]
    rows += [[Paragraph(label, page.cell), page.shown(*table.row_total(i))]
             for i, label in enumerate(table.row_labels)]
    rows.append([page.t(TOTAL), page.shown(*table.grand_total())])
    style = page.grid_style() + [("FONTNAME", (0, -1), (-1, -1), page.bold)]
    return Table(rows, colWidths=[width - 18 * mm, 18 * mm], style=TableStyle(style))


def _monthly_tables(page: _Page, table: PublishedTable) -> list[Flowable]:
    """Category × month, in blocks of twelve months; the totals column in the last block."""
    months = page.report.months
    labels = [Paragraph(format_date_label(m, page.language, "LLL") + "<br/>"
                        + format_date_label(m, page.language, "y"), page.head) for m in months]
    blocks = [list(range(i, min(i + 12, len(months)))) for i in range(0, len(months), 12)]
    found: list[Flowable] = []
    for number, block in enumerate(blocks):
        last = number == len(blocks) - 1
        columns = block + ([len(months)] if last else [])
        header = [""] + [labels[j] for j in block] + ([page.t(TOTAL)] if last else [])
        rows = [header]
        for i, label in enumerate(table.row_labels + [page.t(TOTAL)]):
            rows.append([Paragraph(label, page.cell)]
                        + [page.shown(*table.entry(i, j)) for j in columns])
        label_width = 38 * mm
        other = (WIDTH - label_width) / max(len(columns), 1)
        style = page.grid_style(size=6.5) + [("FONTNAME", (0, -1), (-1, -1), page.bold)]
        found += [Table(rows, colWidths=[label_width] + [min(other, 18 * mm)] * len(columns),
                        style=TableStyle(style), hAlign="LEFT", repeatRows=1), Spacer(1, 3)]
    return found


def format_date_label(month: str, language: str, fmt: str = "LLL yy") -> str:
    from datetime import date

    return format_date(date(int(month[:4]), int(month[5:7]), 1), language, fmt=fmt)


def _bars(page: _Page, table: PublishedTable, width: float) -> Flowable:
    values, notes = [], []
    for i in range(len(table.row_codes)):
        value, mark = table.row_total(i)
        values.append(value if mark is Mark.SHOWN else None)
        notes.append(page.shown(value, mark))
    return charts.bar_chart(table.row_labels, values, notes, page.number, width=width)


def _trend(page: _Page, table: PublishedTable) -> Flowable:
    """Lines for the (up to six) largest categories; suppressed months break the line."""
    order = sorted(range(len(table.row_codes)), key=lambda i: -table.row_total(i)[0])[:6]
    series = []
    for i in order:
        points: list[float | None] = []
        for j in range(len(table.months)):
            value, mark = table.entry(i, j)
            points.append(value if mark is Mark.SHOWN else None)
        if any(p is not None for p in points):
            series.append((table.row_labels[i], points))
    labels = [format_date_label(m, page.language) for m in page.report.months]
    return charts.line_chart(labels, series, page.number, width=WIDTH, height=130)


def _section(page: _Page, table: PublishedTable) -> list[Flowable]:
    heading = Paragraph(page.t(table.title), page.heading)
    notes = [Paragraph(page.t(n), page.small) for n in table.notes]
    if table.withheld:
        return [KeepTogether([heading, *notes])]
    half = WIDTH / 2 - 3 * mm
    side = Table([[_bars(page, table, half), _totals_table(page, table, half)]],
                 colWidths=[half + 3 * mm, half + 3 * mm],
                 style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONTNAME", (0, 0), (-1, -1), page.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow: list[Flowable] = [CondPageBreak(60 * mm), KeepTogether([heading, side, *notes])]
    if table.monthly:
        if table.key in TREND_TABLES:
            flow += [Spacer(1, 4), _trend(page, table)]
        flow += [Spacer(1, 4), *_monthly_tables(page, table)]
    return flow


def _series_section(page: _Page, table: PublishedTable) -> list[Flowable]:
    heading = Paragraph(page.t(table.title), page.heading)
    if table.withheld:
        return [heading, *[Paragraph(page.t(n), page.small) for n in table.notes]]
    points = [table.entry(i, 0) for i in range(len(table.row_codes))]
    line = charts.line_chart([format_date_label(m, page.language) for m in table.row_codes],
                             [(page.t(table.title), [v if m is Mark.SHOWN else None
                                                     for v, m in points])],
                             page.number, width=WIDTH * 0.62, height=120)
    rows = [[page.t(N_("Month")), page.t(N_("Count"))]]
    rows += [[label, page.shown(*points[i])] for i, label in enumerate(table.row_labels)]
    rows.append([page.t(TOTAL), page.shown(*table.grand_total())])
    months = Table(rows, colWidths=[30 * mm, 20 * mm],
                   style=TableStyle(page.grid_style(size=6.5)
                                    + [("FONTNAME", (0, -1), (-1, -1), page.bold)]))
    return [KeepTogether([heading, Table([[line, months]], colWidths=[WIDTH * 0.64, None],
                                         style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                ("FONTNAME", (0, 0), (-1, -1), page.regular)])])]


def _header(page: _Page) -> list[Flowable]:
    report = page.report
    period = page.t(N_("Period: {start} – {end}")).format(
        start=format_date(report.period.start, page.language, fmt="long"),
        end=format_date(report.period.last_day, page.language, fmt="long"))
    lines = [Paragraph(page.t(N_("Statistics report")), page.title),
             Paragraph(report.organisation or "", page.body), Paragraph(period, page.body)]
    if report.scope_label:
        lines.append(Paragraph(page.t(N_("Scope: {scope}")).format(scope=report.scope_label),
                               page.body))
    lines.append(Paragraph(page.t(N_("Prepared on {date}. Contains no personal data.")).format(
        date=format_date(report.generated_on, page.language, fmt="long")), page.body))
    lines += [Spacer(1, 3), Paragraph(page.t(PERTURBATION_NOTE), page.small),
              Paragraph(page.t(SUPPRESSION_NOTE).format(k=report.k), page.small),
              Spacer(1, 4)]
    return lines


def _key_figures(page: _Page) -> Flowable:
    report, shelter = page.report, page.report.shelter
    percent = "—" if shelter.occupancy is None else \
        format_number(round(shelter.occupancy * 100, 1), page.language) + " %"
    average = "—" if shelter.average_stay is None else \
        format_number(round(shelter.average_stay, 1), page.language)
    rows = [
        [page.t(N_("New cases")), page.shown(*report.new_cases.grand_total())
         if not report.new_cases.withheld else "—"],
        [page.t(N_("Services delivered")), page.shown(*report.table("services").grand_total())
         if not report.table("services").withheld else "—"],
        [page.t(N_("Referrals")), page.shown(*report.referrals.grand_total())
         if not report.referrals.withheld else "—"],
        [page.t(N_("Beds")), page.number(shelter.beds)],
        [page.t(N_("Bed-nights")), page.number(shelter.bed_nights)],
        [page.t(N_("Occupancy rate")), percent],
        [page.t(N_("Stays begun")), page.shown(*shelter.stays_begun)],
        [page.t(N_("Stays ended")), page.shown(*shelter.stays_ended)],
        [page.t(N_("Average length of stay (nights)")), average],
    ]
    return Table(rows, colWidths=[70 * mm, 30 * mm], hAlign="LEFT",
                 style=TableStyle(page.grid_style(header_rows=0, size=8.5)
                                  + [("LINEABOVE", (0, 0), (-1, 0), 0.25, LINE)]))


def _shelter_section(page: _Page) -> list[Flowable]:
    shelter, labels = page.report.shelter, [format_date_label(m, page.language)
                                            for m in page.report.months]
    occupancy = [None if v is None else v * 100 for v in shelter.monthly_occupancy]
    chart = charts.line_chart(labels, [(page.t(N_("Occupancy rate")), occupancy)],
                              lambda v: format_number(v, page.language) + " %", width=WIDTH,
                              height=110)
    rows = [[page.t(N_("Month")), page.t(N_("Bed-nights")), page.t(N_("Occupancy rate"))]]
    for label, nights, rate in zip(labels, shelter.monthly_bed_nights, shelter.monthly_occupancy,
                                   strict=True):
        rows.append([label, page.number(nights), "—" if rate is None else
                     format_number(round(rate * 100, 1), page.language) + " %"])
    table = Table(rows, colWidths=[30 * mm, 25 * mm, 30 * mm], hAlign="LEFT", repeatRows=1,
                  style=TableStyle(page.grid_style(size=6.5)))
    return [CondPageBreak(70 * mm), Paragraph(page.t(N_("Shelter use")), page.heading), chart,
            Spacer(1, 4), table]


def _footer(page: _Page) -> Callable:
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(page.regular, 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(15 * mm, 9 * mm, page.t(N_("ShelterDesk statistics: small counts "
                                                    "suppressed, no personal data")))
        canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, page.t(N_("Page {number}")).format(
            number=document.page))
        canvas.restoreState()
    return draw


def render_pdf(report: StatisticsReport, tr: Gettext) -> bytes:
    """The whole report; every glyph from the embedded DejaVu fonts (no base-14 font)."""
    page = _Page(report, tr)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=16 * mm, title=page.t(N_("Statistics report")), author="ShelterDesk",
        initialFontName=page.regular, lang=report.language)
    story: list[Flowable] = [*_header(page), _key_figures(page)]
    story += _series_section(page, report.new_cases)
    for table in report.tables:
        story += _section(page, table)
        if table.key == "services":
            story += _series_section(page, report.referrals)
    story += _shelter_section(page)
    document.build(story, onFirstPage=_footer(page), onLaterPages=_footer(page))
    return buffer.getvalue()
