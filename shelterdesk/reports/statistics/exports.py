"""Exporting statistics to a file: one call for the window and the command line, audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.i18n import N_
from shelterdesk.reports.csv_cells import EXCEL, STANDARD
from shelterdesk.reports.statistics import ctdc, publication, report
from shelterdesk.reports.statistics.csv_export import render_csv
from shelterdesk.reports.statistics.tables import Gettext
from shelterdesk.store import access
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.statistics import aggregates
from shelterdesk.store.statistics.aggregates import Period, Scope
from shelterdesk.store.vault import Session

FORMATS = ("pdf", "csv", "ctdc")


class UnknownFormat(UserFacingError):
    message = N_("Unknown statistics format “{format}”: use pdf, csv or ctdc.")


@dataclass(frozen=True)
class Exported:
    path: Path
    format: str
    k: int
    anonymisation: ctdc.Summary | None = None


def render(session: Session, period: Period, fmt: str, tr: Gettext, *,
           scope: Scope | None = None, scope_label: str = "",
           k: int | None = None, excel: bool = False) -> tuple[bytes, int, ctdc.Summary | None]:
    """The file's bytes; raises PermissionDenied unless the user may export statistics.

    ``excel``: the statistics CSV with semicolons and decimal commas, as Excel reads CSV
    in Azerbaijani and Russian locales (the CTDC file keeps its standard format)."""
    if fmt not in FORMATS:
        raise UnknownFormat(format=fmt)
    access.require(session, Kind.STATISTICS, Action.EXPORT)
    if fmt == "ctdc":
        publication.check_ctdc_period(period)
        publication.check_population(session, period, scope)
        threshold = report.effective_k(session, max(k or 0, ctdc.DEFAULT_K))
        data, summary = ctdc.render_ctdc(aggregates.case_profiles(session, period, scope),
                                         threshold)
        return data, threshold, summary
    built = report.build(session, period, tr, scope=scope, scope_label=scope_label, k=k)
    if fmt == "csv":
        return render_csv(built, tr, EXCEL if excel else STANDARD), built.k, None
    from shelterdesk.reports.statistics.pdf_report import render_pdf

    return render_pdf(built, tr), built.k, None


def export(session: Session, period: Period, fmt: str, output: Path, tr: Gettext, *,
           scope: Scope | None = None, scope_label: str = "", k: int | None = None,
           excel: bool = False) -> Exported:
    """Render, write atomically where the user chose, and audit (no personal data)."""
    data, threshold, summary = render(session, period, fmt, tr, scope=scope,
                                      scope_label=scope_label, k=k, excel=excel)
    atomic_write(Path(output), data)
    scope = scope or Scope()
    detail = {"format": fmt, "start": period.start.isoformat(), "end": period.end.isoformat(),
              "k": threshold, "shelter": bool(scope.shelter_id), "worker": bool(scope.worker_id)}
    if summary is not None:
        detail.update(cases=summary.cases, published=summary.published,
                      levels=",".join(f"{q}={n}" for q, n in summary.levels.items()))
    session.audit("stats.export", "statistics", "", **detail)
    return Exported(Path(output), fmt, threshold, summary)
