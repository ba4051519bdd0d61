"""What is due: follow-up tasks and consents running out, as one list with a "Done" button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QWidget,
)

from shelterdesk.domain.codes_services import CONSENT_PURPOSES, FOLLOW_UP_KINDS
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.tasks import bucket_for
from shelterdesk.i18n import N_, _, format_date, ngettext
from shelterdesk.ui.common.list_table_model import full_text_tooltip
from shelterdesk.ui.common.resources import icon

AnyIndex = QModelIndex | QPersistentModelIndex
BUCKET_ICONS = {"overdue": "overdue", "today": "today", "week": "week", "later": "week"}


@dataclass(frozen=True)
class DueItem:
    """A task (``task_id``) or a consent running out (``consent``), with its case's label."""

    case_id: str
    case_label: str
    due_on: date
    kind: str  # a follow-up kind; consents are "consent_expiry"
    description: str = ""
    task_id: str = ""
    consent: Consent | None = None
    org_name: str = ""

    @property
    def is_task(self) -> bool:
        return bool(self.task_id)

    def bucket(self, today: date) -> str:
        return bucket_for(self.due_on, today)


def when_text(item: DueItem, today: date) -> str:
    days = (item.due_on - today).days
    if days < 0:
        if item.consent is not None:
            return ngettext("Ran out {count} day ago", "Ran out {count} days ago",
                            -days).format(count=-days)
        return ngettext("Overdue by {count} day", "Overdue by {count} days",
                        -days).format(count=-days)
    if days == 0:
        return _("Today")
    if days == 1:
        return _("Tomorrow")
    return ngettext("In {count} day", "In {count} days", days).format(count=days)


def details_text(item: DueItem) -> str:
    if item.consent is None:
        return item.description
    purpose = CONSENT_PURPOSES.label(item.consent.purpose)
    if item.org_name:
        return _("Consent: {purpose} ({organisation}). Renew it in the client's file.").format(
            purpose=purpose, organisation=item.org_name)
    return _("Consent: {purpose}. Renew it in the client's file.").format(purpose=purpose)


class FollowUpTableModel(QAbstractTableModel):
    """Soonest first; the last column holds the one-click "Done" of each task."""

    class Columns(IntEnum):
        WHEN = 0
        DUE = 1
        WHAT = 2
        CASE = 3
        DETAILS = 4
        DONE = 5

    HEADERS = {Columns.WHEN: N_("When"), Columns.DUE: N_("Due date"), Columns.WHAT: N_("What"),
               Columns.CASE: N_("Case"), Columns.DETAILS: N_("Details"), Columns.DONE: N_("Done")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DueItem] = []
        self.today = date.today()

    def set_rows(self, rows: list[DueItem], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.today = today or date.today()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def item_at(self, row: int) -> DueItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    @full_text_tooltip
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.DecorationRole and column == self.Columns.WHEN:
            return icon(BUCKET_ICONS[item.bucket(self.today)])
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.DONE:
            return (_("Mark this task as done") if item.is_task
                    else _("A consent is renewed in the client's file, not marked as done."))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == self.Columns.WHEN:
            return when_text(item, self.today)
        if column == self.Columns.DUE:
            return format_date(item.due_on, fmt="short" if role == Qt.ItemDataRole.DisplayRole
                               else "full")
        if column == self.Columns.WHAT:
            return FOLLOW_UP_KINDS.label(item.kind)
        if column == self.Columns.CASE:
            return item.case_label
        if column == self.Columns.DETAILS:
            return details_text(item)
        return _("Done") if item.is_task else ""

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


class DoneButtonDelegate(QStyledItemDelegate):
    """Paints a push button where the model shows text; a click emits ``clicked(row)``."""

    clicked = Signal(int)

    def _button(self, option: QStyleOptionViewItem, index: AnyIndex) -> QStyleOptionButton:
        button = QStyleOptionButton()
        button.rect = option.rect.adjusted(6, 4, -6, -4)
        button.text = str(index.data() or "")
        button.icon = icon("done")
        button.iconSize = QSize(16, 16)
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        if option.state & QStyle.StateFlag.State_MouseOver:
            button.state |= QStyle.StateFlag.State_MouseOver
        return button

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        if not index.data():
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, self._button(option, index),
                          painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 44, max(size.height(), 30))

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        if (event.type() == QEvent.Type.MouseButtonRelease and index.data()
                and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton
                and QRect(option.rect).contains(event.position().toPoint())):
            self.clicked.emit(index.row())
            return True
        return super().editorEvent(event, model, option, index)
