"""Date fields the same everywhere: typed or picked, day.month.year with four-digit years.

A worker types dates far more often than she clicks through a calendar (a date of
birth from a passport is thirty years back), so every date field is a line edit that
reads ``15.03.1995``, ``15031995`` or ``1995-03-15`` in every language, with the
calendar one key away (F4 or Alt+Down) and opening where the date is likely to be.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from shelterdesk.i18n import _

DISPLAY_FORMAT = "dd.MM.yyyy"  # how dates are written by hand in Azerbaijan and Russia
EARLIEST = date(1900, 1, 1)

_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{4})\s*$")
_YEAR_FIRST = re.compile(r"^\s*(\d{4})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def locale_date_format() -> str:
    """The language's short date format, with four-digit years (birth years stay readable)."""
    fmt = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


def parse_typed_date(text: str) -> date | None:
    """The date a person typed (day first, ISO, or eight digits), or None if it is none.

    Two-digit years are refused on purpose: "15.03.95" could be 1995 or 2095, and a
    wrong century in a date of birth makes a child of an adult.
    """
    for pattern, order in ((_DAY_FIRST, "dmy"), (_YEAR_FIRST, "ymd"), (_COMPACT, "dmy")):
        match = pattern.match(text)
        if match is None:
            continue
        parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            return None
    return None


class DateInput(QWidget):
    """A typed date with a calendar button; optional ones may stay empty ("no date").

    Speaks enough of ``QDateEdit`` (``date``, ``setDate``, ``dateChanged``, minimum and
    maximum) for the dialogs that used one; an empty optional field has a null ``date()``.
    """

    dateChanged = Signal(QDate)  # noqa: N815 - QDateEdit's name

    def __init__(self, *, optional: bool = False, minimum: date = EARLIEST,
                 maximum: date | None = None, years_back: int = 0,
                 parent: QWidget | None = None) -> None:
        """``years_back``: an empty field's calendar opens that many years before today."""
        super().__init__(parent)
        self._optional = optional
        self._minimum, self._maximum = minimum, maximum
        self._years_back = years_back
        self._date: date | None = None
        self._placeholder = ""
        self._named_by_label = False
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("dateInput")
        # Kept here too: reading an unset Qt property returns None, and PySide 6.12
        # decrements None's reference count on each such read (it aborts, in time).
        self._invalid = False
        self.line_edit.setProperty("invalid", False)
        width = self.line_edit.fontMetrics().horizontalAdvance("00.00.00000") + 24
        self.line_edit.setMinimumWidth(width)
        self.line_edit.setMaximumWidth(width + 80)
        # Not a Tab stop: F4 (this action's shortcut, in the field) or Alt+Down opens it.
        self.calendar_action = QAction("▾", self)
        self.calendar_action.setShortcut(QKeySequence(Qt.Key.Key_F4))
        self.calendar_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.calendar_action.triggered.connect(lambda _checked=False: self.show_calendar())
        self.addAction(self.calendar_action)
        self.calendar_button = QToolButton()
        self.calendar_button.setDefaultAction(self.calendar_action)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A window of its own (no parent), so that it stays out of the form's Tab chain.
        self.calendar = QCalendarWidget()
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.destroyed.connect(self.calendar.deleteLater)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self._apply_range()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.calendar_button)
        self.setFocusProxy(self.line_edit)
        self.line_edit.installEventFilter(self)
        self.line_edit.textEdited.connect(self._typed)
        self.line_edit.editingFinished.connect(self._finished)
        self._date = None if optional else self._clamp(date.today())
        self.retranslate()

    # --- QDateEdit's vocabulary ---------------------------------------------------------
    def date(self) -> QDate:
        return to_qdate(self._date) if self._date else QDate()

    def setDate(self, value: QDate | date | None) -> None:  # noqa: N802 - QDateEdit's name
        if isinstance(value, QDate):
            value = from_qdate(value) if value.isValid() else None
        self.set_value(value)

    def setMinimumDate(self, value: QDate) -> None:  # noqa: N802
        self._minimum = from_qdate(value)
        self._apply_range()

    def setMaximumDate(self, value: QDate) -> None:  # noqa: N802
        self._maximum = from_qdate(value)
        self._apply_range()

    def minimumDate(self) -> QDate:  # noqa: N802
        return to_qdate(self._minimum)

    def maximumDate(self) -> QDate:  # noqa: N802
        return to_qdate(self._maximum) if self._maximum else QDate(9999, 12, 31)

    def calendarWidget(self) -> QCalendarWidget:  # noqa: N802
        return self.calendar

    def calendarPopup(self) -> bool:  # noqa: N802
        return True

    def displayFormat(self) -> str:  # noqa: N802
        return locale_date_format()

    def text(self) -> str:
        return self.line_edit.text() or self._placeholder

    def setSpecialValueText(self, text: str) -> None:  # noqa: N802
        self._placeholder = text
        self.line_edit.setPlaceholderText(text)

    # --- our own ------------------------------------------------------------------------
    def value(self) -> date | None:
        return self._date

    def set_value(self, value: date | None) -> None:
        """Show ``value`` (kept within the range); None empties an optional field."""
        if value is None and not self._optional:
            value = date.today()
        new = self._clamp(value) if value is not None else None
        self.line_edit.setText(self._format(new))
        self._set_invalid(False)
        self._commit(new)

    def is_acceptable(self) -> bool:
        """False while the text is not a date in range (it is then not taken)."""
        return not self._invalid

    def retranslate(self) -> None:
        self.setSpecialValueText(_("no date") if self._optional else "")
        hint = _("Type a date such as 15.03.1995, or press F4 for the calendar")
        self.line_edit.setToolTip(hint)
        self.calendar_action.setToolTip(_("Open the calendar (F4)"))
        self.calendar_button.setAccessibleName(_("Open the calendar (F4)"))
        QTimer.singleShot(0, self, self._name_from_label)  # the label retranslates too
        self.calendar.setLocale(QLocale())
        if self.is_acceptable():
            self.line_edit.setText(self._format(self._date))

    def show_calendar(self) -> None:
        """The calendar below the field, on the date, or where an empty date is likely."""
        if self._date is not None:
            self.calendar.setSelectedDate(to_qdate(self._date))
        else:
            today = date.today()
            start = self._clamp(today.replace(year=today.year - self._years_back)
                                if self._years_back else today)
            self.calendar.setCurrentPage(start.year, start.month)
        self.calendar.adjustSize()
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._name_from_label()
        super().showEvent(event)

    def _name_from_label(self) -> None:
        """The label beside the field names the part that takes focus (a screen reader
        reads the typed box, not the frame around it), wherever the field was laid out."""
        if self.line_edit.accessibleName() and not self._named_by_label:
            return  # named on purpose (accessible_names.name_field)
        for label in self.window().findChildren(QLabel):
            if label.buddy() in (self, self.line_edit):
                text = label.text().replace("&", "").rstrip(" :")
                if text:
                    label.setBuddy(self.line_edit)
                    self.line_edit.setAccessibleName(text)
                    self._named_by_label = True
                return

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # Every date field follows the language on its own (format and "no date").
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line_edit and event.type() == QEvent.Type.FocusOut:
            self._finished()
        if watched is self.line_edit and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            alt_down = (key_event.key() == Qt.Key.Key_Down
                        and key_event.modifiers() & Qt.KeyboardModifier.AltModifier)
            if key_event.key() == Qt.Key.Key_F4 or alt_down:
                self.show_calendar()
                return True
        return super().eventFilter(watched, event)

    # --- inside ---------------------------------------------------------------------------
    def _format(self, value: date | None) -> str:
        return to_qdate(value).toString(locale_date_format()) if value else ""

    def _clamp(self, value: date) -> date:
        value = max(value, self._minimum)
        return min(value, self._maximum) if self._maximum else value

    def _apply_range(self) -> None:
        self.calendar.setMinimumDate(to_qdate(self._minimum))
        if self._maximum:
            self.calendar.setMaximumDate(to_qdate(self._maximum))
        if self._date is not None and self._clamp(self._date) != self._date:
            self.set_value(self._date)

    def _in_range(self, value: date) -> bool:
        return self._clamp(value) == value

    def _typed(self, text: str) -> None:
        if not text.strip():
            self._set_invalid(not self._optional)
            if self._optional:
                self._commit(None)
            return
        typed = parse_typed_date(text)
        if typed is None or not self._in_range(typed):
            self._set_invalid(True)
            return
        self._set_invalid(False)
        self._commit(typed)

    def _finished(self) -> None:
        # Leaving the field shows what was taken: a half-typed or impossible date goes
        # back to the last good one, in the language's format, so nothing is guessed.
        self.line_edit.setText(self._format(self._date))
        self._set_invalid(False)

    def _picked(self, picked: QDate) -> None:
        self.calendar.hide()
        self.set_value(from_qdate(picked))
        self.line_edit.setFocus()

    def _set_invalid(self, invalid: bool) -> None:
        if self._invalid == invalid:
            return
        self._invalid = invalid
        self.line_edit.setProperty("invalid", invalid)
        self.line_edit.style().unpolish(self.line_edit)
        self.line_edit.style().polish(self.line_edit)

    def _commit(self, value: date | None) -> None:
        if value == self._date:
            return
        self._date = value
        self.dateChanged.emit(self.date())


def date_edit(initial: date | None = None, *, allow_future: bool = False,
              parent: QWidget | None = None) -> DateInput:
    """A required date starting at ``initial`` (today); no future unless allowed."""
    edit = DateInput(maximum=None if allow_future else date.today(), parent=parent)
    edit.set_value(initial or date.today())
    return edit
