"""Counts for published statistics: cases, services, stays and referrals by category and month.

Only counts leave this module, never a row about a person; disclosure control
and presentation are the reports layer's. Coordinators and the statistics role
may ask (Kind.STATISTICS): viewing for the aggregates, exporting for the
profile counts behind the record-level export.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from shelterdesk.domain.age_bands import band_of
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_
from shelterdesk.store import access
from shelterdesk.store.rows import loads
from shelterdesk.store.vault import Session

MonthCounts = dict[str, dict[str, int]]  # category -> month ("YYYY-MM") -> count


class InvalidPeriod(UserFacingError):
    message = N_("The period must end after it starts (from {start} to {end}).")


class UnknownWorker(UserFacingError):
    message = N_("There is no user “{name}” in this vault.")


class UnknownShelter(UserFacingError):
    message = N_("There is no shelter “{name}” in this vault.")


@dataclass(frozen=True)
class Period:
    """Days from ``start`` up to, not including, ``end``; a night belongs to its evening's day."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidPeriod(start=self.start.isoformat(), end=self.end.isoformat())

    @property
    def nights(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def months(self) -> list[str]:
        found, day = [], self.start.replace(day=1)
        while day < self.end:
            found.append(f"{day.year:04d}-{day.month:02d}")
            day = (day + timedelta(days=32)).replace(day=1)
        return found

    def month_span(self, month: str) -> tuple[date, date]:
        """The part of a month that lies inside the period, as [start, end)."""
        first = date(int(month[:4]), int(month[5:7]), 1)
        following = (first + timedelta(days=32)).replace(day=1)
        return max(first, self.start), min(following, self.end)


@dataclass(frozen=True)
class Scope:
    """Optionally one shelter (cases that stayed there) or one assigned worker."""

    shelter_id: str = ""
    worker_id: str = ""


@dataclass(frozen=True)
class ShelterUse:
    beds: int
    bed_nights: dict[str, int]  # month -> nights slept in the period's part of that month
    nights: dict[str, int]  # month -> nights of the period in that month
    stays_begun: dict[str, int]
    stays_ended: dict[str, int]
    nights_of_ended: int  # whole length of the stays that ended in the period


@dataclass(frozen=True)
class Aggregates:
    period: Period
    scope: Scope
    new_cases: dict[str, int]
    cases: dict[str, MonthCounts]  # dimension -> counts; one category per case
    exploitation: MonthCounts  # a case counts once under each of its types ("" = none)
    services: MonthCounts  # "legal", "medical" and the other kinds
    referrals_by_org_kind: MonthCounts
    referrals_by_status: MonthCounts
    shelter: ShelterUse
    closures: MonthCounts = field(default_factory=dict)  # reason -> month closed -> cases
    # Cell keys (sums of the records' stat_key, as the counts above are sums of records),
    # by table ("new_cases", each case dimension, "exploitation", "services",
    # "referrals_by_org_kind", "referrals_by_status", "stays_begun", "stays_ended"):
    # category -> month -> key sum. They say nothing about a person on their own; the
    # reports layer turns them into cell keys for the perturbation.
    keys: dict[str, MonthCounts] = field(default_factory=dict)

    def key_of(self, table: str, category: str, month: str) -> int:
        return self.keys.get(table, {}).get(category, {}).get(month, 0)


AGE_AT_INTAKE = (
    "CASE WHEN cl.date_of_birth IS NOT NULL AND cl.date_of_birth != '' THEN"
    " CAST(substr(ca.intake_date, 1, 4) AS INTEGER)"
    " - CAST(substr(cl.date_of_birth, 1, 4) AS INTEGER)"
    " - (substr(ca.intake_date, 6, 5) < substr(cl.date_of_birth, 6, 5))"
    " ELSE cl.age_estimate END")
CASE_DIMENSIONS = {
    "sex": "cl.sex",
    "age_band": AGE_AT_INTAKE,
    "nationality": "cl.nationality",
    "recruitment_channel": "ca.recruitment_channel",
    "recruitment_platform": "ca.recruitment_platform",
    "identified_by": "ca.identified_by",
    "victim_status": "ca.victim_status",
}
_MONTH = "substr(ca.intake_date, 1, 7)"
_IN_SHELTER = ("EXISTS (SELECT 1 FROM stays s JOIN beds b ON b.id = s.bed_id"
               " JOIN rooms r ON r.id = b.room_id WHERE s.case_id = ca.id AND r.shelter_id = ?)")


def _case_filter(period: Period, scope: Scope) -> tuple[str, list]:
    where = ["ca.intake_date >= ?", "ca.intake_date < ?"]
    params: list = [period.start.isoformat(), period.end.isoformat()]
    where, params = _scope_filter(where, params, scope)
    return " AND ".join(where), params


def _scope_filter(where: list[str], params: list, scope: Scope) -> tuple[list[str], list]:
    if scope.worker_id:
        where.append("ca.assigned_worker_id = ?")
        params.append(scope.worker_id)
    if scope.shelter_id:
        where.append(_IN_SHELTER)
        params.append(scope.shelter_id)
    return where, params


def _grouped(rows: list[tuple], keys: dict[str, MonthCounts] | None = None,
             table: str = "") -> MonthCounts:
    """Rows of (month, category, count[, key sum]) as counts (and key sums under ``table``)."""
    counts: MonthCounts = defaultdict(dict)
    for month, category, count, *key in rows:
        cell = counts[category]
        cell[month] = cell.get(month, 0) + count
        if keys is not None and key:
            _add_key(keys, table, category, month, key[0] or 0)
    return dict(counts)


def compute(session: Session, period: Period, scope: Scope | None = None) -> Aggregates:
    """Every count the statistics report publishes, for one period and scope."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    scope = scope or Scope()
    where, params = _case_filter(period, scope)
    # Both sides from their covering statistics indexes (migration 0005): compact pages
    # instead of scattered rows; SQLite would otherwise look clients up by their primary key.
    source = ("cases ca JOIN clients cl INDEXED BY clients_for_statistics"
              " ON cl.id = ca.client_id")
    with session.lock:
        # One pass over the period's cases (their pages are scattered: one read each),
        # counted here in Python: twice as fast as SQLite's GROUP BY over nine columns.
        # These rows never leave this function; only the counts do.
        rows = session.connection.execute(
            f"SELECT {_MONTH}, {', '.join(CASE_DIMENSIONS.values())}, ca.exploitation_types, 1,"
            " coalesce(ca.stat_key, 0)"
            f" FROM {source} WHERE {where}", params).fetchall()
        keys: dict[str, MonthCounts] = {}
        new_cases, cases, exploitation = _count_cases(rows, keys)
        services = _services(session, period, scope, keys)
        by_kind, by_status = _referrals(session, period, scope, keys)
        shelter = _shelter_use(session, period, scope, keys)
        closures = _closures(session, period, scope, keys)
    return Aggregates(period, scope, new_cases, cases, exploitation, services, by_kind,
                      by_status, shelter, closures, keys)


def _closures(session: Session, period: Period, scope: Scope,
              keys: dict[str, MonthCounts]) -> MonthCounts:
    """Cases closed in the period (and still closed), by reason and month of closing."""
    where = ["ca.closed_on >= ?", "ca.closed_on < ?"]
    params: list = [period.start.isoformat(), period.end.isoformat()]
    where, params = _scope_filter(where, params, scope)
    return _grouped(session.connection.execute(
        "SELECT substr(ca.closed_on, 1, 7), ca.closure_reason, count(*),"
        " sum(coalesce(ca.stat_key, 0)) FROM cases ca"
        f" WHERE {' AND '.join(where)} GROUP BY 1, 2", params).fetchall(), keys, "closures")


def _add_key(keys: dict[str, MonthCounts], table: str, category: str, month: str,
             key: int) -> None:
    cell = keys.setdefault(table, {}).setdefault(category, {})
    cell[month] = cell.get(month, 0) + key


def _count_cases(rows: list[tuple], keys: dict[str, MonthCounts]
                 ) -> tuple[dict[str, int], dict[str, MonthCounts], MonthCounts]:
    new_cases: Counter = Counter()
    cases: dict[str, MonthCounts] = {name: defaultdict(dict) for name in CASE_DIMENSIONS}
    exploitation: MonthCounts = defaultdict(dict)
    names = list(CASE_DIMENSIONS)
    age_index = names.index("age_band")

    type_lists: dict[str, list[str]] = {}  # few distinct JSON texts: parse each once
    bands: dict[int | None, str] = {}
    new_keys = keys.setdefault("new_cases", {}).setdefault("", {})
    dimension_keys = [keys.setdefault(name, {}) for name in names]
    exploitation_keys = keys.setdefault("exploitation", {})
    tables = [cases[name] for name in names]
    # The hot loop of the statistics (tens of thousands of rows): plain dict operations.
    for row in rows:
        month, values, types, count, key = row[0], list(row[1:8]), row[8], row[9], row[10]
        new_cases[month] += count
        new_keys[month] = new_keys.get(month, 0) + key
        age = values[age_index]
        if age not in bands:
            bands[age] = band_of(age)
        values[age_index] = bands[age]
        for table, table_keys, value in zip(tables, dimension_keys, values, strict=True):
            category = value if value is not None else ""
            cell = table[category]
            cell[month] = cell.get(month, 0) + count
            key_cell = table_keys.get(category)
            if key_cell is None:
                key_cell = table_keys[category] = {}
            key_cell[month] = key_cell.get(month, 0) + key
        if types not in type_lists:
            type_lists[types] = sorted(set(loads(types))) or [""]
        for kind in type_lists[types]:
            cell = exploitation[kind]
            cell[month] = cell.get(month, 0) + count
            key_cell = exploitation_keys.get(kind)
            if key_cell is None:
                key_cell = exploitation_keys[kind] = {}
            key_cell[month] = key_cell.get(month, 0) + key
    return (dict(new_cases), {name: dict(counts) for name, counts in cases.items()},
            dict(exploitation))


def _services(session: Session, period: Period, scope: Scope,
              keys: dict[str, MonthCounts]) -> MonthCounts:
    run = session.connection.execute
    rows: list[tuple] = []
    for table, kind in (("legal_consultations", "'legal'"), ("medical_services", "'medical'"),
                        ("other_services", "t.kind")):
        where = ["t.date >= ?", "t.date < ?"]
        params: list = [period.start.isoformat(), period.end.isoformat()]
        join = ""
        if scope.worker_id or scope.shelter_id:
            join = " JOIN cases ca ON ca.id = t.case_id"
            where, params = _scope_filter(where, params, scope)
        # Grouped by day, in the covering date index's own order (no sort), then by month.
        rows += [(day[:7], category, n, key) for day, category, n, key in run(
            f"SELECT t.date, {kind}, count(*), sum(t.stat_key) FROM {table} t{join}"
            f" WHERE {' AND '.join(where)} GROUP BY t.date"
            f"{', t.kind' if kind == 't.kind' else ''}", params).fetchall()]
    return _grouped(rows, keys, "services")


def _referrals(session: Session, period: Period, scope: Scope,
               keys: dict[str, MonthCounts]) -> tuple[MonthCounts, MonthCounts]:
    where = ["r.referred_on >= ?", "r.referred_on < ?"]
    params: list = [period.start.isoformat(), period.end.isoformat()]
    where, params = _scope_filter(where, params, scope)
    cases = " JOIN cases ca ON ca.id = r.case_id" if scope.worker_id or scope.shelter_id else ""
    rows = session.connection.execute(
        "SELECT substr(r.referred_on, 1, 7), o.kind, r.status, count(*), sum(r.stat_key)"
        f" FROM referrals r JOIN organisations o ON o.id = r.to_org_id{cases}"
        f" WHERE {' AND '.join(where)} GROUP BY 1, 2, 3", params).fetchall()
    return (_grouped([(m, kind, n, key) for m, kind, _status, n, key in rows], keys,
                     "referrals_by_org_kind"),
            _grouped([(m, status, n, key) for m, _kind, status, n, key in rows], keys,
                     "referrals_by_status"))


def _shelter_use(session: Session, period: Period, scope: Scope,
                 keys: dict[str, MonthCounts]) -> ShelterUse:
    run = session.connection.execute
    bed_where, bed_params = ("WHERE r.shelter_id = ?", [scope.shelter_id]) \
        if scope.shelter_id else ("", [])
    beds = run("SELECT count(*) FROM beds b JOIN rooms r ON r.id = b.room_id"
               f" {bed_where}", bed_params).fetchone()[0]
    where = ["s.admitted_on < ?", "(s.discharged_on IS NULL OR s.discharged_on >= ?)"]
    params: list = [period.end.isoformat(), period.start.isoformat()]
    joins = ""
    if scope.shelter_id:
        joins += " JOIN beds b ON b.id = s.bed_id JOIN rooms r ON r.id = b.room_id"
        where.append("r.shelter_id = ?")
        params.append(scope.shelter_id)
    if scope.worker_id:
        joins += " JOIN cases ca ON ca.id = s.case_id"
        where.append("ca.assigned_worker_id = ?")
        params.append(scope.worker_id)
    spans = run(f"SELECT s.admitted_on, s.discharged_on, coalesce(s.stat_key, 0)"
                f" FROM stays s{joins}"
                f" WHERE {' AND '.join(where)}", params).fetchall()
    months = period.months()
    spans_of = [(m, *period.month_span(m)) for m in months]
    bed_nights, begun, ended = Counter(), Counter(), Counter()
    nights_of_ended = 0
    for admitted_text, discharged_text, key in spans:
        admitted = date.fromisoformat(admitted_text)
        discharged = date.fromisoformat(discharged_text) if discharged_text else None
        if period.start <= admitted < period.end:
            begun[admitted_text[:7]] += 1
            _add_key(keys, "stays_begun", "", admitted_text[:7], key)
        if discharged is not None and period.start <= discharged < period.end:
            ended[discharged_text[:7]] += 1
            _add_key(keys, "stays_ended", "", discharged_text[:7], key)
            nights_of_ended += (discharged - admitted).days
        leaves = min(discharged or period.end, period.end)
        for month, first, following in spans_of:
            if following <= admitted:
                continue
            if first >= leaves:
                break
            bed_nights[month] += (min(leaves, following) - max(admitted, first)).days
    nights = {month: (following - first).days for month, first, following in spans_of}
    return ShelterUse(beds, dict(bed_nights), nights, dict(begun), dict(ended), nights_of_ended)


Profile = tuple[str, str, int | None, str, tuple[str, ...], str, tuple[str, ...]]


def case_profiles(session: Session, period: Period, scope: Scope | None = None) -> Counter:
    """How many cases share each profile (intake year, sex, age at intake, nationality,
    exploitation types, recruitment channel, means of control): counts, for k-anonymity."""
    access.require(session, Kind.STATISTICS, Action.EXPORT)
    where, params = _case_filter(period, scope or Scope())
    with session.lock:
        rows = session.connection.execute(
            f"SELECT substr(ca.intake_date, 1, 4), cl.sex, {AGE_AT_INTAKE}, cl.nationality,"
            " ca.exploitation_types, ca.recruitment_channel, ca.means_of_control, 1"
            f" FROM cases ca JOIN clients cl ON cl.id = ca.client_id WHERE {where}",
            params).fetchall()
    profiles: Counter = Counter()
    lists: dict[str, tuple[str, ...]] = {}  # few distinct JSON texts: parse each once
    for year, sex, age, nationality, types, channel, means, count in rows:
        for text in (types, means):
            if text not in lists:
                lists[text] = tuple(sorted(set(loads(text))))
        profiles[(year, sex, age, nationality, lists[types], channel, lists[means])] += count
    return profiles


def worker_id(session: Session, username: str) -> str:
    """The id of an assigned worker named in a filter (no other detail about them)."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    with session.lock:
        row = session.connection.execute("SELECT id FROM users WHERE username = ? OR id = ?",
                                         (username.strip().lower(), username)).fetchone()
    if row is None:
        raise UnknownWorker(name=username)
    return row[0]


def shelter_id(session: Session, name: str) -> str:
    """A shelter named in a filter, by id or name (any case, Azerbaijani letters too)."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    with session.lock:
        rows = session.connection.execute("SELECT id, name FROM shelters").fetchall()
    wanted = name.strip().casefold()
    for found_id, found_name in rows:
        if found_id == name.strip() or found_name.strip().casefold() == wanted:
            return found_id
    raise UnknownShelter(name=name)


def population(session: Session, period: Period, scope: Scope) -> int:
    """How many cases a filtered report rests on: those in the scope with an intake, a stay,
    a service or a referral in the period (a count, for the population threshold)."""
    access.require(session, Kind.STATISTICS, Action.VIEW)
    start, end = period.start.isoformat(), period.end.isoformat()
    where, params = _scope_filter([], [], scope)
    stay_in_shelter = ""
    stay_params: list = [end, start]
    if scope.shelter_id:
        stay_in_shelter = (" AND s.bed_id IN (SELECT b.id FROM beds b JOIN rooms r"
                           " ON r.id = b.room_id WHERE r.shelter_id = ?)")
        stay_params.append(scope.shelter_id)
    active = " OR ".join([
        "(ca.intake_date >= ? AND ca.intake_date < ?)",
        "EXISTS (SELECT 1 FROM stays s WHERE s.case_id = ca.id AND s.admitted_on < ?"
        " AND (s.discharged_on IS NULL OR s.discharged_on >= ?)" + stay_in_shelter + ")",
        *(f"EXISTS (SELECT 1 FROM {table} t WHERE t.case_id = ca.id AND t.{column} >= ?"
          f" AND t.{column} < ?)"
          for table, column in (("legal_consultations", "date"), ("medical_services", "date"),
                                ("other_services", "date"), ("referrals", "referred_on")))])
    all_params = [start, end] + stay_params + [start, end] * 4 + params
    sql = f"SELECT count(*) FROM cases ca WHERE ({active})"
    if where:
        sql += " AND " + " AND ".join(where)
    with session.lock:
        return int(session.connection.execute(sql, all_params).fetchone()[0])
