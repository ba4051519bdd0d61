"""Dates typed on the keyboard in every date field and language, the calendar one key away
(F4, Alt+Down) and opening where the date is likely, four-digit years everywhere."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from shelterdesk.i18n import format_date, format_datetime
from shelterdesk.store.statistics.aggregates import Period
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.fields import DateField
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from shelterdesk.ui.common.dates import DateInput, date_edit, parse_typed_date
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.statistics.statistics_page import StatisticsPage
from tests.cases_helpers import type_text

pytestmark = pytest.mark.gui

TYPED = ("15.03.1995", "15031995", "1995-03-15")
LANGUAGES = ("az", "ru", "en")


@pytest.fixture
def switcher():
    switcher = LanguageSwitcher(QApplication.instance())
    yield switcher
    switcher.apply("en")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_every_date_reads_back_in_each_typed_form(day: date) -> None:
    for text in (day.strftime("%d.%m.") + f"{day.year:04d}", f"{day:%d%m}{day.year:04d}",
                 f"{day.year:04d}-{day:%m-%d}", f"{day.day}/{day.month}/{day.year:04d}"):
        assert parse_typed_date(text) == day, text


@pytest.mark.parametrize("text", ["15.03.95", "31.02.2020", "15.3", "no date15.03.1995",
                                  "", "1995-13-01", "150395"])
def test_impossible_or_ambiguous_dates_are_refused(text: str) -> None:
    assert parse_typed_date(text) is None


def _type_into(qtbot, field: QWidget, text: str) -> QLineEdit:
    line = field.findChild(QLineEdit) if not isinstance(field, QLineEdit) else field
    assert line is not None
    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    line.selectAll()
    type_text(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    return line


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", TYPED)
def test_typed_dates_in_optional_and_required_fields(qtbot, switcher, language, text) -> None:
    switcher.apply(language)
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    optional, required = DateField(optional=True), DateField(not_after_today=True)
    dialog_edit = date_edit()
    for widget in (optional, required, dialog_edit, QLineEdit()):
        layout.addWidget(widget)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    shown = dialog_edit.displayFormat().replace("dd", "15").replace("MM", "03").replace(
        "yyyy", "1995")
    for widget in (optional, required, dialog_edit):
        line = _type_into(qtbot, widget, text)
        assert widget.value() == date(1995, 3, 15), (language, text, type(widget))
        qtbot.waitUntil(lambda line=line: not line.hasFocus())
        assert line.text() == shown  # written back in the language's own format
    assert "1995" in optional.date_edit.text() and "no date" not in optional.date_edit.text()


def test_every_date_field_of_the_intake_takes_typed_dates(qtbot, switcher,
                                                           admin_session: Session) -> None:
    dialog = IntakeDialog(CaseContext(admin_session))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    fields = {name: f for name, f in dialog.fields.items() if isinstance(f, DateField)}
    assert {"date_of_birth", "intake_date", "consent_expires"} <= set(fields)
    for language in LANGUAGES:
        switcher.apply(language)
        qtbot.wait(10)  # the dialog retranslates itself on LanguageChange
        for name, field in fields.items():
            dialog.go_to(dialog.step_of(name))
            field.setEnabled(True)
            for text in TYPED:
                field.set_value(date(2000, 1, 1))
                _type_into(qtbot, field, text)
                assert field.value() == date(1995, 3, 15), (language, name, text)
    switcher.apply("en")
    qtbot.wait(10)


def test_statistics_period_is_typed_in_the_same_format(qtbot, switcher,
                                                        admin_session: Session) -> None:
    switcher.apply("az")
    page = StatisticsPage(admin_session)
    qtbot.addWidget(page)
    assert isinstance(page.from_edit, DateInput)
    assert page.from_edit.displayFormat() == "dd.MM.yyyy"
    page.from_edit.set_value(date(2026, 1, 1))
    assert page.from_edit.line_edit.text() == "01.01.2026"
    page.to_edit.line_edit.clear()
    type_text(page.to_edit.line_edit, "31032026")  # not shown: keys go to the field itself
    assert page.to_edit.value() == date(2026, 3, 31)
    assert page.period() == Period(date(2026, 1, 1), date(2026, 4, 1))


def test_an_empty_optional_date_lets_tab_through_and_takes_what_is_typed(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    field, after = DateField(optional=True, parent=host), QLineEdit(host)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    field.setFocus()
    qtbot.waitUntil(lambda: field.date_edit.line_edit.hasFocus())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert after.hasFocus() and field.value() is None
    line = field.date_edit.line_edit
    line.setFocus()
    type_text(line, "15")
    assert line.text() == "15"  # not "no date15"
    type_text(line, ".03.1995")
    assert field.value() == date(1995, 3, 15)


def test_half_typed_dates_are_not_taken_and_go_back_on_leaving(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    field, after = DateField(not_after_today=True, parent=host), QLineEdit(host)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    field.set_value(date(2020, 5, 6))
    line = field.date_edit.line_edit
    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    line.selectAll()
    type_text(line, "31.02.2020")
    assert not field.date_edit.is_acceptable() and field.value() == date(2020, 5, 6)
    after.setFocus()
    qtbot.waitUntil(lambda: field.date_edit.is_acceptable())
    assert field.value() == date(2020, 5, 6) and "2020" in line.text()
    line.setFocus()
    line.selectAll()
    type_text(line, "01.01.2999")  # the future, in a field that refuses it
    assert field.value() == date(2020, 5, 6)


@pytest.mark.parametrize("key, modifier", [(Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier),
                                           (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)])
def test_f4_and_alt_down_open_the_calendar(qtbot, key, modifier) -> None:
    field = DateField(optional=True)
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClick(field.date_edit.line_edit, key, modifier)
    calendar = field.date_edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible())


def test_date_of_birth_calendar_opens_thirty_years_back(qtbot, admin_session: Session) -> None:
    dialog = IntakeDialog(CaseContext(admin_session))
    qtbot.addWidget(dialog)
    dialog.show()
    birth = dialog.fields["date_of_birth"]
    assert birth.value() is None
    birth.date_edit.show_calendar()
    calendar = birth.date_edit.calendarWidget()
    assert calendar.yearShown() == date.today().year - 30
    calendar.hide()
    due = DateField(optional=True)
    qtbot.addWidget(due)
    due.date_edit.show_calendar()
    assert due.date_edit.calendarWidget().yearShown() == date.today().year
    due.date_edit.calendarWidget().hide()


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_dates_have_four_digit_years(language) -> None:
    assert "2026" in format_date(date(2026, 3, 5), language, fmt="short")
    assert "2026" in format_datetime(datetime(2026, 3, 5, 14, 0), language, fmt="short")
    assert format_date(date(2026, 3, 5), "az", fmt="short") == "05.03.2026"
