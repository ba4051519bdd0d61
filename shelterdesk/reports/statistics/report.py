"""The statistics report as published: every table protected, shelter figures, in one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shelterdesk.i18n import N_
from shelterdesk.reports.statistics.disclosure import Mark
from shelterdesk.reports.statistics.tables import (
    Gettext,
    PublishedTable,
    Series,
    month_label,
    nationality_rows,
    protect_series,
    protect_table,
)
from shelterdesk.store import aggregates, settings
from shelterdesk.store.aggregates import Aggregates, Period, Scope
from shelterdesk.store.vault import Session

CASE_TABLES = [
    ("sex", N_("New cases by sex")),
    ("age_band", N_("New cases by age at intake")),
    ("nationality", N_("New cases by nationality")),
    ("recruitment_channel", N_("New cases by recruitment channel")),
    ("recruitment_platform", N_("New cases by recruitment platform")),
    ("identified_by", N_("New cases by identification source")),
    ("victim_status", N_("New cases by victim status")),
]
EXPLOITATION_TITLE = N_("Cases by type of exploitation (a case may count under several)")
SERVICES_TITLE = N_("Services delivered by kind")
REFERRAL_TABLES = [
    ("referrals_by_org_kind", N_("Referrals by type of receiving organisation")),
    ("referrals_by_status", N_("Referrals by status")),
]
CLOSURES_TITLE = N_("Cases closed by reason")
NEW_CASES_TITLE = N_("New cases by month")
REFERRALS_TITLE = N_("Referrals by month")
MINIMUM_K = 3


@dataclass
class ShelterFigures:
    """Shelter use: capacity measures are shown; counts of stays are protected like cells."""

    beds: int
    nights: int
    bed_nights: int
    occupancy: float | None
    stays_begun: tuple[int, Mark]
    stays_ended: tuple[int, Mark]
    average_stay: float | None  # withheld (None) when fewer than k stays ended
    monthly_bed_nights: list[int]
    monthly_occupancy: list[float | None]


@dataclass
class StatisticsReport:
    period: Period
    scope: Scope
    scope_label: str
    organisation: str
    k: int
    language: str
    generated_on: date
    months: list[str]
    new_cases: PublishedTable
    tables: list[PublishedTable]
    referrals: PublishedTable
    shelter: ShelterFigures
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> PublishedTable:
        for table in [self.new_cases, self.referrals, *self.tables]:
            if table.key == key:
                return table
        raise KeyError(key)

    def month_labels(self) -> list[str]:
        return [month_label(m, self.language) for m in self.months]


def effective_k(session: Session, requested: int | None = None) -> int:
    """The vault's threshold (never below 3); a request may raise it, never lower it."""
    configured = max(MINIMUM_K, int(settings.get(session, "anonymization_k")))
    return max(configured, requested or configured)


def _series_table(key: str, title: str, series: Series, tr: Gettext) -> PublishedTable:
    labels = [month_label(m, tr.language) for m in series.months]
    table = PublishedTable(key, title, list(series.months), labels, [], [[t] for t in
                                                                        series.totals],
                           grid=series.grid, monthly=False)
    if series.grid is None:
        table.notes.append(N_("Withheld: too few cases to publish this table safely."))
    return table


def _shelter_figures(data: Aggregates, months: list[str], k: int) -> ShelterFigures:
    use = data.shelter
    bed_nights = [use.bed_nights.get(m, 0) for m in months]
    nights = [use.nights.get(m, 0) for m in months]
    begun, ended = sum(use.stays_begun.values()), sum(use.stays_ended.values())

    def mark(count: int) -> Mark:
        return Mark.SMALL if 0 < count < k else Mark.SHOWN

    capacity = use.beds * data.period.nights
    return ShelterFigures(
        beds=use.beds, nights=data.period.nights, bed_nights=sum(bed_nights),
        occupancy=sum(bed_nights) / capacity if capacity else None,
        stays_begun=(begun, mark(begun)), stays_ended=(ended, mark(ended)),
        average_stay=use.nights_of_ended / ended if ended >= k else None,
        monthly_bed_nights=bed_nights,
        monthly_occupancy=[b / (use.beds * n) if use.beds and n else None
                           for b, n in zip(bed_nights, nights, strict=True)])


def protect(data: Aggregates, tr: Gettext, k: int, *, organisation: str = "",
            scope_label: str = "", today: date | None = None) -> StatisticsReport:
    """Every published table of the aggregates, protected with threshold k."""
    k = max(MINIMUM_K, k)
    months = data.period.months()
    cases = protect_series(months, data.new_cases, k)
    tables = []
    for key, title in CASE_TABLES:
        counts = data.cases.get(key, {})
        if key == "nationality":
            counts = nationality_rows(counts, k)
        tables.append(protect_table(key, title, counts, months, k, tr, cases))
    tables.append(protect_table("exploitation", EXPLOITATION_TITLE, data.exploitation, months,
                                k, tr))
    tables.append(protect_table("services", SERVICES_TITLE, data.services, months, k, tr))
    per_month: dict[str, int] = {}
    for by_month in data.referrals_by_status.values():
        for month, count in by_month.items():
            per_month[month] = per_month.get(month, 0) + count
    referrals = protect_series(months, per_month, k)
    for key, title in REFERRAL_TABLES:
        tables.append(protect_table(key, title, getattr(data, key), months, k, tr, referrals))
    tables.append(protect_table("closures", CLOSURES_TITLE, data.closures, months, k, tr))
    return StatisticsReport(
        period=data.period, scope=data.scope, scope_label=scope_label,
        organisation=organisation, k=k, language=tr.language,
        generated_on=today or date.today(), months=months,
        new_cases=_series_table("new_cases", NEW_CASES_TITLE, cases, tr), tables=tables,
        referrals=_series_table("referrals", REFERRALS_TITLE, referrals, tr),
        shelter=_shelter_figures(data, months, k))


def build(session: Session, period: Period, tr: Gettext, *, scope: Scope | None = None,
          scope_label: str = "", k: int | None = None) -> StatisticsReport:
    """Compute the counts (permission-checked in the store) and protect every table."""
    data = aggregates.compute(session, period, scope)
    return protect(data, tr, effective_k(session, k), organisation=session.meta("org_name"),
                   scope_label=scope_label)

