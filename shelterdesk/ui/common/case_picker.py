"""Choosing a client for an action: search as you type over the case list, privacy-aware."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelterdesk.domain.codes_case import CASE_STATUS
from shelterdesk.i18n import N_, _, format_date
from shelterdesk.store.records import case_labels, case_list
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import keyboard_table
from shelterdesk.ui.common.list_table_model import full_text_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE = 50
DEBOUNCE_MS = 250


@dataclass(frozen=True)
class CaseChoice:
    """A case as a picker shows it; ``person`` is the initials in privacy mode."""

    case_id: str
    case_code: str
    person: str
    status: str = ""
    intake_date: str = ""

    @property
    def label(self) -> str:
        return f"{self.case_code} · {self.person}" if self.person else self.case_code


def find_cases(session: Session, text: str, *, without_stay: bool) -> list[CaseChoice]:
    """One page of matching cases (runs off the GUI thread); names only if privacy is off."""
    flt = CaseFilter(search=text.strip(), open_stay=False if without_stay else None)
    rows = case_list.list_cases(session, flt, limit=PAGE)
    names = not case_labels.privacy_mode(session)
    return [CaseChoice(r.case_id, r.case_code,
                       " ".join(p for p in (r.given_name, r.family_name) if p) if names
                       else case_labels.initials(r.given_name, r.family_name),
                       r.status, r.intake_date) for r in rows]


class CaseChoiceModel(QAbstractTableModel):
    """The cases found for the search text."""

    class Columns(IntEnum):
        CASE = 0
        PERSON = 1
        STATUS = 2
        INTAKE = 3

    HEADERS = {Columns.CASE: N_("Case code"), Columns.PERSON: N_("Client"),
               Columns.STATUS: N_("Status"), Columns.INTAKE: N_("Intake date")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseChoice] = []

    def set_rows(self, rows: list[CaseChoice]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def choice_at(self, row: int) -> CaseChoice | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        choice = self._rows[index.row()]
        column = self.Columns(index.column())
        if column == self.Columns.CASE:
            return choice.case_code
        if column == self.Columns.PERSON:
            return choice.person
        if column == self.Columns.STATUS:
            return CASE_STATUS.label(choice.status) if choice.status else ""
        return format_date(date.fromisoformat(choice.intake_date)) if choice.intake_date else ""

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.Columns)):
            return _(self.HEADERS[self.Columns(section)])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.Columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.Columns) - 1))


class CasePicker(QWidget):
    """Type a case code or a name; pick one row. ``chosen`` carries a CaseChoice or None."""

    chosen = Signal(object)

    def __init__(self, session: Session, *, without_stay: bool = True,
                 busy: BusyIndicator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.without_stay = without_stay
        self.busy = busy
        self.searching = False
        self._request = 0
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.model = CaseChoiceModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        keyboard_table(self.table)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CaseChoiceModel.Columns.PERSON,
                                    QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(180)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint_label)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.chosen.emit(self.current()))
        self.retranslate_ui()
        self.search_now()

    def retranslate_ui(self) -> None:
        self.search_edit.setPlaceholderText(_("Search by case code or name"))
        self.search_edit.setAccessibleName(_("Search for a client"))
        self.table.setAccessibleName(_("Clients found"))
        self.model.retranslate()
        self._update_hint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def current(self) -> CaseChoice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.choice_at(rows[0].row()) if rows else None

    def search_now(self) -> None:
        self._debounce.stop()
        self._request += 1
        request, text = self._request, self.search_edit.text()
        session, without_stay = self.session, self.without_stay
        self.searching = True

        def found(rows: list[CaseChoice]) -> None:
            if request != self._request:
                return  # an older search answered late; a newer one is on its way
            self.searching = False
            self.model.set_rows(rows)
            if len(rows) == 1:
                self.table.selectRow(0)
            self.chosen.emit(self.current())
            self._update_hint()

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.searching = False
                self.hint_label.setText(describe_error(error))

        run_in_background(lambda: find_cases(session, text, without_stay=without_stay),
                          found, failed, busy=self.busy, owner=self)

    def _update_hint(self) -> None:
        count = self.model.rowCount()
        if self.searching:
            text = ""
        elif count == 0:
            text = (_("No client matches. Clients already staying in a shelter are not listed.")
                    if self.without_stay else _("No client matches."))
        elif count >= PAGE:
            text = _("Only the first {count} matches are shown; type more to narrow the "
                     "search.").format(count=PAGE)
        else:
            text = (_("Clients already staying in a shelter are not listed.")
                    if self.without_stay else "")
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))

    def drop_data(self) -> None:
        self.model.set_rows([])
