"""Each record form through its widgets: inline problems from the domain, Save only when valid,
and what the client file's tabs show afterwards."""

from __future__ import annotations

import hashlib
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from shelterdesk.domain.referrals import Organisation
from shelterdesk.i18n import set_language
from shelterdesk.store.records import case_list, clients, consents, evidence, organisations, tasks
from shelterdesk.store.records.case_list import CaseFilter
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.client_file_page import ClientFilePage
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.custody_form import CustodyEventForm
from shelterdesk.ui.cases.evidence_form import EvidenceForm
from shelterdesk.ui.cases.evidence_tab import grouped_hash
from shelterdesk.ui.cases.follow_up_form import FollowUpForm
from shelterdesk.ui.cases.intake_dialog import IntakeEditDialog
from shelterdesk.ui.cases.legal_form import LegalConsultationForm
from shelterdesk.ui.cases.note_form import NoteForm
from shelterdesk.ui.cases.perpetrator_form import PerpetratorForm
from shelterdesk.ui.cases.records_tab import RecordTableModel
from shelterdesk.ui.cases.service_form import OtherServiceForm
from shelterdesk.ui.cases.tab_specs import CONSENTS, LEGAL
from tests.cases_helpers import WAIT_MS, ModelTesters, newest, type_text
from tests.records_helpers import intake

pytestmark = pytest.mark.gui


@pytest.fixture
def case_id(admin_session: Session) -> str:
    organisations.add_organisation(admin_session, Organisation("Hüquqi Yardım Mərkəzi", "ngo"))
    return intake(admin_session).id


@pytest.fixture
def file_page(qtbot, admin_session: Session, case_id: str) -> ClientFilePage:
    page = ClientFilePage(CaseContext(admin_session))
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    with qtbot.waitSignal(page.opened, timeout=WAIT_MS):
        page.open_case(case_id)
    return page


def add_through(qtbot, page: ClientFilePage, key: str, form_type: type):
    assert page.select_tab(key)
    tab = page.tab(key)
    qtbot.waitUntil(lambda: tab.is_loaded and not tab.context.busy, timeout=WAIT_MS)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    form = newest(tab, form_type)
    assert form is not None
    return tab, form


def save(qtbot, form) -> None:
    assert form.save_button.isEnabled(), form.hint_label.text()
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


def test_record_table_model_passes_the_model_testers(qtmodeltester, admin_session: Session,
                                                     case_id: str) -> None:
    model = RecordTableModel(CONSENTS.columns)
    with ModelTesters(qtmodeltester, model):
        consents.add_consent(admin_session, consents.Consent(case_id, "data_storage",
                                                             date.today()))
        model.set_records(CONSENTS.load(admin_session, case_id))
        assert model.rowCount() == 1 and model.columnCount() == len(CONSENTS.columns)
        assert model.index(0, 0).data() == "Storing personal data"
        assert model.index(0, 5).data() == "in force"
        assert model.headerData(0, Qt.Orientation.Horizontal) == "Purpose"
        model.retranslate()
        model.clear()
        assert model.rowCount() == 0


def test_tabs_follow_the_coordinators_roles(file_page: ClientFilePage) -> None:
    assert file_page.tab_keys() == ["overview", "intake", "legal", "medical", "services",
                                    "stays", "referrals", "consents", "evidence",
                                    "perpetrators", "notes", "follow_ups"]
    assert "Intake recorded" in file_page.overview.text("activity")


def test_legal_form_shows_domain_problems_beside_the_field(qtbot,
                                                         file_page: ClientFilePage) -> None:
    tab, form = add_through(qtbot, file_page, "legal", LegalConsultationForm)
    assert not form.save_button.isEnabled()
    assert "Still to fill in: Topic." in form.hint_label.text()
    assert not form.problem_labels["topic"].isVisible()  # untouched: a hint, not an error
    form.topic_picker.setCurrentIndex(form.topic_picker.findData("compensation"))
    form.next_step_date.set_value(date.today() - timedelta(days=3))
    assert form.problem_labels["next_step_date"].isVisible()
    assert form.problem_labels["next_step_date"].text() == "is before Date"
    assert not form.save_button.isEnabled()
    form.next_step_date.set_value(date.today() + timedelta(days=14))
    assert not form.problem_labels["next_step_date"].isVisible()
    form.next_step_edit.setText("Claim filed at the district court")
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    assert "Claim filed" in tab.details_label.text()
    assert tab.model.index(0, 1).data() == "Compensation claim"


def test_service_and_follow_up_forms(qtbot, file_page: ClientFilePage, admin_session: Session,
                                     case_id: str) -> None:
    tab, form = add_through(qtbot, file_page, "services", OtherServiceForm)
    form.kind_picker.setCurrentIndex(form.kind_picker.findData("psychosocial"))
    qtbot.waitUntil(lambda: form.provider_picker.count() == 2, timeout=WAIT_MS)
    form.provider_picker.setCurrentIndex(1)
    type_text(form.description_edit, "Group session")
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    assert tab.model.index(0, 2).data() == "Hüquqi Yardım Mərkəzi"

    tab, form = add_through(qtbot, file_page, "follow_ups", FollowUpForm)
    form.kind_picker.setCurrentIndex(form.kind_picker.findData("court_date"))
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    assert tab.model.index(0, 3).data() == "this week"
    done = tab.action_buttons[0]
    assert done.isEnabled()
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.index(0, 3).data() == "done", timeout=WAIT_MS)
    assert tasks.list_follow_ups(admin_session, case_id)[0].done_at is not None
    assert not done.isEnabled()


def test_consent_needs_an_organisation_for_a_referral_and_can_be_withdrawn(
        qtbot, file_page: ClientFilePage, admin_session: Session, case_id: str,
        monkeypatch) -> None:
    tab, form = add_through(qtbot, file_page, "consents", ConsentForm)
    form.purpose_picker.setCurrentIndex(form.purpose_picker.findData("referral"))
    assert not form.save_button.isEnabled()
    assert form.problem_labels["to_org_id"].isHidden()
    assert "For the organisation" in form.hint_label.text()
    qtbot.waitUntil(lambda: form.org_picker.count() == 2, timeout=WAIT_MS)
    form.org_picker.setCurrentIndex(1)
    form.expires_field.set_value(date.today() + timedelta(days=180))
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    assert tab.model.index(0, 5).data() == "in force"
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_args: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.action_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.index(0, 5).data().startswith("withdrawn"),
                    timeout=WAIT_MS)
    assert not consents.list_consents(admin_session, case_id)[0].in_force(date.today())


def drop_file(widget, path: Path) -> None:
    """A file dragged from the file manager: enter (accepted by the widget), then drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    with warnings.catch_warnings():  # PySide6 marks this constructor deprecated, yet it is
        warnings.simplefilter("ignore", DeprecationWarning)  # the one a drag starts with
        enter = QDragEnterEvent(widget.rect().center(), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(
        QPointF(widget.rect().center()), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def test_evidence_dropped_shows_its_hash_and_keeps_a_custody_chain(
        qtbot, file_page: ClientFilePage, admin_session: Session, case_id: str,
        tmp_path: Path) -> None:
    screenshot = tmp_path / "chat.png"
    screenshot.write_bytes(b"\x89PNG fake screenshot of a recruiter's messages")
    digest = hashlib.sha256(screenshot.read_bytes()).hexdigest()
    tab, form = add_through(qtbot, file_page, "evidence", EvidenceForm)
    form.kind_picker.setCurrentIndex(form.kind_picker.findData("screenshot"))
    assert form.problems(form.record())[0].field == "file_name"  # a file or a link needed
    drop_file(form.file_field, screenshot)
    qtbot.waitUntil(lambda: form.file_field.loaded is not None, timeout=WAIT_MS)
    assert form.file_field.hash_label.text() == f"SHA-256: {digest}"
    form.platform_picker.setCurrentIndex(form.platform_picker.findData("instagram"))
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    item = evidence.list_evidence(admin_session, case_id)[0]
    assert item.sha256 == digest and item.file_name == "chat.png"
    qtbot.waitUntil(lambda: "Captured" in tab.details_label.text(), timeout=WAIT_MS)
    assert grouped_hash(digest) in tab.details_label.text()  # four groups of 16: it wraps
    qtbot.mouseClick(tab.custody_button, Qt.MouseButton.LeftButton)
    custody = newest(tab, CustodyEventForm)
    custody.kind_picker.setCurrentIndex(custody.kind_picker.findData("handed_to_police"))
    custody.recipient_edit.setText("x")
    custody.recipient_edit.clear()
    assert custody.problem_labels["recipient"].text() == "is required"
    custody.recipient_edit.setText("Baku police, unit 5")
    save(qtbot, custody)
    qtbot.waitUntil(lambda: "Baku police" in tab.details_label.text(), timeout=WAIT_MS)
    kinds = [e.kind for e in evidence.custody_chain(admin_session, item.id)]
    assert kinds == ["captured", "handed_to_police"]


def test_perpetrator_problems_and_accounts(qtbot, file_page: ClientFilePage,
                                           admin_session: Session, case_id: str) -> None:
    tab, form = add_through(qtbot, file_page, "perpetrators", PerpetratorForm)
    assert not form.save_button.isEnabled()
    form.roles_list.boxes["recruiter"].setChecked(True)
    form.phones_edit.setText("not a phone")
    assert form.problem_labels["phones"].text() == "is not a phone number"
    form.phones_edit.setText("+994 55 123 45 67, 0501234567")
    platform, handle = form.accounts_field.rows[0]
    platform.setCurrentIndex(platform.findData("instagram"))
    handle.setText("@baku_jobs_dubai")
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    saved = tab.model.record_at(0)
    assert saved.accounts == [{"platform": "instagram", "handle": "@baku_jobs_dubai"}]
    assert saved.phones == ["+994 55 123 45 67", "0501234567"]
    assert "@baku_jobs_dubai" in tab.details_label.text()


def test_a_note_is_found_by_the_search(qtbot, file_page: ClientFilePage,
                                       admin_session: Session, case_id: str) -> None:
    tab, form = add_through(qtbot, file_page, "notes", NoteForm)
    type_text(form.body_edit, "Recruited through a Telegram channel about Şəki vineyards")
    save(qtbot, form)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    found = case_list.list_cases(admin_session, CaseFilter(search="seki vineyards"))
    assert [r.case_id for r in found] == [case_id]


def test_intake_corrected_from_the_intake_tab(qtbot, file_page: ClientFilePage,
                                              admin_session: Session, case_id: str) -> None:
    file_page.select_tab("intake")
    assert "Hidden in privacy mode" in file_page.intake_tab.text()
    qtbot.mouseClick(file_page.intake_tab.edit_button, Qt.MouseButton.LeftButton)
    form = newest(file_page.intake_tab, IntakeEditDialog)
    assert form.fields["family_name"].value() == "Məmmədova"
    assert "consent_purposes" not in form.fields and "status" in form.fields
    form.fields["status"].setCurrentIndex(form.fields["status"].findData("follow_up"))
    form.fields["family_name"].clear()
    type_text(form.fields["family_name"], "Qarayeva")
    with qtbot.waitSignal(file_page.opened, timeout=WAIT_MS):
        save(qtbot, form)
    client, case = clients.get_case(admin_session, case_id)
    assert client.family_name == "Qarayeva" and case.status == "follow_up"
    assert "In follow-up" in file_page.state_label.text()
    # Privacy mode: the header shows the code and initials until the eye is pressed.
    name = file_page.name_widget
    assert "Q." in name.name_label.text() and "Qarayeva" not in name.name_label.text()
    qtbot.mouseClick(name.reveal_button, Qt.MouseButton.LeftButton)
    assert name.name_label.text() == "Aynur Qarayeva"
    assert "Qarayeva" in file_page.intake_tab.text()


def test_file_page_follows_the_language(qtbot, file_page: ClientFilePage) -> None:
    set_language("az")
    try:
        from PySide6.QtCore import QEvent

        QApplication.sendEvent(file_page, QEvent(QEvent.Type.LanguageChange))
        titles = [file_page.tabs.nav.item(r).text() for r in range(file_page.tabs.nav.count())]
        assert titles[:3] == ["Ümumi baxış", "Qəbul", "Hüquqi məsləhətlər"]
        assert file_page.back_button.text() == "← Bütün işlər"
    finally:
        set_language("en")


def test_forms_keep_drafts_until_saved(qtbot, admin_session: Session, case_id: str) -> None:
    """The keeper writes only what changed, and nothing once the form is saved."""
    from shelterdesk.store.records import drafts

    form = LegalConsultationForm(CaseContext(admin_session, draft_interval_ms=100), case_id)
    form.show()  # not given to qtbot: a saved form deletes itself (WA_DeleteOnClose)
    qtbot.wait(300)
    assert drafts.load_draft(admin_session, "legal", case_id) is None  # untouched: no draft
    form.topic_picker.setCurrentIndex(form.topic_picker.findData("labour_claim"))
    qtbot.waitUntil(lambda: drafts.load_draft(admin_session, "legal", case_id) is not None,
                    timeout=WAIT_MS)
    assert drafts.load_draft(admin_session, "legal", case_id).content["topic"] == "labour_claim"
    save(qtbot, form)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form), timeout=WAIT_MS)
    assert drafts.load_draft(admin_session, "legal", case_id) is None
    assert LEGAL.load(admin_session, case_id)[0].topic == "labour_claim"



def test_admit_and_discharge_from_the_stays_tab(qtbot, file_page: ClientFilePage,
                                                admin_session: Session, case_id: str) -> None:
    from shelterdesk.domain.shelters import Bed, Room, Shelter
    from shelterdesk.store.records import shelters, stays
    from shelterdesk.ui.shelter.stay_dialogs import AdmitDialog, DischargeDialog

    shelter = shelters.add_shelter(admin_session, Shelter("Ümid evi"))
    room = shelters.add_room(admin_session, Room(shelter.id, "Otaq 1"))
    shelters.add_bed(admin_session, Bed(room.id, "Çarpayı 1"))
    file_page.select_tab("stays")
    tab = file_page.tab("stays")
    qtbot.waitUntil(lambda: tab.is_loaded and tab.admit_button.isEnabled(), timeout=WAIT_MS)
    assert not tab.discharge_button.isEnabled()
    qtbot.mouseClick(tab.admit_button, Qt.MouseButton.LeftButton)
    admit = newest(tab, AdmitDialog)
    assert admit.case_label.text().endswith("A. M.")  # privacy mode: initials only
    qtbot.waitUntil(lambda: admit.save_button.isEnabled(), timeout=WAIT_MS)
    with qtbot.waitSignal(admit.admitted, timeout=WAIT_MS):
        qtbot.mouseClick(admit.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    assert tab.model.index(0, 2).data() == "Ümid evi · Otaq 1 · Çarpayı 1"
    assert not tab.admit_button.isEnabled() and tab.discharge_button.isEnabled()
    qtbot.waitUntil(lambda: "Ümid evi" in file_page.overview.text("stay"), timeout=WAIT_MS)
    qtbot.mouseClick(tab.discharge_button, Qt.MouseButton.LeftButton)
    discharge = newest(tab, DischargeDialog)
    discharge.reason_combo.setCurrentIndex(discharge.reason_combo.findData("independent"))
    with qtbot.waitSignal(discharge.discharged, timeout=WAIT_MS):
        qtbot.mouseClick(discharge.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.index(0, 3).data() == "Moved to independent living",
                    timeout=WAIT_MS)
    assert stays.open_stay(admin_session, case_id) is None
    assert tab.admit_button.isEnabled() and not tab.discharge_button.isEnabled()
