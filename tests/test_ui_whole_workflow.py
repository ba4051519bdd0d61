"""One client's path through the real widgets: intake → a bed on the board → a legal
consultation hidden from the case worker → a medical record hidden from the legal advisor →
discharge, which frees the bed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.roles import Role
from shelterdesk.domain.shelters import Bed, Room, Shelter
from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import case_list, shelters, stays
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.cases.legal_form import LegalConsultationForm
from shelterdesk.ui.cases.medical_form import MedicalServiceForm
from shelterdesk.ui.shelter.shelter_board import ShelterBoardPage
from shelterdesk.ui.shelter.stay_dialogs import AdmitDialog, DischargeDialog
from tests.cases_helpers import WAIT_MS, cases_page, newest, search_and_open, type_text
from tests.gui_helpers import make_window
from tests.records_helpers import add_role_users
from tests.test_ui_case_workflow import login_as, record_intake
from tests.test_ui_shelter_board import choose_bed, opened, pick

pytestmark = pytest.mark.gui


@pytest.fixture
def bed(admin_session: Session) -> str:
    add_role_users(admin_session)
    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi", address="Gizli ünvan"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    return shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 1")).id


def board_page(qtbot, window) -> ShelterBoardPage:
    window.work_area.select_area(Area.SHELTER)
    page = window.work_area.page_for[Area.SHELTER]
    qtbot.waitUntil(lambda: not page.loading and bool(page.tiles), timeout=WAIT_MS)
    return page


def test_one_client_from_intake_to_discharge(qtbot, vault: Vault, admin_session: Session,
                                             bed: str) -> None:
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    record_intake(qtbot, cases_page(qtbot, window))
    [row] = case_list.list_cases(admin_session, CaseFilter(search="mammadova"))

    # Admitted to a free bed on the Shelter board.
    page = board_page(qtbot, window)
    choose_bed(qtbot, page, bed)
    admit = opened(qtbot, page, AdmitDialog, page.panel.admit_button)
    pick(qtbot, admit, row.case_code)
    admit.date_edit.setDate(admit.date_edit.date().addDays(-3))
    with qtbot.waitSignal(admit.admitted, timeout=WAIT_MS):
        qtbot.mouseClick(admit.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.tiles[bed].state == "occupied", timeout=WAIT_MS)
    assert row.case_code in page.tiles[bed].lines()

    # A legal advisor records a consultation; the case worker then has no Legal tab.
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    cases.file_page.select_tab("legal")
    legal = cases.file_page.record_tabs["legal"]
    qtbot.waitUntil(lambda: legal.is_loaded, timeout=WAIT_MS)
    qtbot.mouseClick(legal.add_button, Qt.MouseButton.LeftButton)
    form = newest(legal, LegalConsultationForm)
    form.topic_picker.setCurrentIndex(form.topic_picker.findData("compensation"))
    type_text(form.summary_edit, "Compensation claim prepared.")
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    login_as(qtbot, window, Role.CASE_WORKER)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    assert "legal" not in cases.file_page.tab_keys()

    # Medical staff record an examination; the legal advisor has no Medical tab.
    login_as(qtbot, window, Role.MEDICAL)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    cases.file_page.select_tab("medical")
    medical = cases.file_page.record_tabs["medical"]
    qtbot.waitUntil(lambda: medical.is_loaded, timeout=WAIT_MS)
    qtbot.mouseClick(medical.add_button, Qt.MouseButton.LeftButton)
    form = newest(medical, MedicalServiceForm)
    form.kind_picker.setCurrentIndex(form.kind_picker.findData("examination"))
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    assert "medical" not in cases.file_page.tab_keys()

    # The case worker discharges her from the board: the bed is free again.
    login_as(qtbot, window, Role.CASE_WORKER)
    page = board_page(qtbot, window)
    choose_bed(qtbot, page, bed)
    discharge = opened(qtbot, page, DischargeDialog, page.panel.discharge_button)
    discharge.date_edit.setDate(discharge.date_edit.date())
    with qtbot.waitSignal(discharge.discharged, timeout=WAIT_MS):
        qtbot.mouseClick(discharge.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.tiles[bed].state == "free", timeout=WAIT_MS)
    [stay] = stays.bed_history(admin_session, bed)
    assert stay.case_id == row.case_id and stay.discharged_on == date.today()
    assert stay.admitted_on == date.today() - timedelta(days=3)
    window.close()
