"""Published tables built from the store's counts, each protected before anyone sees it.

Tables of one family share their month totals and grand total (every table of
cases adds up to the new cases of each month), so those are protected once, in
the family's series, and fixed in its other tables. A table whose monthly
detail cannot be protected is published as period totals only, or withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from shelterdesk.domain import cell_key, codes_case, codes_services
from shelterdesk.domain.age_bands import REPORT_BANDS
from shelterdesk.domain.closure import CLOSURE_REASONS
from shelterdesk.domain.regions import region
from shelterdesk.domain.vocabulary import Vocabulary
from shelterdesk.domain.world_regions import WORLD, subregion
from shelterdesk.i18n import N_
from shelterdesk.i18n.territories import country_name
from shelterdesk.reports.statistics.disclosure import Grid, Mark, Unprotectable, one_way, two_way
from shelterdesk.store.statistics.aggregates import MonthCounts


class Gettext(Protocol):
    """A translator bound to one language (shelterdesk.i18n.Translator or alike)."""

    language: str

    def gettext(self, message: str) -> str: ...


NOT_RECORDED = N_("Not recorded")
OTHER_COUNTRIES = N_("{region}: other countries")


@dataclass
class PublishedTable:
    """One table as published: monthly (two-way) or period totals only (one-way) or withheld."""

    key: str
    title: str  # msgid, translated when shown
    row_codes: list[str]
    row_labels: list[str]
    months: list[str]
    cells: list[list[int]]
    grid: Grid | None = None
    monthly: bool = True
    notes: list[str] = field(default_factory=list)  # msgids

    @property
    def withheld(self) -> bool:
        return self.grid is None

    def _index(self, row: int, col: int) -> int:
        if self.monthly:
            return row * (len(self.months) + 1) + col
        return row if row < len(self.row_codes) else len(self.row_codes)

    def entry(self, row: int, col: int) -> tuple[int, Mark]:
        """Row ``len(rows)`` is the column totals; column ``len(months)`` the row totals."""
        assert self.grid is not None
        index = self._index(row, col)
        return self.grid.values[index], self.grid.marks[index]

    def row_total(self, row: int) -> tuple[int, Mark]:
        return self.entry(row, len(self.months))

    def grand_total(self) -> tuple[int, Mark]:
        return self.entry(len(self.row_codes), len(self.months))


def _vocabulary_rows(vocabulary: Vocabulary, counts: MonthCounts,
                     tr: Gettext) -> tuple[list[str], list[str]]:
    codes = [c for c in vocabulary.codes] + sorted(c for c in counts if c not in vocabulary)
    labels = [tr.gettext(vocabulary.term(c).label) if c in vocabulary else c for c in codes]
    if "" in codes:
        labels[codes.index("")] = tr.gettext(NOT_RECORDED)
    return codes, labels


def _fixed_rows(codes: list[str], labels: list[str], counts: MonthCounts,
                tr: Gettext) -> tuple[list[str], list[str]]:
    codes, labels = list(codes), list(labels)
    for extra in sorted(c for c in counts if c not in codes):
        codes.append(extra)
        labels.append(tr.gettext(NOT_RECORDED) if extra == "" else extra)
    return codes, labels


def nationality_rows(counts: MonthCounts, k: int, sizes: MonthCounts | None = None
                     ) -> MonthCounts:
    """Countries with fewer than k cases are merged into their region's row (``sizes``: the
    counts that decide, when ``counts`` holds the cells' key sums)."""
    sizes = counts if sizes is None else sizes
    merged: MonthCounts = {}
    for code, months in counts.items():
        size = sum(sizes.get(code, {}).values())
        target = code if not code or size >= k else subregion(code) or WORLD
        row = merged.setdefault(target, {})
        for month, count in months.items():
            row[month] = row.get(month, 0) + count
    return merged


def _nationality_labels(counts: MonthCounts, tr: Gettext) -> tuple[list[str], list[str]]:
    countries = sorted((c for c in counts if c and not c.isdigit()),
                       key=lambda c: (-sum(counts[c].values()), c))
    regions = sorted(c for c in counts if c.isdigit())
    codes = countries + regions + ([""] if "" in counts else [])
    labels = [country_name(c, tr.language) for c in countries]
    labels += [tr.gettext(OTHER_COUNTRIES).format(region=_region_name(r, tr)) for r in regions]
    labels += [tr.gettext(NOT_RECORDED)] if "" in counts else []
    return codes, labels


def _region_name(code: str, tr: Gettext) -> str:
    try:
        return tr.gettext(region(code).label)
    except KeyError:
        return country_name(code, tr.language)  # the world, as CLDR names it


def rows_for(key: str, counts: MonthCounts, tr: Gettext) -> tuple[list[str], list[str]]:
    """Category codes in a stable order, with their labels in the report's language."""
    vocabularies = {
        "sex": codes_case.SEX, "recruitment_channel": codes_case.RECRUITMENT_CHANNELS,
        "recruitment_platform": codes_case.PLATFORMS, "identified_by": codes_case.IDENTIFIED_BY,
        "victim_status": codes_case.VICTIM_STATUS, "exploitation": codes_case.EXPLOITATION_TYPES,
        "referrals_by_org_kind": codes_services.ORGANISATION_KINDS,
        "referrals_by_status": codes_services.REFERRAL_STATUS,
        "closures": CLOSURE_REASONS,
    }
    if key in vocabularies:
        return _vocabulary_rows(vocabularies[key], counts, tr)
    if key == "age_band":
        return _fixed_rows([b.code for b in REPORT_BANDS], [b.label for b in REPORT_BANDS],
                           counts, tr)
    if key == "nationality":
        return _nationality_labels(counts, tr)
    if key == "services":
        kinds = ["legal", "medical"] + codes_services.OTHER_SERVICE_KINDS.codes
        return _fixed_rows(kinds, [tr.gettext(codes_services.SERVICES.term(c).label)
                                   for c in kinds], counts, tr)
    return sorted(counts), sorted(counts)


@dataclass
class Series:
    """A family's monthly totals and grand total, protected once for all its tables."""

    months: list[str]
    totals: list[int]
    grid: Grid | None

    @property
    def grand_total(self) -> int:
        return sum(self.totals)

    def column_marks(self) -> list[Mark] | None:
        return self.grid.marks[:-1] if self.grid is not None else None

    def grand_mark(self, k: int) -> Mark:
        if self.grid is not None:
            return self.grid.marks[-1]
        return Mark.SMALL if 0 < self.grand_total < k else Mark.SHOWN


@dataclass(frozen=True)
class Protection:
    """How a report's numbers are made: perturbed and suppressed (published) or exact.

    ``exact`` is for the coordinator's own window only ("internal — not for
    publication"); every file and every statistics-role user gets ``PUBLISHED``.
    """

    exact: bool = False


PUBLISHED = Protection(False)
INTERNAL = Protection(True)


def _published(count: int, key: int, protection: Protection) -> int:
    return count if protection.exact else cell_key.perturb(count, key)


def protect_series(months: list[str], per_month: dict[str, int], k: int,
                   keys: dict[str, int] | None = None,
                   protection: Protection = PUBLISHED) -> Series:
    """Monthly totals and their grand total, each perturbed by its own cell key, then
    small ones suppressed; exact and unsuppressed for the internal view."""
    keys = keys or {}
    totals = [per_month.get(m, 0) for m in months]
    month_keys = [keys.get(m, 0) for m in months]
    values = [_published(n, key, protection) for n, key in zip(totals, month_keys, strict=True)]
    grid = one_way(values, k)
    grid.values[-1] = _published(sum(totals), cell_key.combine(*month_keys), protection)
    if protection.exact:
        return Series(months, totals, grid)
    try:
        grid.protect()
    except Unprotectable:
        return Series(months, totals, None)
    return Series(months, totals, grid)


def protect_table(key: str, title: str, counts: MonthCounts, months: list[str], k: int,
                  tr: Gettext, series: Series | None = None, keys: MonthCounts | None = None,
                  protection: Protection = PUBLISHED) -> PublishedTable:
    """Monthly detail if it can be protected, else period totals, else withheld.

    Every entry (cell, row total, column total, grand total) is perturbed by the key of
    exactly the records it counts, so an entry shown in two tables is shown the same.
    """
    keys = keys or {}
    codes, labels = rows_for(key, counts, tr)
    cells = [[counts.get(code, {}).get(m, 0) for m in months] for code in codes]
    cell_keys = [[keys.get(code, {}).get(m, 0) for m in months] for code in codes]
    table = PublishedTable(key, title, codes, labels, months, cells)
    row_keys = [cell_key.combine(*row) for row in cell_keys]
    column_keys = [cell_key.combine(*(row[j] for row in cell_keys)) for j in range(len(months))]
    grand_key = cell_key.combine(*row_keys)

    def shown(count: int, record_keys: int) -> int:
        return _published(count, record_keys, protection)

    def two_way_grid() -> Grid:
        published = [[shown(n, c) for n, c in zip(row, rk, strict=True)]
                     for row, rk in zip(cells, cell_keys, strict=True)]
        grid = two_way(published, k, width=len(months), fixed_column_totals=fixed_columns,
                       fixed_grand_total=fixed_grand)
        width = len(months) + 1
        for i, row in enumerate(cells):
            grid.values[i * width + len(months)] = shown(sum(row), row_keys[i])
        for j in range(len(months)):
            grid.values[len(cells) * width + j] = shown(sum(r[j] for r in cells),
                                                        column_keys[j])
        grid.values[-1] = shown(sum(map(sum, cells)), grand_key)
        return grid

    def one_way_grid() -> Grid:
        grid = one_way([shown(sum(row), rk) for row, rk in zip(cells, row_keys, strict=True)],
                       k, fixed_total=fixed_grand)
        grid.values[-1] = shown(sum(map(sum, cells)), grand_key)
        return grid

    fixed_columns = series.column_marks() if series is not None else None
    fixed_grand = series.grand_mark(k) if series is not None else None
    if protection.exact:
        fixed_columns = fixed_grand = None
        table.grid = two_way_grid()
        return table
    if series is None or fixed_columns is not None:
        grid = two_way_grid()
        try:
            grid.protect()
            table.grid = grid
            return table
        except Unprotectable:
            pass
    table.monthly = False
    table.notes.append(N_("Monthly detail withheld: too few cases to publish it safely."))
    grid = one_way_grid()
    try:
        grid.protect()
        table.grid = grid
    except Unprotectable:
        table.notes[-1] = N_("Withheld: too few cases to publish this table safely.")
    return table


def month_label(month: str, language: str) -> str:
    from shelterdesk.i18n import format_date

    return format_date(date(int(month[:4]), int(month[5:7]), 1), language, fmt="LLL y")
