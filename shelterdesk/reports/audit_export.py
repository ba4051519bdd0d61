"""The audit log for an inspector: the filtered entries as CSV or PDF, with the chain's state.

Entries carry staff user names and case codes, never a client's name (see
store/audit_query.py). The export itself is audited (format and count).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from shelterdesk.domain.audit_actions import action_label
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, _
from shelterdesk.reports.fonts import BOLD, REGULAR, register_fonts
from shelterdesk.store import audit_query
from shelterdesk.store.audit_query import AuditFilter, AuditRow
from shelterdesk.store.vault import Session

FORMATS = ("csv", "pdf")
COLUMNS = (N_("Number"), N_("Time (UTC)"), N_("User"), N_("Action"), N_("Case code"),
           N_("Details"))


def export(session: Session, where: AuditFilter, fmt: str) -> tuple[bytes, int]:
    """The filtered log as ``fmt`` bytes and the number of entries; audited."""
    rows = audit_query.search(session, where)
    report = audit_query.verify_chain(session)
    data = render_csv(rows) if fmt == "csv" else render_pdf(
        rows, audit_query.describe(report), describe_filter(where),
        session.meta("org_name"))
    session.audit("audit.export", "audit", "", format=fmt, rows=len(rows))
    return data, len(rows)


class ExportNotWritten(UserFacingError):
    message = N_("The audit log could not be written to {file}: {reason}.")


def export_to(session: Session, where: AuditFilter, fmt: str, path: Path) -> int:
    """Write the export to ``path`` (a place the user chose); the number of entries."""
    data, count = export(session, where, fmt)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise ExportNotWritten(file=str(path), reason=error.strerror or type(error).__name__) \
            from None
    return count


def render_csv(rows: list[AuditRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["seq", "at_utc", "user", "action", "case_code", "detail"])
    for row in rows:
        writer.writerow([row.seq, row.at, row.username, row.action, row.case_code, row.detail])
    return buffer.getvalue().encode("utf-8")


def describe_filter(where: AuditFilter) -> str:
    parts = []
    if where.username:
        parts.append(_("user {name}").format(name=where.username))
    if where.since or where.until:
        parts.append(_("from {start} to {end}").format(
            start=where.since.isoformat() if where.since else "…",
            end=where.until.isoformat() if where.until else "…"))
    if where.action:
        parts.append(_("action {action}").format(action=where.action))
    if where.case_code:
        parts.append(_("case {code}").format(code=where.case_code.upper()))
    return "; ".join(parts) if parts else _("every entry")


def render_pdf(rows: list[AuditRow], chain: str, selection: str, org_name: str) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=7.5, leading=9.5)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=14 * mm,
                                 rightMargin=14 * mm, topMargin=14 * mm, bottomMargin=14 * mm,
                                 title=_("Audit log"), author="ShelterDesk")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    story = [Paragraph(escape(_("Audit log")), title),
             Paragraph(escape(org_name), body) if org_name else Spacer(0, 0),
             Paragraph(escape(_("Exported on {stamp}. Entries: {count}. Selection: "
                                "{selection}.").format(stamp=stamp, count=len(rows),
                                                       selection=selection)), body),
             Paragraph(escape(chain), body),
             Paragraph(escape(_("Entries name members of staff and case codes, never a "
                                "client.")), small),
             Spacer(0, 4 * mm)]
    table = [[Paragraph(escape(_(c)), head) for c in COLUMNS]]
    for row in rows:
        table.append([Paragraph(str(row.seq), small),
                      Paragraph(escape(row.at.replace("T", " ")[:19]), small),
                      Paragraph(escape(row.username), small),
                      Paragraph(escape(action_label(row.action)), small),
                      Paragraph(escape(row.case_code), small),
                      Paragraph(escape(row.detail), small)])
    widths = [14 * mm, 34 * mm, 28 * mm, 40 * mm, 40 * mm, None]
    usable = landscape(A4)[0] - 28 * mm
    widths[-1] = usable - sum(w for w in widths[:-1])
    grid = LongTable(table, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b6bcc4")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(grid)
    document.build(story)
    return buffer.getvalue()
