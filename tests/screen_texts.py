"""Every piece of text a widget tree carries (shown, tooltips, accessible names, model data)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.AccessibleTextRole)


def all_texts(root: QWidget) -> list[str]:
    """Visible or not: what a person could see, hover over or hear from a screen reader."""
    texts: list[str] = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model, top = widget.model(), QModelIndex()
            try:
                columns = model.columnCount(top)
            except TypeError:  # list models (combo pop-ups) hide it: one column
                columns = 1
            for column in range(columns):
                texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
            for row in range(model.rowCount(top)):
                for column in range(columns):
                    index = model.index(row, column, top)
                    texts += [str(index.data(role) or "") for role in ROLES]
    return [t for t in texts if t]


def names_shown(root: QWidget, *names: str) -> list[str]:
    """The texts that carry any of these names (case-insensitive)."""
    wanted = [n.lower() for n in names]
    return [t for t in all_texts(root) if any(n in t.lower() for n in wanted)]
