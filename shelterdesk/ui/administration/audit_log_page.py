"""Administration → Audit log: filter by person, dates, action and case code; verify the chain
in words; export the filtered entries for an inspector (CSV or PDF)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.audit_actions import action_label
from shelterdesk.i18n import N_, _
from shelterdesk.reports import audit_export
from shelterdesk.store import audit_query
from shelterdesk.store.audit_query import AuditFilter, AuditRow
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.accessible_names import name_field
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.dates import date_edit, from_qdate
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import ListTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
SHOWN_ROWS = 2_000  # the screen shows the newest; an export carries every matching entry


class AuditTableModel(ListTableModel[AuditRow]):
    class Columns(IntEnum):
        SEQ = 0
        TIME = 1
        USER = 2
        ACTION = 3
        CASE = 4
        DETAIL = 5

    HEADERS = {Columns.SEQ: N_("Number"), Columns.TIME: N_("Time (UTC)"), Columns.USER: N_("User"),
               Columns.ACTION: N_("Action"), Columns.CASE: N_("Case code"),
               Columns.DETAIL: N_("Details")}

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.ACTION:
            return row.action  # the stable code, as in the CSV export and the command line
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {self.Columns.SEQ: str(row.seq),
                self.Columns.TIME: row.at.replace("T", " ")[:19],
                self.Columns.USER: row.username, self.Columns.ACTION: action_label(row.action),
                self.Columns.CASE: row.case_code, self.Columns.DETAIL: row.detail}[column]


class AuditLogPage(QWidget):
    status = Signal(str)

    def __init__(self, session: Session, busy: BusyIndicator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.person_combo = QComboBox()
        self.action_combo = QComboBox()
        self.code_edit = QLineEdit()
        self.dates_check = QCheckBox()
        self.since_edit = date_edit(date.today() - timedelta(days=30))
        self.until_edit = date_edit()
        self.labels = {k: QLabel() for k in ("person", "action", "code", "to")}
        self.labels["person"].setBuddy(self.person_combo)
        self.labels["action"].setBuddy(self.action_combo)
        self.labels["code"].setBuddy(self.code_edit)
        self.labels["to"].setBuddy(self.until_edit)
        self.search_button = QPushButton()
        self.verify_button = QPushButton()
        self.csv_button = QPushButton()
        self.pdf_button = QPushButton()
        self.count_label = QLabel()
        self.chain_label = QLabel()
        self.chain_label.setWordWrap(True)
        self.chain_label.setObjectName("chainResult")
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        # Wide enough for the usual entries, never wider than a small laptop's screen allows.
        for combo, length in ((self.person_combo, 12), (self.action_combo, 26)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(length)
        self.model = AuditTableModel(self)
        self.table = QTableView()
        keyboard_table(self.table)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line per entry; the full detail is in the export
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        filters = QGridLayout()
        filters.addWidget(self.labels["person"], 0, 0)
        filters.addWidget(self.person_combo, 0, 1)
        filters.addWidget(self.labels["action"], 0, 2)
        filters.addWidget(self.action_combo, 0, 3)
        filters.addWidget(self.labels["code"], 0, 4)
        filters.addWidget(self.code_edit, 0, 5)
        dates = QHBoxLayout()
        dates.addWidget(self.dates_check)
        dates.addWidget(self.since_edit)
        dates.addWidget(self.labels["to"])
        dates.addWidget(self.until_edit)
        dates.addSpacing(12)
        dates.addWidget(self.search_button)
        dates.addStretch(1)
        filters.addLayout(dates, 1, 0, 1, 6)
        filters.setColumnStretch(5, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        for button in (self.verify_button, self.csv_button, self.pdf_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.chain_label)
        self.chain_label.hide()
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        self.search_button.clicked.connect(self.load)
        self.code_edit.returnPressed.connect(self.load)
        self.verify_button.clicked.connect(self.verify)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.dates_check.toggled.connect(self._dates_toggled)
        self._dates_toggled(False)
        self._loaded = False
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setAccessibleName(_("Audit log"))
        self.labels["person"].setText(_("Person"))
        self.labels["action"].setText(_("Action"))
        self.labels["code"].setText(_("Case code"))
        self.labels["to"].setText(_("to"))
        self.dates_check.setText(_("Only from"))
        name_field(self.since_edit, _("Only from"))  # the check box beside it says so
        self.code_edit.setPlaceholderText(_("e.g. TU-25-7KQ2MX-4"))
        self.search_button.setText(_("Show"))
        self.verify_button.setText(_("Verify the chain"))
        self.csv_button.setText(_("Export CSV…"))
        self.pdf_button.setText(_("Export PDF…"))
        if self.person_combo.count():
            self.person_combo.setItemText(0, _("Everyone"))
            self.action_combo.setItemText(0, _("Every action"))
        self.model.retranslate()
        self._show_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self._fill_choices()
            self.load()

    def _dates_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on)
        self.until_edit.setEnabled(on)

    def _fill_choices(self) -> None:
        session = self.session

        def fill(result: tuple[list[str], list[str]]) -> None:
            people, actions = result
            self.person_combo.clear()
            self.person_combo.addItem(_("Everyone"), "")
            for name in people:
                self.person_combo.addItem(name, name)
            self.action_combo.clear()
            self.action_combo.addItem(_("Every action"), "")
            for family in sorted({a.split(".")[0] + "." for a in actions if "." in a}):
                self.action_combo.addItem(_("{thing}: everything").format(
                    thing=action_label(family[:-1])), family)
            for action in actions:
                self.action_combo.addItem(action_label(action), action)

        run_in_background(lambda: (audit_query.people(session), audit_query.actions(session)),
                          fill, self._show_error, busy=self.busy, owner=self)

    def current_filter(self) -> AuditFilter:
        dated = self.dates_check.isChecked()
        return AuditFilter(
            username=self.person_combo.currentData() or "",
            since=from_qdate(self.since_edit.date()) if dated else None,
            until=from_qdate(self.until_edit.date()) if dated else None,
            action=self.action_combo.currentData() or "",
            case_code=self.code_edit.text().strip())

    def load(self) -> None:
        session, where = self.session, self.current_filter()
        self.message_label.clear()

        def shown(rows: list[AuditRow]) -> None:
            self.model.set_rows(rows)
            self._show_count()

        run_in_background(lambda: audit_query.search(session, where, SHOWN_ROWS), shown,
                          self._show_error, busy=self.busy, owner=self)

    def _show_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(
            _("Newest {count} entries shown").format(count=count) if count >= SHOWN_ROWS
            else _("Entries shown: {count}").format(count=count))

    def verify(self) -> None:
        session = self.session

        def done(report) -> None:  # noqa: ANN001
            self.chain_label.setProperty("ok", "yes" if report.ok else "no")
            self.chain_label.setText(audit_query.describe(report))
            self.chain_label.show()
            self.status.emit(audit_query.describe(report))

        run_in_background(lambda: audit_query.verify_chain(session), done, self._show_error,
                          busy=self.busy, owner=self)

    def export(self, fmt: str, path: str | None = None) -> None:
        """Ask where (unless given), then write the filtered entries there."""
        if path is None:
            pattern = _("CSV files (*.csv)") if fmt == "csv" else _("PDF files (*.pdf)")
            path, _chosen = QFileDialog.getSaveFileName(
                self, _("Export the audit log"), f"audit-log.{fmt}", pattern)
        if not path:
            return
        session, where = self.session, self.current_filter()

        def write() -> int:
            return audit_export.export_to(session, where, fmt, Path(path))

        def done(count: int) -> None:
            self.status.emit(_("Audit log exported: {count} entries to {file}.").format(
                count=count, file=Path(path).name))

        run_in_background(write, done, self._show_error, busy=self.busy, owner=self)

    def _show_error(self, error: BaseException) -> None:
        self.message_label.setText(describe_error(error))

    def drop_data(self) -> None:
        self.model.clear()
        self.chain_label.clear()
