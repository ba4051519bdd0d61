"""The protected tables as one CSV file (long format: table, row, column, value as published)."""

from __future__ import annotations

from shelterdesk.i18n import N_
from shelterdesk.reports.csv_cells import STANDARD, Dialect, decimal, write_rows
from shelterdesk.reports.statistics.disclosure import Mark, shown_as
from shelterdesk.reports.statistics.report import StatisticsReport
from shelterdesk.reports.statistics.tables import Gettext, PublishedTable

HEADER = ["table", "table_label", "row", "row_label", "column", "column_label", "value"]
TOTAL = N_("Total")
WITHHELD = "withheld"
SUPPRESSION_NOTE = N_(
    "Counts below {k} are shown as “<{k}”; “x” marks a count suppressed so that a small one "
    "cannot be worked out from the totals; “~” marks a total rounded to the nearest 5.")

PERTURBATION_NOTE = N_(
    "Every number of people, cases, services or referrals is perturbed: rounded at random to a "
    "multiple of 3 by a key drawn from the records it counts, so the same records always give "
    "the same number and no table shows whether one person more or less is in it. Totals are "
    "perturbed on their own and may differ from the sum of their parts.")
INTERNAL_NOTE = N_("Internal — not for publication: exact counts of this vault.")


def _value(value: int, mark: Mark, k: int) -> str:
    return shown_as(value, mark, k)


def _table_rows(table: PublishedTable, report: StatisticsReport, tr: Gettext) -> list[list[str]]:
    title = tr.gettext(table.title)
    head = [table.key, title]
    if table.withheld:
        return [head + ["", "", "", "", WITHHELD]]
    k, total = report.k, tr.gettext(TOTAL)
    labels = report.month_labels()
    rows: list[list[str]] = []
    codes = table.row_codes + ["total"]
    row_labels = table.row_labels + [total]
    for i, (code, label) in enumerate(zip(codes, row_labels, strict=True)):
        if table.monthly:
            for j, month in enumerate(table.months):
                rows.append(head + [code, label, month, labels[j],
                                    _value(*table.entry(i, j), k)])
        rows.append(head + [code, label, "total", total,
                            _value(*table.entry(i, len(table.months)), k)])
    return rows


def _shelter_rows(report: StatisticsReport, tr: Gettext,
                  dialect: Dialect = STANDARD) -> list[list[str]]:
    figures, k = report.shelter, report.k
    head = ["shelter", tr.gettext(N_("Shelter use"))]

    def row(code: str, label: str, value: str, column: str = "total",
            column_label: str = "") -> list[str]:
        return head + [code, tr.gettext(label), column, column_label or tr.gettext(TOTAL),
                       value]

    rows = [
        row("beds", N_("Beds"), str(figures.beds)),
        row("bed_nights", N_("Bed-nights"), str(figures.bed_nights)),
        row("occupancy", N_("Occupancy rate"),
            "" if figures.occupancy is None else decimal(figures.occupancy, 4, dialect)),
        row("stays_begun", N_("Stays begun"), _value(*figures.stays_begun, k)),
        row("stays_ended", N_("Stays ended"), _value(*figures.stays_ended, k)),
        row("average_stay", N_("Average length of stay (nights)"),
            WITHHELD if figures.average_stay is None else decimal(figures.average_stay, 1,
                                                                  dialect)),
    ]
    for j, (month, label) in enumerate(zip(report.months, report.month_labels(), strict=True)):
        rows.append(row("bed_nights", N_("Bed-nights"), str(figures.monthly_bed_nights[j]),
                        month, label))
        occupancy = figures.monthly_occupancy[j]
        rows.append(row("occupancy", N_("Occupancy rate"),
                        "" if occupancy is None else decimal(occupancy, 4, dialect), month, label))
    return rows


def render_csv(report: StatisticsReport, tr: Gettext, dialect: Dialect = STANDARD) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read ə, ş and Cyrillic right;
    every text cell neutralised against formulas (an organisation named "=HYPERLINK(…)")."""
    rows: list[list[str]] = [HEADER]
    about = ["about", tr.gettext(N_("About this report"))]
    rows.append(about + ["organisation", tr.gettext(N_("Organisation")), "", "",
                         report.organisation])
    rows.append(about + ["period_start", tr.gettext(N_("From")), "", "",
                         report.period.start.isoformat()])
    rows.append(about + ["period_end", tr.gettext(N_("To (last day)")), "", "",
                         report.period.last_day.isoformat()])
    rows.append(about + ["scope", tr.gettext(N_("Scope")), "", "", report.scope_label])
    rows.append(about + ["k", tr.gettext(N_("Threshold")), "", "", str(report.k)])
    rows.append(about + ["note", "", "", "", tr.gettext(SUPPRESSION_NOTE).format(k=report.k)])
    rows.append(about + ["perturbation", "", "", "", tr.gettext(PERTURBATION_NOTE)])
    for table in [report.new_cases, *report.tables, report.referrals]:
        rows += _table_rows(table, report, tr)
    rows += _shelter_rows(report, tr, dialect)
    return write_rows(rows, dialect).encode("utf-8-sig")
