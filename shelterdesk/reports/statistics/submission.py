"""An organisation's quarterly statistics, protected and sealed for a receiving body.

The counts are the statistics report's own (``aggregates.compute``), perturbed by the
same cell-key method with the same keys (``cell_key.perturb``), and rare nationalities
merged into their region as the report does: each submitted number is the number the
organisation's own report for that quarter shows as a row total, before small-cell
suppression. Suppression is not applied here because it cannot be added up: the
receiving body applies it to the combined totals (``combined.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shelterdesk.domain import cell_key, quarters
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.quarters import Quarter
from shelterdesk.reports.statistics import publication, report
from shelterdesk.reports.statistics.tables import nationality_rows
from shelterdesk.store import access
from shelterdesk.store.exchange import messages, submissions
from shelterdesk.store.exchange.identity import confirmed_partner, seal_for_partner
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Aggregates, MonthCounts, Period
from shelterdesk.store.vault import Session


def _table(counts: MonthCounts, keys: MonthCounts) -> dict[str, Any]:
    """Each category's quarter count perturbed by the key of exactly its records, and the
    table's total perturbed by the key of all of them (as the report's totals are)."""
    cells, all_keys, total = {}, [], 0
    for code, by_month in counts.items():
        count = sum(by_month.values())
        key = cell_key.combine(*keys.get(code, {}).values())
        all_keys.append(key)
        total += count
        value = cell_key.perturb(count, key)
        if value:
            cells[code] = value
    return {"cells": cells, "total": cell_key.perturb(total, cell_key.combine(*all_keys))}


def protected_tables(data: Aggregates, k: int) -> dict[str, dict[str, Any]]:
    """Every table of a version-1 submission (``submissions.TABLES``), perturbed."""
    keys = data.keys
    new_cases = {"": data.new_cases}
    tables = {"new_cases": _table(new_cases, keys.get("new_cases", {}))}
    for key, _title in report.CASE_TABLES:
        counts, table_keys = data.cases.get(key, {}), keys.get(key, {})
        if key == "nationality":
            counts, table_keys = nationality_rows(counts, k), nationality_rows(table_keys, k,
                                                                               counts)
        tables[key] = _table(counts, table_keys)
    for key, counts in (("exploitation", data.exploitation), ("services", data.services),
                        ("referrals_by_org_kind", data.referrals_by_org_kind),
                        ("referrals_by_status", data.referrals_by_status),
                        ("closures", data.closures)):
        tables[key] = _table(counts, keys.get(key, {}))
    for key, counts in (("stays_begun", data.shelter.stays_begun),
                        ("stays_ended", data.shelter.stays_ended)):
        tables[key] = _table({"": counts} if counts else {}, keys.get(key, {}))
    return tables


def message_for(session: Session, quarter: Quarter, today: date | None = None
                ) -> dict[str, Any]:
    """The submission's message (unsealed): refused for a quarter not yet over."""
    access.require(session, Kind.STATISTICS, Action.EXPORT)
    quarters.require_ended(quarter, today or date.today())
    period = Period(quarter.start, quarter.end)
    publication.check_period(period)
    k = report.effective_k(session)
    data = aggregates.compute(session, period)
    return messages.new_message(
        submissions.KIND, session.meta("org_name"), quarter=quarter.code,
        protection={"method": submissions.METHOD, "base": cell_key.BASE,
                    "positions": cell_key.POSITIONS, "k": k},
        tables=protected_tables(data, k),
        shelter={"beds": data.shelter.beds, "bed_nights": sum(data.shelter.bed_nights.values())})


def submit(session: Session, quarter: Quarter, to_org_id: str,
           today: date | None = None) -> bytes:
    """The sealed `.sdstats` file for the receiving body (a confirmed partner), audited."""
    confirmed_partner(session, to_org_id)  # refused before anything is computed
    message = message_for(session, quarter, today)
    data = seal_for_partner(session, to_org_id, message, submissions.STATISTICS)
    session.audit("stats.submit", "organisation", to_org_id, quarter=quarter.code,
                  k=message["protection"]["k"])
    return data
