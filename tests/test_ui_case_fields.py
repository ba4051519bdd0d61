"""Form fields: dates with a Monday-first calendar in the language's format, pickers with
translated labels, multi-select lists, and values that survive a draft."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelterdesk.domain.codes_case import EXPLOITATION_TYPES, RISK_LEVELS
from shelterdesk.ui.cases.fields import CodeChecklist, CodePicker, DateField, NumberField
from shelterdesk.ui.cases.territory_fields import country_checklist
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from tests.cases_helpers import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def switcher():
    switcher = LanguageSwitcher(QApplication.instance())
    yield switcher
    switcher.apply("en")


def test_dates_start_weeks_on_monday_in_the_languages_format(qtbot, switcher) -> None:
    switcher.apply("ru")
    field = DateField(optional=True)
    qtbot.addWidget(field)
    calendar = field.date_edit.calendarWidget()
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert field.date_edit.calendarPopup()
    assert field.date_edit.displayFormat() == "dd.MM.yyyy"  # Russian short format, full year
    assert field.value() is None and field.date_edit.text() == "без даты"
    field.set_value(date(2026, 3, 8))
    assert field.date_edit.text() == "08.03.2026"
    assert field.draft_value() == "2026-03-08"
    field.restore(None)
    assert field.value() is None
    switcher.apply("en")
    field.retranslate()
    assert field.date_edit.displayFormat() == "dd/MM/yyyy"  # en_GB, full year


def test_required_date_cannot_be_in_the_future(qtbot) -> None:
    field = DateField(not_after_today=True)
    qtbot.addWidget(field)
    assert field.value() == date.today()
    field.set_value(date(2999, 1, 1))
    assert field.value() == date.today()  # the edit keeps to its maximum


def test_pickers_show_translated_labels_and_keep_codes(qtbot, switcher) -> None:
    picker = CodePicker(RISK_LEVELS)
    checklist = CodeChecklist(EXPLOITATION_TYPES)
    for widget in (picker, checklist):
        qtbot.addWidget(widget)
    picker.set_value("high")
    checklist.set_value(["forced_labour", "sexual"])
    assert picker.currentText() == "High risk"
    switcher.apply("az")
    picker.retranslate()
    checklist.retranslate()
    assert picker.currentText() == "Yüksək risk" and picker.value() == "high"
    assert checklist.boxes["forced_labour"].text() == "Məcburi əmək"
    assert checklist.value() == ["sexual", "forced_labour"]  # vocabulary order


def test_country_checklist_filters_by_translated_name(qtbot, switcher) -> None:
    switcher.apply("az")
    countries = country_checklist()
    qtbot.addWidget(countries)
    countries.show()
    type_text(countries.filter_edit, "türk")
    shown = [countries.list_widget.item(r) for r in range(countries.list_widget.count())
             if not countries.list_widget.item(r).isHidden()]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in shown] == ["TR", "TM"]
    shown[0].setCheckState(Qt.CheckState.Checked)
    assert countries.value() == ["TR"]
    assert "Türkiyə" in countries.chosen_label.text()


def test_number_field_may_stay_empty_and_takes_typing_over_the_dash(qtbot) -> None:
    field = NumberField(1, 600, suffix="min")
    qtbot.addWidget(field)
    assert field.value() is None and field.text() == "—"
    qtbot.keyClicks(field, "45")
    assert field.value() == 45
