"""The case list as a table model: pages fetched lazily in the background, sorted by the store.

The first page (and the count) arrive together; further pages are fetched when
the view scrolls near the end (``canFetchMore``/``fetchMore``). A newer filter
or sort supersedes any page still on its way, so typing never shows stale rows.
In privacy mode the client column shows initials; a name revealed on request
(audited first) shows for 30 seconds.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from shelterdesk.domain.codes_case import (
    CASE_STATUS,
    EXPLOITATION_TYPES,
    RECRUITMENT_CHANNELS,
    RISK_LEVELS,
)
from shelterdesk.i18n import N_, _, format_date, format_list
from shelterdesk.store.records import case_list
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.records.clients import CaseRow
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.list_table_model import full_text_tooltip
from shelterdesk.ui.common.privacy import REVEAL_MS, initials
from shelterdesk.ui.common.resources import icon

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
HIGH_RISK = QColor("#a12a2a")


class CaseListModel(QAbstractTableModel):
    """``page_loaded`` after each page (rows now held), ``load_failed`` with a message."""

    class Columns(IntEnum):
        CODE = 0
        CLIENT = 1
        STATUS = 2
        RISK = 3
        EXPLOITATION = 4
        CHANNEL = 5
        INTAKE = 6
        ACTIVITY = 7
        STAY = 8

    HEADERS = {
        Columns.CODE: N_("Case code"),
        Columns.CLIENT: N_("Client"),
        Columns.STATUS: N_("Status"),
        Columns.RISK: N_("Risk"),
        Columns.EXPLOITATION: N_("Exploitation"),
        Columns.CHANNEL: N_("Recruited through"),
        Columns.INTAKE: N_("Intake"),
        Columns.ACTIVITY: N_("Last activity"),
        Columns.STAY: N_("Shelter"),
    }
    SORT_KEYS = {
        Columns.CODE: "case_code", Columns.CLIENT: "name", Columns.STATUS: "status",
        Columns.RISK: "risk", Columns.INTAKE: "intake_date", Columns.ACTIVITY: "last_activity",
    }

    page_loaded = Signal(int)
    total_changed = Signal(int)
    load_failed = Signal(object)  # BaseException
    revealed = Signal(str)  # case id

    def __init__(self, session: Session, *, privacy_mode: bool = True,
                 busy: BusyIndicator | None = None, page_size: int = PAGE_SIZE,
                 reveal_ms: int = REVEAL_MS, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy
        self.page_size = page_size
        self.reveal_ms = reveal_ms
        self.privacy_mode = privacy_mode
        self.filter = CaseFilter()
        self.sort_key: str | None = None  # None: relevance when searching, else last activity
        self.descending = True
        self.total = 0
        self._rows: list[CaseRow] = []
        self._generation = 0
        self._loading = False
        self._active = False
        self._exhausted = True
        self._revealed: dict[str, QTimer] = {}

    # --- loading -------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def set_sort(self, key: str | None, descending: bool = True) -> None:
        if (key, descending) == (self.sort_key or "last_activity", self.descending) \
                and self.sort_key is not None:
            return
        self.sort_key, self.descending = key, descending
        if self._active:  # before the first load, only remember it
            self.reload()

    def reload(self) -> None:
        """Fetch the first page for the current filter and sort; rows stay until it arrives.

        The count follows as a second step, so the rows show as soon as they are read.
        """
        self._active = True
        self._generation += 1
        generation, session = self._generation, self.session
        flt, sort, descending, size = self.filter, self.sort_key, self.descending, self.page_size
        self._loading = True
        run_in_background(
            lambda: case_list.list_cases(session, flt, sort=sort, descending=descending,
                                         offset=0, limit=size),
            lambda rows: self._on_first_page(generation, rows),
            lambda error: self._on_failed(generation, error), busy=self.busy, owner=self)

    def _on_first_page(self, generation: int, rows: list[CaseRow]) -> None:
        if generation != self._generation:
            return
        # Still "loading" while the views hear of the change, so a fetchMore they make
        # from inside it is refused rather than started at a moving offset.
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = len(rows) < self.page_size
        self.endResetModel()
        self._loading = False
        if self._exhausted:
            self._set_total(generation, len(rows))
        else:
            session, flt = self.session, self.filter
            run_in_background(lambda: case_list.count_cases(session, flt),
                              lambda total: self._set_total(generation, total),
                              lambda error: self._on_failed(generation, error), owner=self)
        self.page_loaded.emit(len(self._rows))

    def _set_total(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self.total_changed.emit(total)

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.load_failed.emit(error)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, session, offset = self._generation, self.session, len(self._rows)
        flt, sort, descending, size = self.filter, self.sort_key, self.descending, self.page_size
        run_in_background(
            lambda: case_list.list_cases(session, flt, sort=sort, descending=descending,
                                         offset=offset, limit=size),
            lambda rows: self._on_more(generation, offset, rows),
            lambda error: self._on_failed(generation, error), busy=self.busy, owner=self)

    def _on_more(self, generation: int, offset: int, rows: list[CaseRow]) -> None:
        if generation != self._generation:
            return
        if offset == len(self._rows):
            self._exhausted = len(rows) < self.page_size
            if rows:
                self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
                self._rows.extend(rows)
                self.endInsertRows()
        self._loading = False
        self.page_loaded.emit(len(self._rows))

    def clear(self) -> None:
        """Forget every row (the window is locking)."""
        self._generation += 1
        self._loading = False
        self._exhausted = True
        for timer in self._revealed.values():
            timer.stop()
        self._revealed.clear()
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    # --- rows ----------------------------------------------------------------------------
    def row_at(self, row: int) -> CaseRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, case_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.case_id == case_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    def name_shown(self, case_id: str) -> bool:
        return not self.privacy_mode or case_id in self._revealed

    def client_text(self, row: CaseRow) -> str:
        if self.name_shown(row.case_id):
            return " ".join(p for p in (row.given_name, row.family_name) if p)
        return initials(row.given_name, row.family_name)

    def _display(self, row: CaseRow, column: Columns) -> str:
        if column == self.Columns.CODE:
            return row.case_code
        if column == self.Columns.CLIENT:
            return self.client_text(row)
        if column == self.Columns.STATUS:
            return CASE_STATUS.label(row.status)
        if column == self.Columns.RISK:
            return RISK_LEVELS.label(row.risk_level)
        if column == self.Columns.EXPLOITATION:
            return format_list([EXPLOITATION_TYPES.label(c) for c in row.exploitation_types])
        if column == self.Columns.CHANNEL:
            return RECRUITMENT_CHANNELS.label(row.recruitment_channel) \
                if row.recruitment_channel else ""
        if column == self.Columns.INTAKE:
            return format_date(_day(row.intake_date), fmt="short")
        if column == self.Columns.ACTIVITY:
            return format_date(_day(row.last_activity_at), fmt="short")
        return ""  # STAY: an icon, see data()

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self.Columns):
            return None
        row = self._rows[index.row()]
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == CASE_ID_ROLE:
            return row.case_id
        if column == self.Columns.STAY and row.has_open_stay:
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("shelter")
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return _("In a shelter now")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.CLIENT \
                and not self.name_shown(row.case_id):
            return _("Name hidden (privacy mode). Use “Show name” to see it for 30 seconds.")
        if column == self.Columns.RISK and row.risk_level == "high":
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(HIGH_RISK)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.Columns):
            return None
        column = self.Columns(section)
        if column == self.Columns.STAY:
            # A narrow column: the shelter icon says it; the name is in the tooltip.
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("shelter")
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return _("In a shelter now")
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[column])
        if role == Qt.ItemDataRole.ToolTipRole and column in self.SORT_KEYS:
            return _("Click to sort by this column")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: columns the store can sort by reload in that order; others do not."""
        try:
            key = self.SORT_KEYS.get(self.Columns(column))
        except ValueError:
            return
        if key is not None:
            self.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.Columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.Columns) - 1))

    # --- privacy -------------------------------------------------------------------------
    def set_privacy_mode(self, on: bool) -> None:
        if on != self.privacy_mode:
            self.privacy_mode = on
            self._client_column_changed()

    def reveal(self, case_id: str) -> None:
        """Audit the view first; only then show the name, for ``reveal_ms``."""
        if self.name_shown(case_id):
            return
        session = self.session
        run_in_background(lambda: session.audit("client.reveal", "case", case_id),
                          lambda _result: self._show_name(case_id),
                          lambda error: self.load_failed.emit(error), owner=self)

    def _show_name(self, case_id: str) -> None:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.hide_name(case_id))
        timer.start(self.reveal_ms)
        self._revealed[case_id] = timer
        self._client_column_changed(case_id)
        self.revealed.emit(case_id)

    def hide_name(self, case_id: str) -> None:
        timer = self._revealed.pop(case_id, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()
            self._client_column_changed(case_id)

    def _client_column_changed(self, case_id: str = "") -> None:
        rows = [self.row_of(case_id)] if case_id else range(len(self._rows))
        for row in rows:
            if row >= 0:
                index = self.index(row, self.Columns.CLIENT)
                self.dataChanged.emit(index, index)


def _day(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None
