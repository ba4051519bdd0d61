"""Correcting saved records through the window: the reason, the earlier version, the audit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.care import LegalConsultation
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import Note
from shelterdesk.store import audit
from shelterdesk.store.records import care, tasks
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.client_file_page import ClientFilePage
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.correction_forms import LegalCorrectionForm, NoteCorrectionForm
from shelterdesk.ui.cases.history_dialog import RecordHistoryDialog
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.records_helpers import add_role_users, intake, login

pytestmark = pytest.mark.gui


def open_page(qtbot, session: Session, case_id: str) -> ClientFilePage:
    page = ClientFilePage(CaseContext(session))
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
        page.open_case(case_id)
    return page


def loaded_tab(qtbot, page: ClientFilePage, key: str):
    assert page.select_tab(key)
    tab = page.tab(key)
    qtbot.waitUntil(lambda: tab.is_loaded and tab.model.rowCount() > 0, timeout=WAIT_MS)
    return tab


def test_legal_advisor_corrects_a_consultation_with_a_reason(qtbot,
                                                             admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    with login(admin_session.vault, Role.LEGAL_ADVISOR) as lawyer:
        saved = care.add_legal_consultation(lawyer, LegalConsultation(
            case.id, date(2026, 3, 2), "compensation", summary="Claim for 2,000 AZN"))
        page = open_page(qtbot, lawyer, case.id)
        tab = loaded_tab(qtbot, page, "legal")
        assert tab.correct_button.isVisible() and not tab.history_button.isEnabled()
        qtbot.mouseClick(tab.correct_button, Qt.MouseButton.LeftButton)
        form = newest(tab, LegalCorrectionForm)
        assert form is not None and form.summary_edit.value() == "Claim for 2,000 AZN"
        form.summary_edit.selectAll()
        type_text(form.summary_edit, "Claim for 20,000 AZN")
        assert not form.save_button.isEnabled()  # no reason yet
        type_text(form.reason_edit, "a zero was missing")
        assert form.save_button.isEnabled(), form.hint_label.text()
        with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Corrected by" in tab.details_label.text(), timeout=WAIT_MS)
        assert "20,000" in tab.details_label.text()
        assert tab.history_button.isEnabled()
        qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
        history = newest(tab, RecordHistoryDialog)
        assert history is not None
        qtbot.waitUntil(lambda: history.version_list.count() == 1, timeout=WAIT_MS)
        shown = history.text()
        assert "Claim for 2,000 AZN" in shown and "a zero was missing" in shown
        history.close()
        entries = audit.recent(lawyer.connection, 30)
        corrected = [e for e in entries if e.action == "legal.correct"]
        assert corrected and corrected[0].detail["record"] == saved.id
        assert "2,000" not in repr(entries)  # the audit names the record, never its text
        page.drop_data()
    # The earlier text is in the vault's history table, named in the audit log by its record.
    [version] = admin_session.connection.execute(
        "SELECT content FROM record_versions WHERE record_id = ?", (saved.id,)).fetchall()
    # Sealed in the legal compartment, as the row itself is; opened with the key.
    assert "Claim for 2,000 AZN" not in version[0]
    content = admin_session.compartments.open_row("legal_consultations", json.loads(version[0]))
    assert "Claim for 2,000 AZN" in content["summary"]


def test_a_case_worker_has_no_correct_button_on_legal_but_corrects_a_note(
        qtbot, admin_session: Session) -> None:
    add_role_users(admin_session)
    case = intake(admin_session)
    tasks.add_note(admin_session, Note(case.id, "Met at the bus station"))
    with login(admin_session.vault, Role.CASE_WORKER) as worker:
        page = open_page(qtbot, worker, case.id)
        assert page.tab("legal") is None
        tab = loaded_tab(qtbot, page, "notes")
        qtbot.mouseClick(tab.correct_button, Qt.MouseButton.LeftButton)
        form = newest(tab, NoteCorrectionForm)
        assert form is not None and not form.save_button.isEnabled()  # nothing changed yet
        form.body_edit.selectAll()
        type_text(form.body_edit, "Met at the train station")
        assert form.save_button.isEnabled(), form.hint_label.text()  # reason optional here
        with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "train" in tab.details_label.text(), timeout=WAIT_MS)
        assert "Corrected by" in tab.details_label.text()
        page.drop_data()
