"""National tables: the organisations' quarterly submissions added up, then protected.

Each submitted count is already perturbed (a multiple of 3, the cell-key method); the
sum of perturbed counts is itself a multiple of 3. Small-cell suppression — the same
``disclosure`` grids the statistics report uses, with the receiving vault's threshold
(or a sender's, if higher) — is applied to the sums: counts from 1 to k−1 are shown
"<k", complements "x", so no cell of the national table singles out a person even where
one organisation's contribution was a single case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shelterdesk.i18n import N_
from shelterdesk.reports.csv_cells import STANDARD, Dialect, write_rows
from shelterdesk.reports.statistics import report
from shelterdesk.reports.statistics.csv_export import PERTURBATION_NOTE, SUPPRESSION_NOTE, TOTAL
from shelterdesk.reports.statistics.disclosure import Unprotectable, one_way, shown_as
from shelterdesk.reports.statistics.tables import Gettext, PublishedTable, rows_for
from shelterdesk.store.exchange import submissions
from shelterdesk.store.exchange.submissions import Submission
from shelterdesk.store.vault import Session

TITLES = {key: title for key, title in report.CASE_TABLES} | {
    "new_cases": N_("New cases"),
    "exploitation": report.EXPLOITATION_TITLE,
    "services": report.SERVICES_TITLE,
    "referrals_by_org_kind": report.REFERRAL_TABLES[0][1],
    "referrals_by_status": report.REFERRAL_TABLES[1][1],
    "closures": report.CLOSURES_TITLE,
    "stays_begun": N_("Shelter stays begun"),
    "stays_ended": N_("Shelter stays ended"),
}
# Tables of one number (no categories).
SINGLE = frozenset({"new_cases", "stays_begun", "stays_ended"})
COMBINED_NOTE = N_("National tables: the sum of the organisations' submissions, each "
                   "perturbed by its sender; counts below {k} hidden in the sums.")


class NoSubmissions(Exception):
    """No submission for the quarter asked about."""


@dataclass
class CombinedReport:
    quarter: str
    k: int
    organisations: list[str]  # names of the submitters, for the header
    tables: list[PublishedTable]
    beds: int
    bed_nights: int
    sums: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> code -> sum
    totals: dict[str, int] = field(default_factory=dict)  # table -> summed totals

    def table(self, key: str) -> PublishedTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def add_up(found: list[Submission]) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per table: each category's sum over the submissions, and the sum of their totals."""
    sums: dict[str, dict[str, int]] = {key: {} for key in submissions.TABLES}
    totals = dict.fromkeys(submissions.TABLES, 0)
    for submission in found:
        for key in submissions.TABLES:
            table = submission.tables[key]
            for code, value in table["cells"].items():
                sums[key][code] = sums[key].get(code, 0) + int(value)
            totals[key] += int(table["total"])
    return sums, totals


def protect_sums(key: str, title: str, sums: dict[str, int], k: int,
                 tr: Gettext) -> PublishedTable:
    """One national table for the quarter: each category's sum and their total (the sum of
    the sums, so a reader knows exactly how the entries add up), suppressed as the report
    suppresses its period totals, or withheld if that cannot protect it."""
    codes, labels = rows_for(key, {code: {"q": n} for code, n in sums.items()}, tr)
    if key in SINGLE:
        codes, labels = [""], [tr.gettext(title)]
    cells = [[sums.get(code, 0)] for code in codes]
    table = PublishedTable(key, title, codes, labels, [], cells, monthly=False)
    grid = one_way([row[0] for row in cells], k)
    try:
        grid.protect()
        table.grid = grid
    except Unprotectable:
        table.notes.append(N_("Withheld: too few cases to publish this table safely."))
    return table


def combine(session: Session, quarter: str, tr: Gettext) -> CombinedReport:
    """Every national table of one quarter from the submissions received for it."""
    found = submissions.submissions(session, quarter)
    if not found:
        raise NoSubmissions(quarter)
    k = max([report.effective_k(session)] + [s.k for s in found])
    sums, totals = add_up(found)
    tables = [protect_sums(key, TITLES[key], sums[key], k, tr) for key in submissions.TABLES]
    session.audit("stats.combined.view", "statistics", "", quarter=quarter,
                  organisations=len(found))
    return CombinedReport(quarter, k, [s.from_org_name for s in found], tables,
                          sum(s.shelter["beds"] for s in found),
                          sum(s.shelter["bed_nights"] for s in found), sums, totals)


def as_json(combined: CombinedReport) -> dict:
    """The national tables as a reader sees them (suppressed entries as "<k" or "x")."""
    out: dict = {"quarter": combined.quarter, "k": combined.k,
                 "organisations": combined.organisations,
                 "beds": combined.beds, "bed_nights": combined.bed_nights, "tables": {}}
    for table in combined.tables:
        if table.withheld:
            out["tables"][table.key] = None
            continue
        out["tables"][table.key] = {
            "rows": {code or "not_recorded": shown_as(*table.row_total(i), combined.k)
                     for i, code in enumerate(table.row_codes)},
            "total": shown_as(*table.grand_total(), combined.k)}
    return out


def render_csv(combined: CombinedReport, tr: Gettext, dialect: Dialect = STANDARD) -> bytes:
    """One CSV file: quarter, table, row, value as published, then the notes."""
    rows: list[list[object]] = [["quarter", "table", "table_label", "row", "row_label",
                                 "value"]]
    for table in combined.tables:
        head = [combined.quarter, table.key, tr.gettext(table.title)]
        if table.withheld:
            rows.append(head + ["", "", "withheld"])
            continue
        for i, (code, label) in enumerate(zip(table.row_codes, table.row_labels, strict=True)):
            rows.append(head + [code, label, shown_as(*table.row_total(i), combined.k)])
        rows.append(head + ["total", tr.gettext(TOTAL),
                            shown_as(*table.grand_total(), combined.k)])
    for note in (COMBINED_NOTE, PERTURBATION_NOTE, SUPPRESSION_NOTE):
        rows.append(["", "note", "", "", "", tr.gettext(note).format(k=combined.k)])
    return write_rows(rows, dialect).encode("utf-8-sig")
