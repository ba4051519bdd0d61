"""Whole workflows through the real widgets: intake → found by search → a legal advisor's
consultation → hidden from a case worker → medical hidden from the legal advisor → drafts
surviving an auto-lock and a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store.records import care, case_list, clients, consents, drafts
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.cases import context
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from shelterdesk.ui.cases.legal_form import LegalConsultationForm
from shelterdesk.ui.cases.medical_form import MedicalServiceForm
from shelterdesk.ui.cases.note_form import NoteForm
from tests.cases_helpers import WAIT_MS, cases_page, newest, search_and_open, type_text
from tests.gui_helpers import make_window, unlock
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def team(admin_session: Session) -> Session:
    add_role_users(admin_session)
    intake(admin_session, given_name="Leyla", family_name="Əliyeva")
    return admin_session


def login_as(qtbot, window, role: Role) -> None:
    if window.session is not None:
        window.lock_now()
    unlock(qtbot, window, ROLE_USERS[role], ROLE_PASSPHRASE)
    assert window.session is not None and window.session.user.username == ROLE_USERS[role]


def record_intake(qtbot, page) -> IntakeDialog:
    qtbot.mouseClick(page.list_page.new_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, IntakeDialog)
    assert dialog is not None and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.fields["given_name"], "Aynur")
    type_text(dialog.fields["family_name"], "Məmmədova")
    type_text(dialog.fields["phone"], "+994 50 555 12 34")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 2
    box = dialog.fields["exploitation_types"].boxes["sexual"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    channel, platform = dialog.fields["recruitment_channel"], dialog.fields["recruitment_platform"]
    channel.set_value("acquaintance")
    assert not platform.isEnabled()  # a platform only for online channels
    channel.setCurrentIndex(channel.findData("dating_app"))
    assert platform.isEnabled()
    platform.setCurrentIndex(platform.findData("tinder"))
    dialog.go_to(len(dialog.pages) - 1)
    dialog.fields["consent_purposes"].boxes["data_storage"].setChecked(True)
    assert not dialog.save_button.isEnabled()  # sex, status and risk are chosen, not assumed
    for name, code in (("sex", "female"), ("victim_status", "presumed"), ("risk_level", "high")):
        picker = dialog.fields[name]
        picker.setCurrentIndex(picker.findData(code))
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    case = saved.args[0]
    assert case.case_code
    return dialog


def test_intake_consultation_and_who_sees_what(qtbot, vault: Vault, team: Session) -> None:
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    record_intake(qtbot, page)
    # After saving, the new client's file opens; back in the list a search finds her.
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.file_page, timeout=WAIT_MS)
    qtbot.mouseClick(page.file_page.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_page
    case_id = search_and_open(qtbot, page, "mammadova")
    client, case = clients.get_case(team, case_id)
    assert (client.given_name, client.family_name) == ("Aynur", "Məmmədova")
    assert case.recruitment_channel == "dating_app" and case.recruitment_platform == "tinder"
    assert case.exploitation_types == ["sexual"]
    assert [c.purpose for c in consents.list_consents(team, case_id)] == ["data_storage"]
    assert "Intake recorded" in page.file_page.overview.text("activity")

    # A legal advisor records a consultation in the Legal tab.
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    page = cases_page(qtbot, window)
    assert search_and_open(qtbot, page, "mammadova") == case_id
    keys = page.file_page.tab_keys()
    assert "legal" in keys and "medical" not in keys
    page.file_page.select_tab("legal")
    legal = page.file_page.record_tabs["legal"]
    qtbot.waitUntil(lambda: legal.is_loaded and legal.empty_label.isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(legal.add_button, Qt.MouseButton.LeftButton)
    form = newest(legal, LegalConsultationForm)
    assert form is not None and not form.save_button.isEnabled()
    form.topic_picker.setCurrentIndex(form.topic_picker.findData("victim_status"))
    type_text(form.summary_edit, "Explained the victim-status application; she agrees.")
    qtbot.keyClicks(form.duration_field, "45")
    assert form.save_button.isEnabled()
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: legal.model.rowCount() == 1, timeout=WAIT_MS)
    saved = care.list_legal_consultations(window.session, case_id)
    assert saved[0].summary.startswith("Explained") and saved[0].duration_minutes == 45
    assert drafts.list_drafts(window.session) == []  # saved: no draft left behind

    # A case worker sees no Legal tab, and the store refuses the content anyway.
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    search_and_open(qtbot, page, "mammadova")
    assert "legal" not in page.file_page.tab_keys()
    assert "Legal consultation" not in page.file_page.overview.text("activity")
    with pytest.raises(PermissionDenied):
        care.list_legal_consultations(window.session, case_id)

    # Medical staff record a service; the legal advisor has no Medical tab and no access.
    login_as(qtbot, window, Role.MEDICAL)
    page = cases_page(qtbot, window)
    search_and_open(qtbot, page, "mammadova")
    assert "medical" in page.file_page.tab_keys() and "legal" not in page.file_page.tab_keys()
    page.file_page.select_tab("medical")
    medical = page.file_page.record_tabs["medical"]
    qtbot.waitUntil(lambda: medical.is_loaded, timeout=WAIT_MS)
    qtbot.mouseClick(medical.add_button, Qt.MouseButton.LeftButton)
    form = newest(medical, MedicalServiceForm)
    form.kind_picker.setCurrentIndex(form.kind_picker.findData("examination"))
    type_text(form.summary_edit, "Examined; bruises documented.")
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    page = cases_page(qtbot, window)
    search_and_open(qtbot, page, "mammadova")
    assert "medical" not in page.file_page.tab_keys()
    assert "Medical service" not in page.file_page.overview.text("activity")
    with pytest.raises(PermissionDenied):
        care.list_medical_services(window.session, case_id)
    window.close()


def test_search_finds_diacritics_and_codes(qtbot, vault: Vault, team: Session) -> None:
    found = case_list.list_cases(team, CaseFilter(search="aliyeva"))
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    assert search_and_open(qtbot, page, "əliyeva") == found[0].case_id
    qtbot.mouseClick(page.file_page.back_button, Qt.MouseButton.LeftButton)
    assert search_and_open(qtbot, page, found[0].case_code.lower()) == found[0].case_id
    window.close()


def legal_form_for(qtbot, page, search: str) -> LegalConsultationForm:
    search_and_open(qtbot, page, search)
    page.file_page.select_tab("legal")
    legal = page.file_page.record_tabs["legal"]
    qtbot.waitUntil(lambda: legal.is_loaded, timeout=WAIT_MS)
    qtbot.mouseClick(legal.add_button, Qt.MouseButton.LeftButton)
    form = newest(legal, LegalConsultationForm)
    assert form is not None
    return form


def test_half_typed_form_survives_an_auto_lock(qtbot, vault: Vault, team: Session,
                                               monkeypatch) -> None:
    monkeypatch.setattr(context, "DRAFT_INTERVAL_MS", 60_000)  # only the lock writes it
    window = make_window(qtbot, vault, idle_timeout_ms=1_500)
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    page = cases_page(qtbot, window)
    form = legal_form_for(qtbot, page, "aliyeva")
    text = "Wants to testify against the recruiter; afraid of"
    type_text(form.summary_edit, text)
    with qtbot.waitSignal(window.locked, timeout=10_000):
        pass  # no input: the window locks by itself
    assert window.session is None and not form.isVisible()
    unlock(qtbot, window, ROLE_USERS[Role.LEGAL_ADVISOR], ROLE_PASSPHRASE)
    page = cases_page(qtbot, window)
    panel = page.list_page.drafts_panel
    qtbot.waitUntil(lambda: len(panel.banners) == 1 and panel.isVisible(), timeout=WAIT_MS)
    assert "legal consultation" in panel.banners[0].text_label.text()
    assert "Aynur" not in panel.banners[0].text_label.text()  # no names on the banner
    qtbot.mouseClick(panel.banners[0].restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (f := newest(page.file_page, LegalConsultationForm)) is not None
                    and f.summary_edit.value() == text, timeout=WAIT_MS)
    restored = newest(page.file_page, LegalConsultationForm)
    restored.topic_picker.setCurrentIndex(restored.topic_picker.findData("criminal_proceedings"))
    with qtbot.waitSignal(restored.saved, timeout=WAIT_MS):
        qtbot.mouseClick(restored.save_button, Qt.MouseButton.LeftButton)
    assert drafts.list_drafts(window.session) == []  # saved: the draft is erased
    window.close()


def test_half_typed_form_survives_a_crash(qtbot, vault: Vault, team: Session) -> None:
    text = "Call her sister in Ganja on Friday"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "crash_typist.py"), str(vault.directory),
         ROLE_USERS[Role.CASE_WORKER], ROLE_PASSPHRASE, "aliyeva", text],
        capture_output=True, text=True, timeout=120)
    assert "DRAFT SAVED" in result.stdout, result.stderr[-2000:]
    assert result.returncode == -9  # killed: nothing ran on the way out
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    panel = page.list_page.drafts_panel
    qtbot.waitUntil(lambda: len(panel.banners) == 1, timeout=WAIT_MS)
    assert "note" in panel.banners[0].text_label.text()
    qtbot.mouseClick(panel.banners[0].restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (f := newest(page.file_page, NoteForm)) is not None
                    and f.body_edit.value() == text, timeout=WAIT_MS)
    form = newest(page.file_page, NoteForm)
    # Cancel asks first; "Discard" erases the draft for good.
    form.reject()
    assert form.guard_box is not None and form.isVisible()
    discard = next(b for b in form.guard_box.buttons()
                   if form.guard_box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form), timeout=WAIT_MS)  # deleted, not hidden
    qtbot.waitUntil(lambda: drafts.list_drafts(window.session) == [], timeout=WAIT_MS)
    window.close()


def test_draft_offered_inside_the_form_when_reopened(qtbot, vault: Vault, team: Session,
                                                     monkeypatch) -> None:
    monkeypatch.setattr(context, "DRAFT_INTERVAL_MS", 150)
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.LEGAL_ADVISOR)
    page = cases_page(qtbot, window)
    form = legal_form_for(qtbot, page, "aliyeva")
    type_text(form.next_step_edit, "File the application")
    session = window.session
    qtbot.waitUntil(lambda: drafts.load_draft(session, "legal", page.file_page.case_id)
                    is not None, timeout=WAIT_MS)
    form.reject()  # the guard asks; keep it as a draft
    keep = next(b for b in form.guard_box.buttons()
                if form.guard_box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form), timeout=WAIT_MS)  # deleted, not hidden
    again = newest(page.file_page.record_tabs["legal"], LegalConsultationForm)
    assert again is None
    legal = page.file_page.record_tabs["legal"]
    qtbot.mouseClick(legal.add_button, Qt.MouseButton.LeftButton)
    again = newest(legal, LegalConsultationForm)
    qtbot.waitUntil(again.draft_banner.isVisible, timeout=WAIT_MS)
    assert again.next_step_edit.value() == ""
    qtbot.mouseClick(again.draft_banner.restore_button, Qt.MouseButton.LeftButton)
    assert again.next_step_edit.value() == "File the application"
    window.close()


def test_half_typed_intake_is_offered_back_after_a_lock(qtbot, vault: Vault,
                                                        team: Session) -> None:
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    qtbot.mouseClick(page.list_page.new_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, IntakeDialog)
    type_text(dialog.fields["given_name"], "Şəbnəm")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    window.lock_now()  # Ctrl+Shift+L: the form writes its draft before the vault closes
    assert not dialog.isVisible()
    unlock(qtbot, window, ROLE_USERS[Role.CASE_WORKER], ROLE_PASSPHRASE)
    page = cases_page(qtbot, window)
    panel = page.list_page.drafts_panel
    qtbot.waitUntil(lambda: len(panel.banners) == 1, timeout=WAIT_MS)
    assert "new intake" in panel.banners[0].text_label.text()
    assert "Şəbnəm" not in panel.banners[0].text_label.text()
    qtbot.mouseClick(panel.banners[0].restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (d := newest(page, IntakeDialog)) is not None
                    and d.fields["given_name"].value() == "Şəbnəm", timeout=WAIT_MS)
    restored = newest(page, IntakeDialog)
    assert restored.stack.currentIndex() == 1  # back on the step where she was
    # Discarding from the list erases it for good.
    restored.discard_and_close()
    qtbot.waitUntil(lambda: drafts.list_drafts(window.session) == [], timeout=WAIT_MS)
    window.close()


def test_privacy_mode_switched_in_my_account_applies_to_the_list(qtbot, vault: Vault,
                                                                 team: Session) -> None:
    from shelterdesk.domain.workspace import Area

    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    page = cases_page(qtbot, window)
    model = page.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.privacy_mode, timeout=WAIT_MS)
    assert model.index(0, 1).data() == "L. Ə."
    window.work_area.select_area(Area.ACCOUNT)
    account = window.work_area.page_for[Area.ACCOUNT]
    account.privacy_check.setChecked(False)
    qtbot.waitUntil(lambda: "Saved." in window.statusBar().currentMessage(), timeout=WAIT_MS)
    window.work_area.select_area(Area.CASES)
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "Leyla Əliyeva", timeout=WAIT_MS)
    window.close()
