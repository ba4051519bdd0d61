"""Columns elide at the right (Qt's default) with a tooltip holding the full text, so a long
cell cut by its column's width can still be read whole (issue 17, item 3)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from shelterdesk.domain.roles import Role
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.case_list_model import CaseListModel
from shelterdesk.ui.common.list_table_model import ListTableModel
from tests.records_helpers import intake

pytestmark = pytest.mark.gui
WAIT_MS = 20_000
LONG = ("Aynur-Gülnarə-Səbinə Məmmədova-Hüseynova-Əliyeva-Qasımova, "
        "an organisation name far wider than any column on a 1366 px screen")


class _Plain(ListTableModel[str]):
    """A model that gives no tooltip of its own, as most of ours do."""

    class Columns(IntEnum):
        TEXT = 0
        EMPTY = 1

    HEADERS = {Columns.TEXT: "Text", Columns.EMPTY: "Empty"}

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self._rows[index.row()] if index.column() == 0 else ""


def test_a_long_cell_has_its_full_text_as_tooltip(qtbot) -> None:
    model = _Plain()
    model.set_rows([LONG])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setColumnWidth(0, 80)  # far narrower than the text: shown cut, with "…"
    view.show()
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == LONG
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None  # nothing to show
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None


def test_every_cell_of_the_users_table_has_a_tooltip(admin_session: Session) -> None:
    from shelterdesk.ui.administration.users_page import UserTableModel

    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], "case worker passphrase")
    model = UserTableModel()
    model.set_rows(users.list_users(admin_session))
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            shown = index.data(Qt.ItemDataRole.DisplayRole)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(shown, str) and shown.strip():
                assert tip, (row, column, shown)


def test_the_case_list_shows_a_long_name_whole_in_the_tooltip(
        qtbot, admin_session: Session) -> None:
    from shelterdesk.ui.cases.case_list_page import CaseListPage  # noqa: F401 - its view

    intake(admin_session, given_name="Aynur-Gülnarə-Səbinə",
           family_name="Məmmədova-Hüseynova-Əliyeva-Qasımova")
    model = CaseListModel(admin_session, privacy_mode=False, page_size=50)
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT_MS):
        model.reload()
    index = model.index(0, CaseListModel.Columns.CLIENT)
    shown = index.data()
    assert "Məmmədova-Hüseynova-Əliyeva-Qasımova" in shown
    assert index.data(Qt.ItemDataRole.ToolTipRole) == shown
    code = model.index(0, CaseListModel.Columns.CODE).data()
    assert model.index(0, CaseListModel.Columns.CODE).data(Qt.ItemDataRole.ToolTipRole) == code
    # In privacy mode the tooltip says the name is hidden, never the name itself.
    hidden = CaseListModel(admin_session, privacy_mode=True, page_size=50)
    with qtbot.waitSignal(hidden.page_loaded, timeout=WAIT_MS):
        hidden.reload()
    tip = hidden.index(0, CaseListModel.Columns.CLIENT).data(Qt.ItemDataRole.ToolTipRole)
    assert "Məmmədova" not in tip


def test_no_table_view_turns_eliding_off(qtbot, admin_session: Session) -> None:
    from shelterdesk.ui.shell.work_area import WorkArea

    area = WorkArea(admin_session)
    qtbot.addWidget(area)
    views = area.findChildren(QAbstractItemView)
    tables = [v for v in views if isinstance(v, QTableView)]
    assert tables
    for view in tables:
        assert view.textElideMode() == Qt.TextElideMode.ElideRight, view.objectName()
