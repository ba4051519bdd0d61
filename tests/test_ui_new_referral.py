"""A new referral made in the window: the anonymized sheet first, then, once a consent that
covers the name and contact details is recorded right in the dialog, the identified form with
exactly those details; a reprint leaves out medical content whose consent was withdrawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.store import audit
from shelterdesk.store.records import consents, referrals
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.cases.consent_form import ConsentForm
from shelterdesk.ui.referrals.new_referral_dialog import NewReferralDialog
from shelterdesk.ui.referrals.referral_preview import ReferralPreviewDialog
from tests.cases_helpers import WAIT_MS, cases_page, newest, search_and_open
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock
from tests.records_helpers import add_role_users
from tests.referral_helpers import FAMILY, GIVEN, build_world, consent_for, pdf_text
from tests.test_ui_case_workflow import login_as

pytestmark = pytest.mark.gui

PHONE, ADDRESS, DOCUMENT = "+994 50 123 45 67", "Nizami", "AA1234567"
MEDICAL = "Fractured wrist"


def squash(text: str) -> str:
    return " ".join(text.split())


def tick(qtbot, box) -> None:
    """Click a check box or radio button on its indicator, as a person would."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def new_referral_dialog(qtbot, tab) -> NewReferralDialog:
    assert tab.new_button.isVisible() and tab.new_button.isEnabled()
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = newest(tab, NewReferralDialog)
    assert dialog is not None
    return dialog


def choose_org(qtbot, dialog: NewReferralDialog, org_id: str) -> None:
    qtbot.waitUntil(lambda: dialog.org_picker.findData(org_id) >= 0, timeout=WAIT_MS)
    dialog.org_picker.setCurrentIndex(dialog.org_picker.findData(org_id))
    qtbot.waitUntil(lambda: dialog.consent_known, timeout=WAIT_MS)


def make(qtbot, dialog: NewReferralDialog, parent) -> ReferralPreviewDialog:
    assert dialog.make_button.isEnabled()
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    preview = dialog.preview
    assert isinstance(preview, ReferralPreviewDialog) and preview.parent() is parent
    assert preview.pdf is not None and preview.document.pageCount() >= 1
    return preview


@pytest.fixture
def world(admin_session: Session):
    add_role_users(admin_session)
    world = build_world(admin_session)
    consent_for(admin_session, world, "medical_sharing")
    return world


def test_sheet_then_consent_then_identified_form_from_the_client_file(
        qtbot, vault: Vault, admin_session: Session, world) -> None:
    window = make_window(qtbot, vault)
    login_as(qtbot, window, Role.CASE_WORKER)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    cases.file_page.select_tab("referrals")
    tab = cases.file_page.record_tabs["referrals"]
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=WAIT_MS)

    # No consent yet: the form that names her is not offered, and the dialog says why.
    dialog = new_referral_dialog(qtbot, tab)
    choose_org(qtbot, dialog, world.org.id)
    assert not dialog.identified_radio.isEnabled() and dialog.anonymized_radio.isChecked()
    assert "only the anonymized sheet" in dialog.consent_label.text()
    assert dialog.record_consent_button.isVisibleTo(dialog)
    assert set(dialog.services.value()) == {"legal", "medical"}  # what the org offers
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("az"))
    sheet = make(qtbot, dialog, tab)
    text = squash(pdf_text(sheet.pdf))
    assert FAMILY not in text and GIVEN not in text and PHONE not in text
    sheet.reject()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)

    # The consent is recorded inline: name and contact details only.
    dialog = new_referral_dialog(qtbot, tab)
    choose_org(qtbot, dialog, world.org.id)
    qtbot.mouseClick(dialog.record_consent_button, Qt.MouseButton.LeftButton)
    form = newest(dialog, ConsentForm)
    assert form.purpose_picker.value() == "referral"
    qtbot.waitUntil(lambda: form.org_picker.value() == world.org.id, timeout=WAIT_MS)
    assert form.details_checks.value() == ["name"]  # nothing more until a person ticks it
    tick(qtbot, form.details_checks.boxes["contact"])
    assert form.details_checks.value() == ["name", "contact"]
    with qtbot.waitSignal(form.saved, timeout=WAIT_MS):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.consent is not None, timeout=WAIT_MS)
    assert dialog.consent.details == ["name", "contact"]
    assert dialog.identified_radio.isEnabled() and not dialog.record_consent_button.isVisible()
    tick(qtbot, dialog.identified_radio)
    assert dialog.identified_radio.isChecked()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    form_preview = make(qtbot, dialog, tab)
    text = squash(pdf_text(form_preview.pdf))
    assert f"{GIVEN} {FAMILY}" in text and PHONE in text
    assert ADDRESS not in text and DOCUMENT not in text and "1999" not in text
    assert form_preview.warning_label.isVisible()
    form_preview.reject()
    found = referrals.list_referrals(admin_session, case_id=world.case.id)
    assert sorted(r.referral.anonymized for r in found) == [False, True]
    window.close()


def test_a_reprint_leaves_out_medical_content_once_its_consent_is_withdrawn(
        qtbot, vault: Vault, admin_session: Session, world) -> None:
    consent_for(admin_session, world, details=["name", "contact"])
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.REFERRALS)
    page = window.work_area.page_for[Area.REFERRALS]
    qtbot.waitUntil(lambda: not page.loading, timeout=WAIT_MS)

    # From the Referrals section, with the case picker.
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, NewReferralDialog)
    picker = dialog.case_picker
    qtbot.waitUntil(lambda: not picker.searching and picker.model.rowCount() >= 1,
                    timeout=WAIT_MS)
    picker.table.selectRow(0)
    choose_org(qtbot, dialog, world.org.id)
    tick(qtbot, dialog.identified_radio)
    assert dialog.identified_radio.isChecked()
    made = make(qtbot, dialog, page)
    assert made.medical_included and MEDICAL in squash(pdf_text(made.pdf))
    made.reject()
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1, timeout=WAIT_MS)

    consents.withdraw(admin_session, world.case.id, "medical_sharing", world.org.id)
    page.table.selectRow(0)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    [reprint] = [d for d in page.findChildren(ReferralPreviewDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: not reprint.rendering and reprint.pdf is not None, timeout=WAIT_MS)
    text = squash(pdf_text(reprint.pdf))
    assert f"{GIVEN} {FAMILY}" in text and PHONE in text and MEDICAL not in text
    assert not reprint.medical_included
    actions = [e.action for e in audit.recent(admin_session.connection, 5)]
    assert "referral.print" in actions
    reprint.reject()
    window.close()


def test_with_an_empty_directory_the_dialog_says_so_and_makes_nothing(
        qtbot, vault: Vault, admin_session: Session) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.REFERRALS)
    page = window.work_area.page_for[Area.REFERRALS]
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = newest(page, NewReferralDialog)
    qtbot.waitUntil(lambda: dialog.org_picker.is_loaded, timeout=WAIT_MS)
    assert "no organisation" in dialog.consent_label.text()
    assert not dialog.make_button.isEnabled()
    dialog.reject()
    window.close()


def test_a_coordinator_overrides_with_a_reason(qtbot, vault: Vault, admin_session: Session,
                                               world) -> None:
    from tests.cases_helpers import type_text

    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    cases = cases_page(qtbot, window)
    search_and_open(qtbot, cases, "mammadova")
    cases.file_page.select_tab("referrals")
    tab = cases.file_page.record_tabs["referrals"]
    dialog = new_referral_dialog(qtbot, tab)
    choose_org(qtbot, dialog, world.org.id)
    assert dialog.consent is None and dialog.identified_radio.isEnabled()
    tick(qtbot, dialog.identified_radio)
    assert dialog.override_check.isVisible() and not dialog.make_button.isEnabled()
    tick(qtbot, dialog.override_check)
    assert not dialog.make_button.isEnabled()  # not without a reason
    type_text(dialog.override_edit, "Xəstəxanaya yerləşdirilir, bu gecə")
    made = make(qtbot, dialog, tab)
    text = squash(pdf_text(made.pdf))
    assert FAMILY in text and "Xəstəxanaya yerləşdirilir, bu gecə" in text
    [recorded] = referrals.list_referrals(admin_session, case_id=world.case.id)
    assert recorded.referral.override_reason == "Xəstəxanaya yerləşdirilir, bu gecə"
    made.reject()
    window.close()
