"""The page furniture both referral documents share: styles, header, QR code, footer, paging."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from shelterdesk.reports import labels as lb
from shelterdesk.reports.fonts import BOLD, REGULAR, register_fonts
from shelterdesk.reports.labels import Labels

PAPER = {"A4": A4, "Letter": letter}
MARGIN = 16 * mm
FOOTER_Y = 9 * mm
FRAME_PADDING = 6  # reportlab's frames pad their content by 6 points
INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#57606a")
RULE = colors.HexColor("#b6bcc4")
WARNING = colors.HexColor("#9a1c1c")
WARNING_BACK = colors.HexColor("#fbeaea")
NOTE_BACK = colors.HexColor("#eef3f8")


def _style(name: str, size: float, *, bold: bool = False, color=INK, **extra) -> ParagraphStyle:
    font = BOLD if bold else REGULAR
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3,
                          textColor=color, bulletFontName=font, bulletFontSize=size, **extra)


@dataclass(frozen=True)
class Styles:
    """Every style names our embedded font: nothing can fall back to Helvetica."""

    title: ParagraphStyle
    org: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    warning_title: ParagraphStyle
    warning: ParagraphStyle
    caption: ParagraphStyle


def styles() -> Styles:
    register_fonts()
    return Styles(
        title=_style("title", 15, bold=True, spaceAfter=2),
        org=_style("org", 11, bold=True),
        body=_style("body", 9.5),
        small=_style("small", 8, color=MUTED),
        label=_style("label", 8, color=MUTED),
        value=_style("value", 9),
        heading=_style("heading", 10, bold=True, spaceBefore=7, spaceAfter=2, keepWithNext=1),
        bullet=_style("bullet", 9.5, leftIndent=12, bulletIndent=2),
        warning_title=_style("warning_title", 12, bold=True, color=WARNING),
        warning=_style("warning", 8, color=WARNING),
        caption=_style("caption", 6.5, color=MUTED, alignment=TA_CENTER),
    )


def text(value: str) -> str:
    """Paragraph markup for a person's words: escaped, line breaks kept."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


def qr_payload(referral_number: str, case_code: str) -> str:
    """What the QR code carries: the referral number and the case code, nothing else."""
    return f"SHELTERDESK-REFERRAL:{case_code}:{referral_number}"


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno computes the modules; nothing is rasterised)."""

    def __init__(self, payload: str, size: float = 25 * mm) -> None:
        super().__init__()
        self.matrix = segno.make(payload, error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        border = 2
        count = len(self.matrix) + 2 * border
        cell = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + border + 1) * cell
            start = None
            for col_index, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = col_index
                elif not dark and start is not None:
                    canvas.rect((start + border) * cell, y, (col_index - start) * cell, cell,
                                stroke=0, fill=1)
                    start = None


def header(st: Styles, tr: Labels, *, title: str, from_org: str, contact: str,
           qr: str) -> Table:
    """The first page's top: who refers, the document's title, and the QR code."""
    left = [Paragraph(escape(tr.gettext(lb.REFERRING_ORGANISATION)), st.label),
            Paragraph(text(from_org) or "—", st.org)]
    if contact:
        left += [Spacer(1, 2), Paragraph(escape(tr.gettext(lb.CONTACT_PERSON)), st.label),
                 Paragraph(text(contact), st.value)]
    left += [Spacer(1, 6), Paragraph(escape(title), st.title)]
    right = [QrCode(qr), Paragraph(escape(tr.gettext(lb.QR_CAPTION)), st.caption)]
    table = Table([[left, right]], colWidths=["*", 30 * mm])
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)))
    return table


def banner(st: Styles, title: str, note: str, *, warning: bool) -> Table:
    """A boxed marking: CONFIDENTIAL on the identified form, a reminder on the sheet."""
    title_style = st.warning_title if warning else st.org
    note_style = st.warning if warning else st.small
    cells = [[Paragraph(escape(title), title_style)], [Paragraph(escape(note), note_style)]]
    table = Table(cells, colWidths=["*"])
    edge = WARNING if warning else RULE
    table.setStyle(table_style(
        ("BACKGROUND", (0, 0), (-1, -1), WARNING_BACK if warning else NOTE_BACK),
        ("BOX", (0, 0), (-1, -1), 1.2 if warning else 0.6, edge),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 6)))
    return table


def table_style(*commands: tuple) -> TableStyle:
    """A table style whose cell font is ours, so no cell can fall back to Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def section(st: Styles, title: str, *content: Flowable) -> list[Flowable]:
    """A section's title and rule, kept on one page with the first of what follows."""
    rule = HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=0, spaceAfter=3)
    head: list[Flowable] = [Paragraph(escape(title), st.heading), rule]
    if not content:
        return head
    return [KeepTogether([*head, content[0]]), *content[1:]]


def fields(st: Styles, rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value pairs (values as Paragraph markup); splits between rows across pages."""
    data = [[Paragraph(escape(label), st.label), Paragraph(value or "—", st.value)]
            for label, value in rows]
    table = Table(data, colWidths=[46 * mm, "*"], splitByRow=1)
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)))
    return table


def bullets(st: Styles, items: Sequence[str]) -> list[Flowable]:
    """One paragraph per item (markup), so a long list flows onto the next page."""
    return [Paragraph(item, st.bullet, bulletText="•") for item in items]


def short_list(items: Sequence[str]) -> str:
    """A short list (markup items) inside one field: one line each, bulleted."""
    return "<br/>".join("• " + item for item in items)


def _numbered_canvas(footer_left: str, page_of: str, warning: bool) -> type[Canvas]:
    """A canvas that holds pages back until the end, to print "page X of Y" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            # The preamble of every page names a font: ours, or reportlab would add Helvetica.
            kwargs.update(initialFontName=REGULAR, initialFontSize=9, initialLeading=11)
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
            self.line(left, FOOTER_Y + 10, right, FOOTER_Y + 10)
            self.setFont(BOLD if warning else REGULAR, 8)
            self.setFillColor(WARNING if warning else MUTED)
            self.drawString(left, FOOTER_Y, footer_left)
            self.setFont(REGULAR, 8)
            self.setFillColor(MUTED)
            self.drawRightString(right, FOOTER_Y,
                                 page_of.format(page=number, pages=total))
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list[Flowable], tr: Labels, *, paper: str, title: str, author: str,
              footer_left: str, warning: bool) -> bytes:
    """Lay the story out on pages of the chosen size and return the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=PAPER.get(paper, A4), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=13 * mm, bottomMargin=20 * mm, title=title, author=author,
        subject=title, creator="ShelterDesk", producer="ShelterDesk", lang=tr.language)
    document.build(story, canvasmaker=_numbered_canvas(footer_left, tr.gettext(lb.PAGE_OF),
                                                       warning))
    return buffer.getvalue()

