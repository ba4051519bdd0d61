"""Import clients… (coordinator): every row of a CSV or .xlsx and its problems, then all or none."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import SEX
from shelterdesk.i18n import N_, _, format_date, format_number, ngettext
from shelterdesk.store.records import importer
from shelterdesk.store.records.importer import ImportPreview, PreviewRow
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import full_text_tooltip
from shelterdesk.ui.common.screen_fit import fit_to_screen

AnyIndex = QModelIndex | QPersistentModelIndex
PROBLEM_COLOUR = QColor("#a12a2a")


class Columns(IntEnum):
    LINE = 0
    GIVEN_NAME = 1
    PATRONYMIC = 2
    FAMILY_NAME = 3
    SEX = 4
    BIRTH = 5
    INTAKE = 6
    PROBLEMS = 7


HEADERS = {Columns.LINE: N_("Line"), Columns.GIVEN_NAME: N_("Given name"),
           Columns.PATRONYMIC: N_("Father's name"), Columns.FAMILY_NAME: N_("Family name"),
           Columns.SEX: N_("Sex"), Columns.BIRTH: N_("Date of birth"),
           Columns.INTAKE: N_("Intake date"), Columns.PROBLEMS: N_("Problems")}


class ImportPreviewModel(QAbstractTableModel):
    """The rows of a previewed file; a row with problems lists them all in its last column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PreviewRow] = []

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self.rows = list(preview.rows) if preview is not None else []
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) \
                or not 0 <= index.column() < len(Columns):
            return None
        row = self.rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.PROBLEMS:
            return "\n".join(importer.describe(p) for p in row.problems) or None
        if role == Qt.ItemDataRole.ForegroundRole and row.problems:
            return QBrush(PROBLEM_COLOUR)
        if role == Qt.ItemDataRole.UserRole:
            return bool(row.problems)
        return None

    @staticmethod
    def _text(row: PreviewRow, column: Columns) -> str:
        client = row.client
        if column == Columns.LINE:
            return format_number(row.line)
        if column == Columns.GIVEN_NAME:
            return client.given_name
        if column == Columns.PATRONYMIC:
            return client.patronymic
        if column == Columns.FAMILY_NAME:
            return client.family_name
        if column == Columns.SEX:
            return SEX.label(client.sex) if client.sex else ""
        if column == Columns.BIRTH:
            return format_date(client.date_of_birth) if client.date_of_birth else ""
        if column == Columns.INTAKE:
            # A date that could not be read is left blank, not shown as today's.
            unread = any(p.column == "intake_date" for p in row.problems)
            return format_date(row.case.intake_date) if row.case.intake_date and not unread \
                else ""
        # The column and the message; the line is in the first column already.
        return "; ".join(f"{p.column}: {_(p.message).format(**p.params)}" for p in row.problems)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(Columns):
            return _(HEADERS[Columns(section)])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Columns) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                               len(Columns) - 1))


class ImportClientsDialog(QDialog):
    """Choose a file, see every row and problem, import all or none; ``imported`` the codes."""

    imported = Signal(list)
    previewed = Signal(object)  # the ImportPreview, or None when the file could not be read

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Closed is gone: nothing typed stays in memory or in the accessibility tree.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.path: Path | None = None
        self.preview: ImportPreview | None = None
        self.working = False
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.choose_button = QPushButton()
        self.file_label = QLabel()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.file_problems_label = QLabel()
        self.file_problems_label.setObjectName("errorMessage")
        self.file_problems_label.setWordWrap(True)
        self.file_problems_label.hide()
        self.only_problems_check = QCheckBox()
        self.model = ImportPreviewModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(Columns.LINE)
        self.table = QTableView()
        keyboard_table(self.table)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(Columns.PROBLEMS,
                                                            QHeaderView.ResizeMode.Stretch)
        self.message_label = QLabel()
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.busy = BusyIndicator()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton()
        self.import_button.setEnabled(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.only_problems_check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.file_problems_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        footer = QHBoxLayout()
        footer.addWidget(self.busy)
        footer.addStretch(1)
        footer.addWidget(self.buttons)
        layout.addLayout(footer)
        self.choose_button.clicked.connect(self.choose_file)
        self.only_problems_check.toggled.connect(self._filter)
        self.buttons.accepted.connect(self.import_all)
        self.buttons.rejected.connect(self.reject)
        fit_to_screen(self, 980, 560)  # smaller on a small screen
        self.retranslate_ui()

    # --- text ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import clients"))
        self.intro_label.setText(_(
            "A CSV file (UTF-8 or Windows-1251, commas or semicolons) or an Excel workbook "
            "(.xlsx), one client per row under a header row. Every row is checked first; "
            "the clients are imported all together, or none of them."))
        self.choose_button.setText(_("Choose a file…"))
        self.only_problems_check.setText(_("Only rows with problems"))
        self.import_button.setText(_("Import"))
        self.table.setAccessibleName(_("Rows of the file"))
        self.model.retranslate()
        self._describe()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _describe(self) -> None:
        self.file_label.setText(self.path.name if self.path else _("No file chosen yet."))
        preview = self.preview
        if preview is None:
            self.summary_label.clear()
            self.file_problems_label.hide()
            return
        rows, problems = len(preview.rows), len(preview.problems)
        counted = ngettext("{count} row", "{count} rows", rows).format(
            count=format_number(rows))
        if problems:
            self.summary_label.setText(ngettext(
                "{rows}, {count} problem: nothing will be imported until it is fixed in the "
                "file.", "{rows}, {count} problems: nothing will be imported until they are "
                "fixed in the file.", problems).format(rows=counted, count=format_number(
                    problems)))
        else:
            self.summary_label.setText(_("{rows}, no problem: ready to import.").format(
                rows=counted))
        lines = {r.line for r in preview.rows}
        loose = [importer.describe(p) for p in preview.problems if p.line not in lines]
        self.file_problems_label.setText("\n".join(loose))
        self.file_problems_label.setVisible(bool(loose))

    # --- work ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a file to import"), "",
            _("Spreadsheets (*.csv *.xlsx);;All files (*)"))
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read and check the file in the background; nothing is written."""
        self.path, self.preview = path, None
        self.model.set_preview(None)
        self.message_label.clear()
        self._set_working(True)
        session = self.session
        run_in_background(lambda: importer.preview_import(session, path), self._on_preview,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.model.set_preview(preview)
        header = self.table.horizontalHeader()
        for column in Columns:
            if column != Columns.PROBLEMS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Columns.PROBLEMS, QHeaderView.ResizeMode.Stretch)
        self._set_working(False)
        self._describe()
        self.previewed.emit(preview)

    def _on_failed(self, error: BaseException) -> None:
        self._set_working(False)
        self.message_label.setText(describe_error(error))
        self._describe()
        self.previewed.emit(None)

    def _set_working(self, working: bool) -> None:
        self.working = working
        self.choose_button.setEnabled(not working)
        self.import_button.setEnabled(not working and self.preview is not None
                                      and self.preview.importable)

    def _filter(self, only_problems: bool) -> None:
        self.proxy.setFilterFixedString("true" if only_problems else "")

    def import_all(self) -> None:
        if self.path is None or self.preview is None or not self.preview.importable \
                or self.working:
            return
        path, session = self.path, self.session
        self._set_working(True)
        self.import_button.setEnabled(False)
        run_in_background(lambda: importer.import_file(session, path), self._on_imported,
                          self._on_failed, busy=self.busy, owner=self)

    def _on_imported(self, codes: list[str]) -> None:
        self._set_working(False)
        self.imported.emit(codes)
        self.accept()
