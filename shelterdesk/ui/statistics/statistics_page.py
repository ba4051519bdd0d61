"""Statistics: a period, a table to look at, its chart beside it, and the exports.

A coordinator sees her own vault's exact counts, marked "internal — not for
publication"; a statistics-role user sees the published numbers (perturbed,
small counts "<k", complements "x"). Exports are always the published numbers:
the page calls the same functions as `shelterdesk stats`, off the GUI thread.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.i18n import (
    N_,
    _,
    active_language,
    format_date,
    translator_for,
)
from shelterdesk.reports.statistics import report as statistics
from shelterdesk.reports.statistics.charts import nice_step
from shelterdesk.reports.statistics.csv_export import (
    INTERNAL_NOTE,
    PERTURBATION_NOTE,
    SUPPRESSION_NOTE,
)
from shelterdesk.reports.statistics.disclosure import Mark
from shelterdesk.reports.statistics.exports import export
from shelterdesk.reports.statistics.report import StatisticsReport
from shelterdesk.reports.statistics.tables import PublishedTable
from shelterdesk.store.statistics.aggregates import Period
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.dates import DateInput
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.flow_layout import FlowLayout
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.statistics.charts import PALETTE, bar_chart
from shelterdesk.ui.statistics.table_model import StatisticsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
INTERNAL_EXPLAINED = N_(
    "You see exact counts because you coordinate this vault and may see every case. Every "
    "file exported from here, and what statistics users see, is perturbed and suppressed.")
EXPORTS = {"pdf": N_("PDF report…"), "csv": N_("CSV tables…"),
           "csv_excel": N_("CSV for Excel…"), "ctdc": N_("CTDC file…")}


class StatisticsPage(QWidget):
    """Period picker, table chooser, bar and line charts beside the table, exports."""

    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.busy = session, busy
        self.report: StatisticsReport | None = None
        today = date.today()
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.from_label, self.to_label = QLabel(), QLabel()
        # The same typed-or-picked fields, in the same format, as every other date; whole
        # months by default (published statistics are only made for whole months).
        self.from_edit, self.to_edit = DateInput(), DateInput()
        month_end = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        for edit, day in ((self.from_edit, date(today.year, 1, 1)), (self.to_edit, month_end)):
            edit.set_value(day)
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self.refresh)
        self.table_choice = QComboBox()
        self.table_label = QLabel()
        self.table_label.setBuddy(self.table_choice)
        self.from_label.setBuddy(self.from_edit)
        self.to_label.setBuddy(self.to_edit)
        self.table_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table_choice.setMinimumContentsLength(24)
        self.table_choice.currentIndexChanged.connect(self._show_table)
        self.export_buttons = {fmt: QPushButton() for fmt in EXPORTS}
        # The statistics exchange (issue 22): submit a quarter to a receiving body, and, at
        # the receiving body, the submissions combined into national tables.
        self.submit_button, self.combined_button = QPushButton(), QPushButton()
        self.submit_button.clicked.connect(lambda: self.open_submit_dialog())
        self.combined_button.clicked.connect(lambda: self.open_combined_dialog())
        for fmt, button in self.export_buttons.items():
            button.clicked.connect(lambda _checked=False, f=fmt: self._export(f))
        # The coordinator's view holds exact counts: say so where nobody can miss it.
        self.internal_label = QLabel()
        self.internal_label.setObjectName("internalBanner")
        self.internal_label.setWordWrap(True)
        self.internal_label.hide()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setObjectName("pageIntro")
        self.model = StatisticsTableModel(self)
        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.verticalHeader().hide()
        keyboard_table(self.table_view)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                                ResizeToContents)
        self.bar_view, self.line_view = QChartView(), QChartView()
        for view in (self.bar_view, self.line_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(150)
        charts = QWidget()
        chart_layout = QVBoxLayout(charts)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.bar_view)
        chart_layout.addWidget(self.line_view)
        splitter = QSplitter()
        splitter.addWidget(charts)
        splitter.addWidget(self.table_view)
        splitter.setSizes([520, 520])
        # The controls wrap onto a second line on a small screen (1366×768, 1280×720 at
        # 125 %) instead of widening the window past it.
        controls = FlowLayout(spacing=8)
        for widget in (self.from_label, self.from_edit, self.to_label, self.to_edit,
                       self.show_button, self.table_label, self.table_choice,
                       *self.export_buttons.values(), self.submit_button,
                       self.combined_button):
            controls.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.title_label)
        layout.addLayout(controls)
        layout.addWidget(self.internal_label)
        layout.addWidget(self.note_label)
        layout.addWidget(splitter, 1)
        self.retranslate_ui()

    # --- the period and the computation --------------------------------------------------
    def period(self) -> Period:
        first, last = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        return Period(first, last + timedelta(days=1))  # the page shows the last day itself

    def refresh(self) -> None:
        """Compute and protect every table in the background, for the chosen period."""
        try:
            period = self.period()
        except Exception as error:  # noqa: BLE001 - InvalidPeriod and alike, shown plainly
            self.status.emit(describe_error(error))
            return
        session, tr = self.session, translator_for(active_language())
        # Coordinators see their vault's exact counts (marked internal); everyone else, the
        # published numbers. Files are always made by the export functions: protected.
        run_in_background(lambda: statistics.build_internal(session, period, tr), self._computed,
                          self._failed, busy=self.busy, owner=self)

    def _computed(self, built: StatisticsReport) -> None:
        self.report = built
        current = self.table_choice.currentData()
        self.table_choice.blockSignals(True)
        self.table_choice.clear()
        for table in [built.new_cases, *built.tables, built.referrals]:
            self.table_choice.addItem(_(table.title), table.key)
        index = self.table_choice.findData(current)
        self.table_choice.setCurrentIndex(max(index, 0))
        self.table_choice.blockSignals(False)
        self.internal_label.setVisible(built.exact)
        self.internal_label.setText(_(INTERNAL_NOTE))
        self._show_table()

    def _failed(self, error: BaseException) -> None:
        self.status.emit(describe_error(error))

    def current_table(self) -> PublishedTable | None:
        key = self.table_choice.currentData()
        return self.report.table(key) if self.report is not None and key else None

    # --- the table and its charts ---------------------------------------------------------
    def _show_table(self) -> None:
        table = self.current_table()
        if self.report is None or table is None:
            return
        years = {m[:4] for m in self.report.months}
        months = [format_date(date(int(m[:4]), int(m[5:7]), 1), self.report.language,
                              fmt="LLL" if len(years) == 1 else "LLL yy")
                  for m in self.report.months]
        series = table.key in ("new_cases", "referrals")
        self.model.series = series
        self.bar_view.setVisible(not series)
        if series:
            self.model.show(table, self.report.k, months)
            self.bar_view.setChart(QChart())
            self.line_view.setChart(self._line_chart(table, months, series_table=True))
        else:
            self.model.show(table, self.report.k, months)
            self.bar_view.setChart(self._bar_chart(table))
            self.line_view.setChart(self._line_chart(table, months) if table.monthly
                                    else QChart())
        notes = [_(n) for n in table.notes]
        method = [_(INTERNAL_EXPLAINED)] if self.report.exact else [
            _(PERTURBATION_NOTE), _(SUPPRESSION_NOTE).format(k=self.report.k)]
        self.note_label.setText(" ".join([*method, *notes]))

    def _bar_chart(self, table: PublishedTable) -> QChart:
        """Period totals as horizontal bars; a suppressed total gets no bar."""
        return bar_chart(table)

    def _line_chart(self, table: PublishedTable, months: list[str], *,
                    series_table: bool = False) -> QChart:
        """Monthly trends (the largest categories); a suppressed month breaks no rule: skipped."""
        chart = QChart()
        chart.setTitle(_(table.title) if series_table else "")
        if table.withheld:
            return chart
        rows = [(table.title, [table.entry(i, 0) for i in range(len(table.row_codes))])] \
            if series_table else [
                (table.row_labels[i], [table.entry(i, j) for j in range(len(table.months))])
                for i in sorted(range(len(table.row_codes)),
                                key=lambda r: -table.row_total(r)[0])[:5]]
        axis_x = QBarCategoryAxis()
        axis_x.append(months)
        axis_x.setLabelsAngle(-90)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_y.setTickAnchor(0)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        top = 1
        for n, (name, points) in enumerate(rows):
            colour = QColor(PALETTE[n % len(PALETTE)])
            # A suppressed month is not zero: the line breaks there (one series per run).
            runs: list[list[tuple[int, int]]] = [[]]
            for j, (value, mark) in enumerate(points):
                if mark is Mark.SHOWN:
                    runs[-1].append((j, value))
                    top = max(top, value)
                elif runs[-1]:
                    runs.append([])
            first: QLineSeries | None = None
            for run in (r for r in runs if r):
                line = QLineSeries()
                line.setPointsVisible(True)
                line.setPen(QPen(colour, 2))
                for j, value in run:
                    line.append(j, value)
                chart.addSeries(line)
                line.attachAxis(axis_x)
                line.attachAxis(axis_y)
                if first is None:
                    first = line
                    line.setName(_(name) if series_table else name)
                else:
                    for marker in chart.legend().markers(line):
                        marker.setVisible(False)
        step = max(1, nice_step(top))
        axis_y.setTickInterval(step)
        axis_y.setRange(0, step * math.ceil(top / step))
        chart.legend().setVisible(not series_table)
        return chart

    def bar_chart_series(self) -> QBarSeries | QHorizontalBarSeries | None:
        series = self.bar_view.chart().series() if self.bar_view.chart() else []
        return series[0] if series else None

    # --- exports --------------------------------------------------------------------------
    def _export(self, fmt: str) -> None:
        suffix = "pdf" if fmt == "pdf" else "csv"
        path, _filter = QFileDialog.getSaveFileName(self, _(EXPORTS[fmt]).rstrip("…"),
                                                    f"statistics.{suffix}", f"*.{suffix}")
        if path:
            self.export_to(fmt, Path(path))

    def export_to(self, fmt: str, path: Path) -> None:
        try:
            period = self.period()
        except Exception as error:  # noqa: BLE001
            self.status.emit(describe_error(error))
            return
        session, tr = self.session, translator_for(active_language())
        excel = fmt == "csv_excel"  # semicolons and decimal commas, as Excel in az and ru
        file_format = "csv" if excel else fmt
        run_in_background(lambda: export(session, period, file_format, path, tr, excel=excel),
                          lambda done: self.status.emit(_("Written: {path} (threshold k = {k}).")
                                                        .format(path=done.path, k=done.k)),
                          self._failed, busy=self.busy, owner=self)

    # --- the statistics exchange ------------------------------------------------------------
    def open_submit_dialog(self) -> QDialog:
        from shelterdesk.ui.statistics.submit_dialog import SubmitQuarterDialog

        dialog = SubmitQuarterDialog(self.session, self)
        dialog.open()
        return dialog

    def open_combined_dialog(self) -> QDialog:
        from shelterdesk.ui.statistics.combined_dialog import CombinedStatisticsDialog

        dialog = CombinedStatisticsDialog(self.session, self)
        dialog.open()
        return dialog

    # --- language and locking -------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.title_label.setText(_("Statistics"))
        self.from_label.setText(_("From"))
        self.to_label.setText(_("To (last day)"))
        self.show_button.setText(_("Show"))
        self.table_label.setText(_("Table"))
        self.from_edit.setAccessibleName(_("From"))
        self.to_edit.setAccessibleName(_("To (last day)"))
        self.table_choice.setAccessibleName(_("Table shown"))
        self.table_view.setAccessibleName(_("Figures of the chosen table"))
        self.bar_view.setAccessibleName(_("Bar chart of the chosen table"))
        self.line_view.setAccessibleName(_("Line chart by month"))
        for fmt, button in self.export_buttons.items():
            button.setText(_(EXPORTS[fmt]))
        self.submit_button.setText(_("Submit quarter…"))
        self.submit_button.setToolTip(_("Send this organisation's protected statistics of a "
                                        "quarter to the Ministry or the coalition's "
                                        "secretariat, sealed to its key."))
        self.combined_button.setText(_("Combined statistics…"))
        self.combined_button.setToolTip(_("For a receiving body: import the organisations' "
                                          "submissions and see the national tables."))
        if self.report is not None:
            self.refresh()  # labels are baked into a built report: build it again

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)
        if self.report is None:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def drop_data(self) -> None:
        self.report = None
        self.model.show(None, 5, [])
        self.bar_view.setChart(QChart())
        self.line_view.setChart(QChart())
