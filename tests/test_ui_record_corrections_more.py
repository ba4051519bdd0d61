"""Evidence descriptions and stay dates corrected through the window; files and hashes stay."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.store.records import corrections, evidence, shelters, stays
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.correction_forms import EvidenceCorrectionForm
from shelterdesk.ui.cases.stay_dates_dialog import StayDatesDialog
from tests.cases_helpers import WAIT_MS, newest, type_text
from tests.records_helpers import intake
from tests.test_ui_corrections import loaded_tab, open_page

pytestmark = pytest.mark.gui


def test_evidence_description_corrected_file_untouched(qtbot, admin_session: Session) -> None:
    case = intake(admin_session)
    item = evidence.add_evidence(admin_session, EvidenceItem(
        case.id, "screenshot", "chat.png", "image/png", b"\x89PNG-bytes"))
    page = open_page(qtbot, admin_session, case.id)
    tab = loaded_tab(qtbot, page, "evidence")
    qtbot.mouseClick(tab.correct_button, Qt.MouseButton.LeftButton)
    form = newest(tab, EvidenceCorrectionForm)
    assert form is not None and not form.file_field.isEnabled()
    type_text(form.description_edit, "Chat with the recruiter, March")
    assert form.save_button.isEnabled(), form.hint_label.text()
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    [stored] = evidence.list_evidence(admin_session, case.id)
    assert stored.description == "Chat with the recruiter, March"
    assert stored.sha256 == item.sha256 and stored.file_name == "chat.png"
    assert corrections.history(admin_session, "evidence_items", item.id)[0].content[
        "description"] == ""
    qtbot.waitUntil(lambda: tab.is_loaded and tab.model.rowCount() == 1, timeout=WAIT_MS)
    page.drop_data()


def test_coordinator_corrects_stay_dates(qtbot, admin_session: Session) -> None:
    case = intake(admin_session)
    shelter = shelters.add_shelter(admin_session, Shelter("House"))
    room = shelters.add_room(admin_session, Room(shelter.id, "R"))
    bed = shelters.add_bed(admin_session, Bed(room.id, "B")).id
    stay = stays.admit(admin_session, case.id, bed, date(2026, 3, 1))
    stays.discharge(admin_session, stay.id, date(2026, 3, 10))
    page = open_page(qtbot, admin_session, case.id)
    tab = loaded_tab(qtbot, page, "stays")
    qtbot.mouseClick(tab.dates_button, Qt.MouseButton.LeftButton)
    dialog = newest(tab, StayDatesDialog)
    assert dialog is not None and not dialog.save_button.isEnabled()
    dialog.admitted_edit.setDate(QDate(2026, 3, 11))
    assert "before" in dialog.problem_label.text() and not dialog.save_button.isEnabled()
    dialog.admitted_edit.setDate(QDate(2026, 3, 2))
    type_text(dialog.reason_edit, "register says the 2nd")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.corrected, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert stays.stays_for_case(admin_session, case.id)[0].admitted_on == date(2026, 3, 2)
    qtbot.waitUntil(lambda: tab.history_button.isEnabled(), timeout=WAIT_MS)
    page.drop_data()
