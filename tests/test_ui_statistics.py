"""The Statistics section: a period, protected tables beside their charts, exports, languages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.i18n import set_language
from shelterdesk.store import audit
from shelterdesk.ui.shell.work_area import WorkArea
from shelterdesk.ui.statistics.statistics_page import StatisticsPage
from tests.gui_helpers import WAIT_MS
from tests.records_helpers import add_role_users, login
from tests.test_statistics_exports import _intakes

pytestmark = pytest.mark.gui


def _page(qtbot, session) -> StatisticsPage:
    page = StatisticsPage(session)
    qtbot.addWidget(page)
    page.from_edit.setDate(QDate(2026, 1, 1))
    page.to_edit.setDate(QDate(2026, 3, 31))
    return page


def test_statistics_page_shows_protected_tables_and_charts(qtbot, qtmodeltester, vault,
                                                           admin_session) -> None:
    _intakes(admin_session, 1, female=10, male=3)
    _intakes(admin_session, 2, female=12, male=6)
    _intakes(admin_session, 3, female=8, male=7)
    add_role_users(admin_session)
    with login(vault, Role.STATISTICS) as analyst:
        page = _page(qtbot, analyst)
        assert page.period().end == date(2026, 4, 1)  # the page's "to" is the last day
        page.refresh()
        qtbot.waitUntil(lambda: page.report is not None, timeout=WAIT_MS)
        page.table_choice.setCurrentIndex(page.table_choice.findData("sex"))
        model = page.model
        qtmodeltester.check(model)
        assert model.columnCount() == 1 + 3 + 1 and model.rowCount() == 5
        assert model.headerData(4, Qt.Orientation.Horizontal) == "Total"
        cells = {(model.index(r, 0).data(), c): model.index(r, c).data()
                 for r in range(model.rowCount()) for c in range(1, 5)}
        # published numbers: 46 cases, perturbed (rounded at random to 45 or 48); Jan's 3 men
        assert cells[("Male", 1)] in {"<5", "0"} and cells[("Total", 4)] in {"45", "48"}
        assert page.internal_label.isHidden() and "perturbed" in page.note_label.text()
        bars = page.bar_chart_series()
        assert bars is not None and bars.barSets()[0].count() == 4
        assert [s.name() for s in page.line_view.chart().series()][:2] == ["Female", "Male"]
        # suppressed months (January's 3 and its complement) are not drawn
        male = page.line_view.chart().series()[1]
        shown = [float(j) for j in range(3) if cells[("Male", j + 1)].isdigit()]
        assert [p.x() for p in male.points()] == shown and 0.0 not in shown

        set_language("ru")
        page.retranslate_ui()
        qtbot.waitUntil(lambda: page.table_choice.itemText(0) == "Новые дела по месяцам",
                        timeout=WAIT_MS)
        assert page.show_button.text() == "Показать"
        set_language("en")


def test_statistics_page_exports_and_the_section_is_wired(qtbot, vault, admin_session,
                                                          tmp_path) -> None:
    _intakes(admin_session, 2, female=9, male=6)
    area = WorkArea(admin_session)
    qtbot.addWidget(area)
    assert area.select_area(Area.STATISTICS)
    page = area.page_for[Area.STATISTICS]
    assert isinstance(page, StatisticsPage)
    page.from_edit.setDate(QDate(2026, 1, 1))
    page.to_edit.setDate(QDate(2026, 3, 31))
    messages: list[str] = []
    page.status.connect(messages.append)
    page.export_to("csv", tmp_path / "s.csv")
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)
    assert "s.csv" in messages[0]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig"))))
    assert any(r["table"] == "sex" and r["row"] == "male" for r in rows)
    assert audit.recent(admin_session.connection, 1)[0].action == "stats.export"
    page.to_edit.setDate(QDate(2025, 12, 1))
    page.refresh()
    assert messages[-1].startswith("The period must end after it starts")
    page.drop_data()
    assert page.report is None and page.model.rowCount() == 0


def test_the_coordinator_of_a_small_vault_sees_her_exact_monthly_numbers(
        qtbot, admin_session, tmp_path) -> None:
    _intakes(admin_session, 1, female=3, male=1)
    _intakes(admin_session, 2, female=2, male=2)
    _intakes(admin_session, 3, female=4, male=0)  # 12 cases: every cell would be "<5"
    page = _page(qtbot, admin_session)
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None, timeout=WAIT_MS)
    assert page.report.exact and not page.internal_label.isHidden()
    assert "not for publication" in page.internal_label.text()
    page.table_choice.setCurrentIndex(page.table_choice.findData("new_cases"))
    model = page.model
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["4", "4", "4", "12"]
    page.table_choice.setCurrentIndex(page.table_choice.findData("sex"))
    cells = {(model.index(r, 0).data(), c): model.index(r, c).data()
             for r in range(model.rowCount()) for c in range(1, 5)}
    assert [cells[("Female", c)] for c in range(1, 5)] == ["3", "2", "4", "9"]
    bars = page.bar_chart_series()
    assert bars is not None and sum(bars.barSets()[0].at(i)
                                    for i in range(bars.barSets()[0].count())) > 0
    # what leaves as a file is still the published numbers
    messages: list[str] = []
    page.status.connect(messages.append)
    page.export_to("csv", tmp_path / "s.csv")
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig"))))
    values = [r["value"] for r in rows if r["table"] == "sex"]
    assert all(not v.isdigit() or int(v) % 3 == 0 for v in values) and "9" not in values
    # the Excel button: semicolons and decimal commas, the same protected numbers
    page.export_to("csv_excel", tmp_path / "excel.csv")
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=WAIT_MS)
    excel = (tmp_path / "excel.csv").read_text("utf-8-sig")
    assert excel.splitlines()[0] == ";".join(
        ["table", "table_label", "row", "row_label", "column", "column_label", "value"])


def test_a_case_worker_has_no_statistics_section(qtbot, vault, admin_session) -> None:
    add_role_users(admin_session)
    with login(vault, Role.CASE_WORKER) as worker:
        area = WorkArea(worker)
        qtbot.addWidget(area)
        assert not area.select_area(Area.STATISTICS)


def test_every_table_of_an_empty_vault_can_be_shown(qtbot, admin_session) -> None:
    page = _page(qtbot, admin_session)
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None, timeout=WAIT_MS)
    assert page.table_choice.count() == 2 + len(page.report.tables)
    for index in range(page.table_choice.count()):
        page.table_choice.setCurrentIndex(index)
        assert page.model.columnCount() >= 2
