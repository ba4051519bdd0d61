"""The case list: a lazily paged model checked by the model tester, search, filters, sorting,
privacy mode with an audited reveal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shelterdesk.store import settings
from shelterdesk.store.records import case_list, demo
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.case_list_model import CaseListModel
from shelterdesk.ui.cases.case_list_page import CaseListPage
from shelterdesk.ui.cases.context import CaseContext
from tests.cases_helpers import ModelTesters, type_text
from tests.records_helpers import intake

pytestmark = pytest.mark.gui
WAIT_MS = 20_000


@pytest.fixture
def filled(admin_session: Session) -> Session:
    demo.generate(admin_session, 230, seed=3)
    intake(admin_session, given_name="Aynur", family_name="Məmmədova")
    return admin_session


def loaded(qtbot, model: CaseListModel, action) -> None:
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT_MS):
        action()


def test_model_pages_lazily(qtbot, filled: Session) -> None:
    model = CaseListModel(filled, privacy_mode=True, page_size=100)
    assert model.rowCount() == 0 and not model.canFetchMore()
    loaded(qtbot, model, model.reload)
    assert model.rowCount() == 100
    qtbot.waitUntil(lambda: model.total == 231, timeout=WAIT_MS)  # counted after the rows show
    assert model.canFetchMore()
    loaded(qtbot, model, model.fetchMore)
    assert model.rowCount() == 200
    loaded(qtbot, model, model.fetchMore)
    assert model.rowCount() == 231 and not model.canFetchMore()
    codes = [model.row_at(r).case_code for r in range(model.rowCount())]
    assert len(set(codes)) == 231
    # Sorted as the store sorts: by last activity, newest first.
    assert codes[:100] == [r.case_code for r in case_list.list_cases(filled, limit=100)]
    loaded(qtbot, model, lambda: model.set_filter(CaseFilter(search="mammadova")))
    assert model.row_at(0).family_name == "Məmmədova"
    assert model.index(0, CaseListModel.Columns.CLIENT).data() == "A. M."
    loaded(qtbot, model, lambda: model.set_filter(CaseFilter(search="zzzz-nobody")))
    assert model.rowCount() == 0 and model.total == 0


def test_model_passes_the_model_testers(qtbot, qtmodeltester, filled: Session) -> None:
    model = CaseListModel(filled, privacy_mode=True, page_size=50)

    def settled() -> bool:
        return not model.loading

    with ModelTesters(qtmodeltester, model):
        loaded(qtbot, model, model.reload)
        while model.canFetchMore() or model.loading:  # the testers may fetch too
            qtbot.waitUntil(settled, timeout=WAIT_MS)
            if model.canFetchMore():
                loaded(qtbot, model, model.fetchMore)
        assert model.rowCount() == 231
        loaded(qtbot, model, lambda: model.set_filter(CaseFilter(search="mammadova")))
        qtbot.waitUntil(settled, timeout=WAIT_MS)
        assert model.rowCount() >= 1
        loaded(qtbot, model, lambda: model.set_sort("name", descending=False))
        qtbot.waitUntil(settled, timeout=WAIT_MS)
        model.reveal(model.row_at(0).case_id)
        qtbot.waitUntil(lambda: model.name_shown(model.row_at(0).case_id), timeout=WAIT_MS)
        model.retranslate()
        model.clear()
        assert model.rowCount() == 0


def test_the_model_testers_do_catch_a_broken_model(qtmodeltester) -> None:
    """The guard above can fail: a table model claiming children everywhere is caught."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    class Broken(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return 3

        def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return 2

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN202
            return "x"

    with pytest.raises(AssertionError):  # pytest-qt's Python tester
        ModelTesters(qtmodeltester, Broken()).__enter__()
    with pytest.raises(AssertionError, match="FAIL"), \
            ModelTesters(qtmodeltester, Broken(), python=False):  # Qt's own tester
        pass


def test_headers_sorting_and_translated_cells(qtbot, filled: Session) -> None:
    from shelterdesk.i18n import set_language

    model = CaseListModel(filled, privacy_mode=False)
    loaded(qtbot, model, model.reload)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Case code"
    loaded(qtbot, model, lambda: model.sort(CaseListModel.Columns.CODE,
                                            Qt.SortOrder.AscendingOrder))
    codes = [model.row_at(r).case_code for r in range(model.rowCount())]
    assert codes == sorted(codes)
    loaded(qtbot, model, lambda: model.sort(CaseListModel.Columns.RISK,
                                            Qt.SortOrder.AscendingOrder))
    assert model.row_at(0).risk_level == "high"
    before = model.sort_key
    model.sort(CaseListModel.Columns.EXPLOITATION)  # not a store sort: nothing changes
    assert model.sort_key == before and not model.loading
    set_language("az")
    try:
        assert model.headerData(0, Qt.Orientation.Horizontal) == "İş kodu"
        row = next(r for r in range(model.rowCount()) if model.row_at(r).status == "open")
        assert model.index(row, CaseListModel.Columns.STATUS).data() == "Açıq"
    finally:
        set_language("en")


def test_page_searches_as_you_type_and_filters(qtbot, filled: Session) -> None:
    page = CaseListPage(CaseContext(filled))
    qtbot.addWidget(page)
    page.show()
    loaded(qtbot, page.model, page.load)
    qtbot.waitUntil(lambda: page.count_label.text() == "231 cases", timeout=WAIT_MS)
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        type_text(page.search_edit, "mammadova")  # debounced: one search after typing
    assert page.model.filter.search == "mammadova"
    found = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert found and all("mmədov" in r.family_name.lower() or "mammadov" in
                         r.family_name.lower() for r in found[:3])
    assert "found" in page.count_label.text()
    page.search_edit.clear()
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        page.apply_search()
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        page.filters.channel_combo.setCurrentIndex(
            page.filters.channel_combo.findData("dating_app"))
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert rows and {r.recruitment_channel for r in rows} == {"dating_app"}
    expected = case_list.count_cases(filled, CaseFilter(recruitment_channel="dating_app"))
    qtbot.waitUntil(lambda: page.model.total == expected, timeout=WAIT_MS)
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        page.filters.stay_combo.setCurrentIndex(page.filters.stay_combo.findData("in"))
    assert all(page.model.row_at(r).has_open_stay for r in range(page.model.rowCount()))
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        page.filters.clear()
    qtbot.waitUntil(lambda: page.model.total == 231, timeout=WAIT_MS)
    # A header click sorts through the store.
    with qtbot.waitSignal(page.model.page_loaded, timeout=WAIT_MS):
        page.table.horizontalHeader().sectionClicked.emit(CaseListModel.Columns.INTAKE)
        page.table.sortByColumn(CaseListModel.Columns.INTAKE, Qt.SortOrder.AscendingOrder)
    assert page.model.sort_key == "intake_date"
    dates = [page.model.row_at(r).intake_date for r in range(page.model.rowCount())]
    assert dates == sorted(dates)


def test_privacy_mode_hides_names_and_reveal_is_audited(qtbot, filled: Session) -> None:
    page = CaseListPage(CaseContext(filled, reveal_ms=300))
    qtbot.addWidget(page)
    page.show()
    loaded(qtbot, page.model, page.load)
    qtbot.waitUntil(lambda: page.privacy_label.isVisible(), timeout=WAIT_MS)
    model = page.model
    shown = [model.index(r, CaseListModel.Columns.CLIENT).data()
             for r in range(model.rowCount())]
    for row, text in enumerate(shown):
        found = model.row_at(row)
        assert found.given_name not in text or not found.given_name
        assert text == " ".join(f"{p[0].upper()}." for p in (found.given_name,
                                                              found.family_name) if p)
    page.table.selectRow(2)
    target = model.row_at(2)
    assert page.reveal_button.isEnabled()
    with qtbot.waitSignal(model.revealed, timeout=WAIT_MS):
        qtbot.mouseClick(page.reveal_button, Qt.MouseButton.LeftButton)
    assert model.index(2, CaseListModel.Columns.CLIENT).data() == \
        f"{target.given_name} {target.family_name}"
    rows = filled.connection.execute(
        "SELECT object_id FROM audit_log WHERE action = 'client.reveal'").fetchall()
    assert rows == [(target.case_id,)]
    assert not page.reveal_button.isEnabled()
    qtbot.waitUntil(lambda: not model.name_shown(target.case_id), timeout=5_000)
    assert target.given_name not in model.index(2, CaseListModel.Columns.CLIENT).data()


def test_without_privacy_mode_names_show(qtbot, filled: Session) -> None:
    settings.set_value(filled, "privacy_mode", False)
    page = CaseListPage(CaseContext(filled))
    qtbot.addWidget(page)
    page.show()
    loaded(qtbot, page.model, page.load)
    qtbot.waitUntil(lambda: not page.model.privacy_mode, timeout=WAIT_MS)
    row = page.model.row_at(0)
    assert page.model.index(0, CaseListModel.Columns.CLIENT).data() == \
        f"{row.given_name} {row.family_name}".strip()
    assert not page.reveal_button.isVisible()
