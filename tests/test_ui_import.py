"""Import clients… in the window: every row and problem before writing, then all or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from shelterdesk.domain.roles import Role
from shelterdesk.store.records import case_list
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.cases_page import CasesPage
from shelterdesk.ui.cases.import_dialog import Columns, ImportClientsDialog, ImportPreviewModel
from tests.cases_helpers import WAIT_MS, ModelTesters, newest
from tests.records_helpers import add_role_users, login
from tests.test_import_files import sheet_rows, write_xlsx

pytestmark = pytest.mark.gui


def previewed(qtbot, dialog: ImportClientsDialog, path: Path):
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT_MS) as done:
        dialog.load_file(path)
    return done.args[0]


def test_preview_names_the_bad_row_and_imports_nothing_then_all(qtbot, qtmodeltester,
                                                                admin_session: Session,
                                                                tmp_path: Path) -> None:
    page = CasesPage(admin_session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.list_page.model.loading, timeout=WAIT_MS)
    assert page.list_page.import_button.isVisible()
    qtbot.mouseClick(page.list_page.import_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, ImportClientsDialog)
    assert dialog is not None and not dialog.import_button.isEnabled()
    rows = sheet_rows(40)
    rows[10][0] = "=HYPERLINK(\"http://x\")"  # sheet row 12: a formula typed as a name
    rows[20][8] = "2026-13-01"  # row 22: no such date
    path = write_xlsx(tmp_path / "clients.xlsx", rows)
    preview = previewed(qtbot, dialog, path)
    model = ImportPreviewModel()
    with ModelTesters(qtmodeltester, model):
        model.set_preview(preview)
    assert len(preview.rows) == 40 and not dialog.import_button.isEnabled()
    assert "2 problems" in dialog.summary_label.text()
    dialog.only_problems_check.setChecked(True)
    shown = [dialog.proxy.index(r, Columns.LINE).data() for r in range(dialog.proxy.rowCount())]
    assert shown == ["12", "22"]
    problems = dialog.proxy.index(1, Columns.PROBLEMS).data()
    assert "intake_date" in problems and "YYYY-MM-DD" in problems
    assert case_list.count_cases(admin_session) == 0
    rows[10][0], rows[20][8] = "Leyla", "2026-03-01"
    write_xlsx(path, rows)
    previewed(qtbot, dialog, path)
    assert dialog.import_button.isEnabled() and "ready to import" in dialog.summary_label.text()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert len(imported.args[0]) == 40 == case_list.count_cases(admin_session)
    # The list reloads with the new clients (and must finish before the vault closes).
    qtbot.waitUntil(lambda: page.list_page.model.total == 40
                    and not page.list_page.model.loading, timeout=WAIT_MS)
    page.drop_data()


def test_an_unreadable_file_says_why(qtbot, admin_session: Session, tmp_path: Path) -> None:
    # Parented, as in the window: a parentless dialog whose last Python reference goes with a
    # finished background task would be destroyed on the pool thread.
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ImportClientsDialog(admin_session, parent)
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    previewed(qtbot, dialog, path)
    assert "notes.xlsx" in dialog.message_label.text() and not dialog.import_button.isEnabled()


def test_only_coordinators_see_import(qtbot, admin_session: Session) -> None:
    add_role_users(admin_session)
    with login(admin_session.vault, Role.CASE_WORKER) as worker:
        page = CasesPage(worker)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: not page.list_page.model.loading, timeout=WAIT_MS)
        assert not page.list_page.import_button.isVisible()
        page.drop_data()
