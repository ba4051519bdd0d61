"""One published statistics table as a Qt model (the Statistics page, the national tables)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from shelterdesk.i18n import _, format_number
from shelterdesk.reports.statistics.csv_export import TOTAL
from shelterdesk.reports.statistics.disclosure import shown_as
from shelterdesk.reports.statistics.tables import PublishedTable
from shelterdesk.ui.common.list_table_model import full_text_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex


class StatisticsTableModel(QAbstractTableModel):
    """One published table: categories down, months (when published) and the total across.

    Columns are the period's months, so they cannot be a fixed ``Columns`` enum.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: PublishedTable | None = None
        self.series = False  # a table of months: its first column names the month
        self.k = 5
        self.month_labels: list[str] = []

    def show(self, table: PublishedTable | None, k: int, month_labels: list[str]) -> None:
        self.beginResetModel()
        self.table, self.k, self.month_labels = table, k, month_labels
        self.endResetModel()

    def _months(self) -> int:
        return len(self.table.months) if self.table is not None and self.table.monthly else 0

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None or self.table.withheld:
            return 0
        return len(self.table.row_codes) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + self._months() + 1

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None or self.table.withheld:
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        labels = self.table.row_labels
        if column == 0:
            return labels[row] if row < len(labels) else _(TOTAL)
        months = self._months()
        value, mark = self.table.entry(row, column - 1 if column <= months else len(
            self.table.months))
        return shown_as(value, mark, self.k, number=format_number)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return _("Month") if self.series else _("Category")
        if section <= self._months():
            return self.month_labels[section - 1]
        return _(TOTAL)
