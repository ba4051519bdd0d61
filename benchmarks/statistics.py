"""Statistics for a year on a large vault: the store's counts, their protection, the exports.

Uses the vault that ``benchmarks/records.py`` builds and caches under
benchmarks/out/ (100,000 synthetic clients, about a million service records)
and its plain-SQLite copy, and times the very same calls on both.

    python3 -m benchmarks statistics
    BENCH_CLIENTS=20000 python3 -m benchmarks statistics
"""

from __future__ import annotations

import os
from datetime import date

from benchmarks.common import measure, print_table
from benchmarks.records import PASSPHRASE, USER, _build, _plain_session
from shelterdesk.i18n import translator_for
from shelterdesk.reports.statistics import report
from shelterdesk.reports.statistics.csv_export import render_csv
from shelterdesk.reports.statistics.ctdc import render_ctdc
from shelterdesk.reports.statistics.pdf_report import render_pdf
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Period


def run() -> None:
    count = int(os.environ.get("BENCH_CLIENTS", "100000"))
    vault, _generation = _build(count)
    encrypted = vault.unlock(USER, PASSPHRASE)
    plain = _plain_session(encrypted, vault.directory.parent / "plain.db")
    latest = encrypted.connection.execute("SELECT max(intake_date) FROM cases").fetchone()[0]
    year = int(latest[:4]) - 1
    period = Period(date(year, 1, 1), date(year + 1, 1, 1))
    tr = translator_for("en")
    data = aggregates.compute(encrypted, period)
    cases = sum(data.new_cases.values())
    built = report.protect(data, tr, 5)
    profiles = aggregates.case_profiles(encrypted, period)
    rows = []
    for name, work, target in (
            ("all aggregates for a year (store.aggregates)",
             lambda session: aggregates.compute(session, period), "< 1000 ms"),
            ("profile counts for the CTDC export", lambda session: aggregates.case_profiles(
                session, period), "—")):
        rows.append((name, measure(lambda w=work: w(encrypted), repeat=5, warmup=1),
                     measure(lambda w=work: w(plain), repeat=5, warmup=1), target))
    for name, work in (
            ("protect every table (k = 5)", lambda: report.protect(data, tr, 5)),
            ("render the PDF report", lambda: render_pdf(built, tr)),
            ("render the CSV tables", lambda: render_csv(built, tr)),
            ("k-anonymise the CTDC file (k = 11)", lambda: render_ctdc(profiles, 11))):
        rows.append((name, measure(work, repeat=3, warmup=1), None, "—"))
    print_table(f"Statistics: {count:,} clients, {cases:,} new cases in {year}", rows)
    plain.connection.close()
    encrypted.close()
