"""Closing and reopening a case from the client file, through the dialogs' widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.store.records import clients, shelters, stays
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.client_file_page import ClientFilePage
from shelterdesk.ui.cases.closure_dialogs import CloseCaseDialog, ReopenCaseDialog
from shelterdesk.ui.cases.context import CaseContext
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.records_helpers import intake

pytestmark = pytest.mark.gui


def open_page(qtbot, session: Session, case_id: str) -> ClientFilePage:
    page = ClientFilePage(CaseContext(session))
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
        page.open_case(case_id)
    return page


def test_close_then_read_only_then_reopen(qtbot, admin_session: Session) -> None:
    case = intake(admin_session)  # intake 2026-03-01
    shelter = shelters.add_shelter(admin_session, Shelter("House"))
    room = shelters.add_room(admin_session, Room(shelter.id, "R"))
    bed = shelters.add_bed(admin_session, Bed(room.id, "B")).id
    stay = stays.admit(admin_session, case.id, bed, date(2026, 3, 1))
    page = open_page(qtbot, admin_session, case.id)
    assert page.closure_button.text() == "Close the case…"
    qtbot.mouseClick(page.closure_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, CloseCaseDialog)
    assert dialog is not None and not dialog.save_button.isEnabled()
    dialog.date_edit.setDate(QDate(2026, 2, 20))
    assert "before" in dialog.date_problem.text()
    dialog.date_edit.setDate(QDate(2026, 3, 10))
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("other"))
    assert not dialog.save_button.isEnabled() and dialog.note_problem.isVisible()
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("safe_return"))
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "discharge" in dialog.message_label.text(), timeout=WAIT_MS)
    assert dialog.isVisible() and clients.get_case(admin_session, case.id)[1].status == "open"
    dialog.close()
    stays.discharge(admin_session, stay.id, date(2026, 3, 9))
    qtbot.mouseClick(page.closure_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, CloseCaseDialog)
    dialog.date_edit.setDate(QDate(2026, 3, 10))
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("safe_return"))
    with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert clients.get_case(admin_session, case.id)[1].status == "closed"
    assert page.closure_button.text() == "Reopen the case…" and page.closed_label.isVisible()
    assert page.select_tab("notes")
    assert not page.tab("notes").add_button.isEnabled()
    activity = [a.action for a in page.view.file.recent_activity]
    assert "case.close" in activity
    qtbot.mouseClick(page.closure_button, Qt.MouseButton.LeftButton)
    reopen = newest(page, ReopenCaseDialog)
    assert reopen is not None and not reopen.save_button.isEnabled()
    type_text(reopen.reason_edit, "Came back; new risk")
    with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
        qtbot.mouseClick(reopen.save_button, Qt.MouseButton.LeftButton)
    assert clients.get_case(admin_session, case.id)[1].status == "open"
    assert page.tab("notes").add_button.isEnabled() and not page.closed_label.isVisible()
    page.drop_data()
