"""Statistics → Combined statistics…: the receiving body's side. Import the organisations'
quarterly submissions (files or the relay mailbox), see who has submitted for which
quarter, and the national tables of a quarter: the submissions added up, small counts
suppressed (the CLI's `stats receive|collect|submissions|combined`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _, active_language, translator_for
from shelterdesk.reports.statistics import combined
from shelterdesk.reports.statistics.combined import CombinedReport
from shelterdesk.reports.statistics.csv_export import PERTURBATION_NOTE, SUPPRESSION_NOTE
from shelterdesk.store.exchange import submissions
from shelterdesk.store.exchange.submissions import Matrix
from shelterdesk.store.keys.keyslots import atomic_write
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.screen_fit import fit_to_screen
from shelterdesk.ui.statistics.charts import bar_chart
from shelterdesk.ui.statistics.table_model import StatisticsTableModel


def ask_open_submissions(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, _("Import statistics submissions"), "", _("Sealed statistics files (*.sdstats)"))
    return paths


def ask_save_file(parent: QWidget, suggested: str) -> str:
    suffix = Path(suggested).suffix
    path, _filter = QFileDialog.getSaveFileName(parent, _("Export the national tables"),
                                                suggested, f"*{suffix}")
    return path


def import_files(session: Session, paths: list[str]) -> list[str]:
    """Off the GUI thread: each file on its own (one refused does not stop the others)."""
    lines = []
    for name in paths:
        path = Path(name)
        try:
            result = submissions.receive(session, submissions.read_file(path), path.name)
        except UserFacingError as refusal:
            lines.append(refusal.user_message())
        else:
            lines.append(_("Statistics for {quarter} from “{name}” received.").format(
                quarter=result.status, name=result.org_name))
    return lines


class CombinedStatisticsDialog(QDialog):
    """The submissions matrix above; a quarter's national table and its chart below."""

    def __init__(self, session: Session, parent: QWidget | None = None, *,
                 ask_open: Callable[[QWidget], list[str]] = ask_open_submissions,
                 ask_save: Callable[[QWidget, str], str] = ask_save_file) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.ask_open, self.ask_save = session, ask_open, ask_save
        self.matrix: Matrix | None = None
        self.report: CombinedReport | None = None
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.import_button, self.collect_button = QPushButton(), QPushButton()
        self.export_button, self.pdf_button = QPushButton(), QPushButton()
        self.import_button.clicked.connect(lambda: self.import_submissions())
        self.collect_button.clicked.connect(lambda: self.collect())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.pdf_button.clicked.connect(lambda: self.export_csv("pdf"))
        self.busy = BusyIndicator()
        self.matrix_label = QLabel()
        self.matrix_model = QStandardItemModel(self)
        self.matrix_view = QTableView()
        self.matrix_view.setModel(self.matrix_model)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_view.verticalHeader().hide()
        self.matrix_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.matrix_view.setMinimumHeight(90)
        self.matrix_label.setBuddy(self.matrix_view)
        keyboard_table(self.matrix_view)
        self.quarter_label, self.table_label = QLabel(), QLabel()
        self.quarter_choice, self.table_choice = QComboBox(), QComboBox()
        self.quarter_label.setBuddy(self.quarter_choice)
        self.table_label.setBuddy(self.table_choice)
        self.table_choice.setMinimumContentsLength(20)
        self.table_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.quarter_choice.currentIndexChanged.connect(lambda _i: self.combine())
        self.table_choice.currentIndexChanged.connect(lambda _i: self._show_table())
        self.model = StatisticsTableModel(self)
        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.verticalHeader().hide()
        self.table_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        keyboard_table(self.table_view)
        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(140)
        splitter = QSplitter()
        splitter.addWidget(self.table_view)
        splitter.addWidget(self.chart_view)
        splitter.setSizes([420, 480])
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setObjectName("pageIntro")
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (self.import_button, self.collect_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.busy)
        choose = QHBoxLayout()
        for widget in (self.quarter_label, self.quarter_choice, self.table_label,
                       self.table_choice):
            choose.addWidget(widget)
        choose.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()  # the exports beside Close: the choices' row stays narrow
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.pdf_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(top)
        layout.addWidget(self.matrix_label)
        layout.addWidget(self.matrix_view, 1)
        layout.addLayout(choose)
        layout.addWidget(splitter, 2)
        layout.addWidget(self.note_label)
        layout.addWidget(self.message_label)
        layout.addLayout(bottom)
        self.retranslate_ui()
        fit_to_screen(self, 980, 660)
        self.reload()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Combined statistics"))
        self.intro_label.setText(_(
            "Quarterly statistics other organisations submitted to you, sealed to your "
            "organisation's key. Each count was perturbed by its sender; the national tables "
            "add them up and hide small sums, so no cell singles out a person."))
        self.import_button.setText(_("Import submissions…"))
        self.collect_button.setText(_("Collect from our relay mailbox"))
        self.export_button.setText(_("Export CSV…"))
        self.pdf_button.setText(_("Export PDF…"))
        self.matrix_label.setText(_("Submissions received"))
        self.quarter_label.setText(_("Quarter"))
        self.table_label.setText(_("Table"))
        self.matrix_view.setAccessibleName(_("Submissions received, by organisation and "
                                             "quarter"))
        self.quarter_choice.setAccessibleName(_("Quarter"))
        self.table_choice.setAccessibleName(_("Table shown"))
        self.table_view.setAccessibleName(_("National figures of the chosen table"))
        self.chart_view.setAccessibleName(_("Bar chart of the chosen table"))
        self._fill_matrix()
        if self.report is not None:
            self.combine()  # labels are baked into a built report: build it again

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- the matrix -----------------------------------------------------------------------
    def reload(self) -> None:
        session = self.session
        run_in_background(lambda: submissions.matrix(session), self._loaded, self._failed,
                          busy=self.busy, owner=self)

    def _loaded(self, found: Matrix) -> None:
        self.matrix = found
        self._fill_matrix()
        current = self.quarter_choice.currentData()
        self.quarter_choice.blockSignals(True)
        self.quarter_choice.clear()
        for quarter in reversed(found.quarters):
            self.quarter_choice.addItem(quarter, quarter)
        index = self.quarter_choice.findData(current)
        self.quarter_choice.setCurrentIndex(max(index, 0))
        self.quarter_choice.blockSignals(False)
        self.export_button.setEnabled(bool(found.quarters))
        self.pdf_button.setEnabled(bool(found.quarters))
        self.combine()

    def _fill_matrix(self) -> None:
        self.matrix_model.clear()
        found = self.matrix
        if found is None:
            return
        self.matrix_model.setHorizontalHeaderLabels([_("Organisation"), *found.quarters])
        for org_id, name in found.organisations:
            cells = [QStandardItem(name)]
            for quarter in found.quarters:
                day = found.received.get((org_id, quarter), "")
                item = QStandardItem(_("Received {date}").format(date=day) if day
                                     else _("Not submitted"))
                cells.append(item)
            self.matrix_model.appendRow(cells)

    # --- the national tables --------------------------------------------------------------
    def combine(self) -> None:
        quarter = self.quarter_choice.currentData()
        if not quarter:
            self.report = None
            self.model.show(None, 5, [])
            self.chart_view.setChart(QChart())
            self.note_label.setText(_("No statistics submissions have been received."))
            return
        session, tr = self.session, translator_for(active_language())
        run_in_background(lambda: combined.combine(session, quarter, tr), self._combined,
                          self._failed, busy=self.busy, owner=self)

    def _combined(self, built: CombinedReport) -> None:
        self.report = built
        current = self.table_choice.currentData()
        self.table_choice.blockSignals(True)
        self.table_choice.clear()
        for table in built.tables:
            self.table_choice.addItem(_(table.title), table.key)
        self.table_choice.setCurrentIndex(max(self.table_choice.findData(current), 0))
        self.table_choice.blockSignals(False)
        self._show_table()

    def current_table(self):
        key = self.table_choice.currentData()
        return self.report.table(key) if self.report is not None and key else None

    def _show_table(self) -> None:
        table = self.current_table()
        if self.report is None or table is None:
            return
        self.model.show(table, self.report.k, [])
        self.chart_view.setChart(bar_chart(table))
        k = self.report.k
        notes = [_(combined.COMBINED_NOTE).format(k=k), _(PERTURBATION_NOTE),
                 _(SUPPRESSION_NOTE).format(k=k), *(_(n) for n in table.notes)]
        self.note_label.setText(" ".join(notes))

    # --- importing and exporting ----------------------------------------------------------
    def import_submissions(self, paths: list[str] | None = None) -> None:
        paths = paths if paths is not None else self.ask_open(self)
        if not paths:
            return
        session = self.session
        run_in_background(lambda: import_files(session, paths), self._imported, self._failed,
                          busy=self.busy, owner=self)

    def _imported(self, lines: list[str]) -> None:
        self.message_label.setText("\n".join(lines))
        self.reload()

    def collect(self) -> None:
        from shelterdesk.sync.referral_mailbox import collect

        session = self.session

        def work() -> list[str]:
            found = collect(session, "statistics")
            return [_("Statistics for {quarter} from “{name}” received.").format(
                quarter=r.status, name=r.org_name) for r in found.applied] + found.refused

        run_in_background(work, lambda lines: self._imported(lines or [_(
            "No statistics submissions are waiting in the mailbox.")]), self._failed,
            busy=self.busy, owner=self)

    def export_csv(self, fmt: str = "csv") -> None:
        """The national tables as CSV (or, with ``fmt`` "pdf", as a PDF report)."""
        report = self.report
        if report is None:
            return
        target = self.ask_save(self, f"national-statistics-{report.quarter}.{fmt}")
        if not target:
            return
        session, tr = self.session, translator_for(active_language())

        def work() -> str:
            if fmt == "pdf":
                from shelterdesk.reports.statistics.combined_pdf import render_combined_pdf

                data = render_combined_pdf(report, tr)
            else:
                data = combined.render_csv(report, tr)
            atomic_write(Path(target), data)
            session.audit("stats.combined.export", "statistics", "", quarter=report.quarter,
                          format=fmt)
            return target

        run_in_background(work, lambda path: self.message_label.setText(
            _("Written: {path} (threshold k = {k}).").format(path=path, k=report.k)),
            self._failed, busy=self.busy, owner=self)

    def _failed(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))
