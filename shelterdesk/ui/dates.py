"""Date fields the same everywhere: a calendar pop-up, day.month.year, and no future by default."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

DISPLAY_FORMAT = "dd.MM.yyyy"  # how dates are written by hand in Azerbaijan and Russia


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(initial: date | None = None, *, allow_future: bool = False,
              parent: QWidget | None = None) -> QDateEdit:
    """A date field starting at ``initial`` (today); the future is refused unless allowed."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DISPLAY_FORMAT)
    edit.setMinimumDate(QDate(1900, 1, 1))
    if not allow_future:
        edit.setMaximumDate(to_qdate(date.today()))
    edit.setDate(to_qdate(initial or date.today()))
    return edit
