"""The Referrals section through the real widgets: filters, allowed moves only, dates, outcome."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.referrals import Organisation, Referral
from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area
from shelterdesk.i18n import format_date
from shelterdesk.store.records import organisations, referrals
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.referrals.referral_model import ReferralTableModel
from shelterdesk.ui.referrals.referral_status_dialog import ReferralStatusDialog
from shelterdesk.ui.referrals.referrals_page import ReferralsPage
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake
from tests.screen_texts import names_shown
from tests.test_ui_shelter_board import CLIENT_NAMES

pytestmark = pytest.mark.gui
TODAY = date.today()
REFERRED = TODAY - timedelta(days=10)
COLUMNS = ReferralTableModel.Columns


@pytest.fixture
def world(admin_session: Session):
    add_role_users(admin_session)
    clinic = organisations.add_organisation(admin_session, Organisation("Klinika", "ngo"))
    lawyers = organisations.add_organisation(admin_session,
                                             Organisation("Hüquqi Yardım Mərkəzi", "ngo"))
    aynur = intake(admin_session)
    leyla = intake(admin_session, given_name="Leyla", family_name="Həsənova")
    draft = referrals.create_referral(admin_session, Referral(
        aynur.id, clinic.id, ["medical", "psychosocial"], REFERRED, anonymized=True))
    sent = referrals.create_referral(admin_session, Referral(
        leyla.id, lawyers.id, ["legal"], REFERRED - timedelta(days=5), anonymized=True,
        urgency="urgent"))
    referrals.set_status(admin_session, sent.id, "sent", on=REFERRED - timedelta(days=4))
    return draft, sent, aynur, clinic, lawyers


def open_page(qtbot, vault: Vault, username: str, passphrase: str):
    window = make_window(qtbot, vault)
    unlock(qtbot, window, username, passphrase)
    window.work_area.select_area(Area.REFERRALS)
    page = window.work_area.page_for[Area.REFERRALS]
    assert isinstance(page, ReferralsPage)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 2, timeout=WAIT_MS)
    return window, page


def select(page: ReferralsPage, referral_id: str) -> None:
    row = page.model.row_of(referral_id)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
    assert page.selected().referral_id == referral_id


def cell(page: ReferralsPage, referral_id: str, column: int) -> str:
    return page.model.index(page.model.row_of(referral_id), column).data()


def test_status_changes_through_the_dialog(qtbot, vault: Vault, world) -> None:
    draft, sent, aynur, clinic, _lawyers = world
    window, page = open_page(qtbot, vault, ADMIN, ADMIN_PASSPHRASE)
    assert cell(page, draft.id, COLUMNS.STATUS) == "Draft"
    assert cell(page, draft.id, COLUMNS.SERVICES) == "Medical care and Psychosocial support"
    assert cell(page, sent.id, COLUMNS.URGENCY) == "Urgent (within 3 days)"
    assert cell(page, draft.id, COLUMNS.ANONYMIZED) == "Yes"
    assert cell(page, draft.id, COLUMNS.CASE) == f"{aynur.case_code} · A. M."
    assert names_shown(window, *CLIENT_NAMES) == []
    assert not page.change_button.isEnabled()  # nothing chosen yet

    # Draft → only "sent" is offered, already chosen; a date before the referral is refused.
    select(page, draft.id)
    assert page.change_button.isEnabled()
    qtbot.mouseClick(page.change_button, Qt.MouseButton.LeftButton)
    [dialog] = page.findChildren(ReferralStatusDialog)
    assert list(dialog.status_buttons) == ["sent"] and dialog.new_status() == "sent"
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-11))
    assert dialog.date_message_label.text() == "Date of the change: is before Referral date"
    assert not dialog.save_button.isEnabled()
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(9))  # two days ago
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(page, draft.id, COLUMNS.STATUS) == "Sent", timeout=WAIT_MS)
    assert cell(page, draft.id, COLUMNS.LAST_CHANGE) == format_date(
        TODAY - timedelta(days=2), fmt="short")
    assert page.selected().referral_id == draft.id  # the row stays chosen

    # Sent → accepted or declined, nothing chosen for the person; declined with an outcome.
    dialog = page.open_status_dialog()
    assert list(dialog.status_buttons) == ["accepted", "declined"]
    assert dialog.new_status() == "" and not dialog.save_button.isEnabled()
    dialog.status_buttons["declined"].setChecked(True)
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-3))  # before the last change
    assert "Last change of status" in dialog.date_message_label.text()
    assert not dialog.save_button.isEnabled()
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(3))
    qtbot.keyClicks(dialog.outcome_edit, "No free places this month")
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(page, draft.id, COLUMNS.STATUS) == "Declined",
                    timeout=WAIT_MS)
    assert cell(page, draft.id, COLUMNS.OUTCOME) == "No free places this month"
    assert "No free places this month" in page.details_label.text()
    assert not page.change_button.isEnabled()  # declined is final
    assert page.open_status_dialog() is None
    stored = referrals.get_referral(window.session, draft.id)
    assert (stored.status, stored.outcome) == ("declined", "No free places this month")

    # Filters: by status, then by organisation.
    page.status_combo.setCurrentIndex(page.status_combo.findData("sent"))
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1, timeout=WAIT_MS)
    assert page.model.item_at(0).referral_id == sent.id
    page.status_combo.setCurrentIndex(0)
    page.org_combo.setCurrentIndex(page.org_combo.findData(clinic.id))
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1, timeout=WAIT_MS)
    assert page.model.item_at(0).referral_id == draft.id
    window.close()


def test_legal_advisor_sees_referrals_but_cannot_move_them(qtbot, vault: Vault, world) -> None:
    draft = world[0]
    window, page = open_page(qtbot, vault, ROLE_USERS[Role.LEGAL_ADVISOR], ROLE_PASSPHRASE)
    select(page, draft.id)
    assert not page.change_button.isVisible()
    assert page.open_status_dialog() is None
    window.close()


def test_referral_model(qtmodeltester, admin_session: Session, world) -> None:
    from shelterdesk.ui.referrals.referral_model import ReferralItem

    model = ReferralTableModel()
    model.set_rows([ReferralItem(row, row.case_code)
                    for row in referrals.list_referrals(admin_session)])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.headerData(COLUMNS.ORGANISATION, Qt.Orientation.Horizontal) == "Referred to"
