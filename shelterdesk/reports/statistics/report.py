"""The statistics report as published: every table protected, shelter figures, in one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shelterdesk.domain import cell_key
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.reports.statistics import publication
from shelterdesk.reports.statistics.disclosure import Mark
from shelterdesk.reports.statistics.tables import (
    INTERNAL,
    PUBLISHED,
    Gettext,
    Protection,
    PublishedTable,
    Series,
    month_label,
    nationality_rows,
    protect_series,
    protect_table,
)
from shelterdesk.store import access, settings
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Aggregates, Period, Scope
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
    exact: bool = False  # the coordinator's internal view: true counts, not for publication

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


def _shelter_figures(data: Aggregates, months: list[str], k: int,
                     protection: Protection = PUBLISHED) -> ShelterFigures:
    use = data.shelter
    bed_nights = [use.bed_nights.get(m, 0) for m in months]
    nights = [use.nights.get(m, 0) for m in months]
    begun, ended = sum(use.stays_begun.values()), sum(use.stays_ended.values())

    def key(table: str) -> int:
        return cell_key.combine(*data.keys.get(table, {}).get("", {}).values())

    def mark(count: int) -> Mark:
        return Mark.SMALL if 0 < count < k and not protection.exact else Mark.SHOWN

    if not protection.exact:  # counts of stays are counts of people: perturbed like cells
        begun = cell_key.perturb(begun, key("stays_begun"))
        ended_shown = cell_key.perturb(ended, key("stays_ended"))
    else:
        ended_shown = ended

    capacity = use.beds * data.period.nights
    return ShelterFigures(
        beds=use.beds, nights=data.period.nights, bed_nights=sum(bed_nights),
        occupancy=sum(bed_nights) / capacity if capacity else None,
        stays_begun=(begun, mark(begun)), stays_ended=(ended_shown, mark(ended_shown)),
        average_stay=use.nights_of_ended / ended if ended >= k or (
            protection.exact and ended) else None,
        monthly_bed_nights=bed_nights,
        monthly_occupancy=[b / (use.beds * n) if use.beds and n else None
                           for b, n in zip(bed_nights, nights, strict=True)])


def _month_sums(table: dict[str, dict[str, int]]) -> dict[str, int]:
    per_month: dict[str, int] = {}
    for by_month in table.values():
        for month, count in by_month.items():
            per_month[month] = per_month.get(month, 0) + count
    return per_month


def protect(data: Aggregates, tr: Gettext, k: int, *, organisation: str = "",
            scope_label: str = "", today: date | None = None,
            protection: Protection = PUBLISHED) -> StatisticsReport:
    """Every published table of the aggregates: perturbed by cell key, then small counts
    suppressed with threshold k (or, for the internal view, the exact counts)."""
    k = max(MINIMUM_K, k)
    months = data.period.months()
    keys = data.keys
    cases = protect_series(months, data.new_cases, k, keys.get("new_cases", {}).get("", {}),
                           protection)
    tables = []
    for key, title in CASE_TABLES:
        counts, table_keys = data.cases.get(key, {}), keys.get(key, {})
        if key == "nationality" and not protection.exact:
            counts, table_keys = nationality_rows(counts, k), nationality_rows(table_keys, k,
                                                                               counts)
        tables.append(protect_table(key, title, counts, months, k, tr, cases, table_keys,
                                    protection))
    tables.append(protect_table("exploitation", EXPLOITATION_TITLE, data.exploitation, months,
                                k, tr, keys=keys.get("exploitation"), protection=protection))
    tables.append(protect_table("services", SERVICES_TITLE, data.services, months, k, tr,
                                keys=keys.get("services"), protection=protection))
    referrals = protect_series(months, _month_sums(data.referrals_by_status), k,
                               _month_sums(keys.get("referrals_by_status", {})), protection)
    for key, title in REFERRAL_TABLES:
        tables.append(protect_table(key, title, getattr(data, key), months, k, tr, referrals,
                                    keys.get(key), protection))
    tables.append(protect_table("closures", CLOSURES_TITLE, data.closures, months, k, tr,
                                keys=keys.get("closures"), protection=protection))
    return StatisticsReport(
        period=data.period, scope=data.scope, scope_label=scope_label,
        organisation=organisation, k=k, language=tr.language,
        generated_on=today or date.today(), months=months,
        new_cases=_series_table("new_cases", NEW_CASES_TITLE, cases, tr), tables=tables,
        referrals=_series_table("referrals", REFERRALS_TITLE, referrals, tr),
        shelter=_shelter_figures(data, months, k, protection), exact=protection.exact)


def build(session: Session, period: Period, tr: Gettext, *, scope: Scope | None = None,
          scope_label: str = "", k: int | None = None) -> StatisticsReport:
    """Compute the counts (permission-checked in the store) and protect every table for
    publication: whole months only, filters only over a large enough population."""
    publication.check_period(period)
    publication.check_population(session, period, scope)
    data = aggregates.compute(session, period, scope)
    return protect(data, tr, effective_k(session, k), organisation=session.meta("org_name"),
                   scope_label=scope_label)


def build_internal(session: Session, period: Period, tr: Gettext) -> StatisticsReport:
    """The coordinator's exact counts of her own vault, for the window only (never a file).

    Coordinators may see every case anyway; anyone else gets the published report."""
    if not session.user.has_role(Role.COORDINATOR) or not access.can(session, Kind.CLIENT,
                                                                     Action.VIEW):
        return build(session, period, tr)
    data = aggregates.compute(session, period)
    return protect(data, tr, effective_k(session), organisation=session.meta("org_name"),
                   protection=INTERNAL)

