"""A table model over a plain list of rows: subclasses give Columns, HEADERS and data().

Every cell's full text is its tooltip unless the model gives one: table views elide long
text at the right (Qt's default), and the tooltip is where the rest can be read."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from functools import wraps
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from shelterdesk.i18n import _

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


DataMethod = Callable[[Any, AnyIndex, int], Any]


def full_text_tooltip(data: DataMethod) -> DataMethod:
    """Wrap a model's ``data()`` so that a cell without a tooltip of its own has its display
    text as tooltip (and a text cut short by the column's width can be read in full)."""

    @wraps(data)
    def with_tooltip(self: Any, index: AnyIndex,
                     role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = data(self, index, role)
        if role == Qt.ItemDataRole.ToolTipRole and value in (None, ""):
            text = data(self, index, Qt.ItemDataRole.DisplayRole)
            if isinstance(text, str) and text.strip():
                return text
        return value

    with_tooltip.full_text_tooltip = True  # type: ignore[attr-defined]
    return with_tooltip


class ListTableModel(QAbstractTableModel, Generic[Row]):
    """Rows replaced whole by ``set_rows``; headers marked with N_() and translated when shown."""

    Columns: ClassVar[type[IntEnum]]
    HEADERS: ClassVar[dict[Any, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        data = cls.__dict__.get("data")
        if data is not None and not getattr(data, "full_text_tooltip", False):
            cls.data = full_text_tooltip(data)  # type: ignore[method-assign]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

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
