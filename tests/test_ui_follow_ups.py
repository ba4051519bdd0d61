"""The Follow-ups section through the real widgets: buckets, one-click done and undo, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.referrals import Consent, Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.domain.tasks import FollowUp
from shelterdesk.domain.workspace import Area
from shelterdesk.store.records import consents, organisations, tasks
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.follow_ups.follow_up_model import DueItem, FollowUpTableModel
from shelterdesk.ui.follow_ups.follow_ups_page import FollowUpsPage
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS, add_role_users, intake, login
from tests.screen_texts import names_shown
from tests.test_ui_shelter_board import CLIENT_NAMES

pytestmark = pytest.mark.gui
TODAY = date.today()
COLUMNS = FollowUpTableModel.Columns


@pytest.fixture
def world(vault: Vault, admin_session: Session):
    """A case worker's own case with hand-made tasks, and a coordinator's case besides."""
    add_role_users(admin_session)
    theirs = intake(admin_session, given_name="Leyla", family_name="Həsənova")
    tasks.add_follow_up(admin_session, FollowUp(theirs.id, TODAY, "check_in",
                                                "Call about the hearing"))
    org = organisations.add_organisation(admin_session, Organisation("Klinika", "ngo"))
    with login(vault, Role.CASE_WORKER) as worker:
        mine = intake(worker)
        made = {
            "overdue": FollowUp(mine.id, TODAY - timedelta(days=2), "medical", "Blood test"),
            "today": FollowUp(mine.id, TODAY, "court_date", "Testimony, room 4"),
            "week": FollowUp(mine.id, TODAY + timedelta(days=3), "legal_deadline"),
            "later": FollowUp(mine.id, TODAY + timedelta(days=12), "check_in"),
            "done": FollowUp(mine.id, TODAY - timedelta(days=1), "other"),
        }
        for task in made.values():
            tasks.add_follow_up(worker, task)
        tasks.complete_follow_up(worker, made["done"].id)
        consents.add_consent(worker, Consent(mine.id, "referral", TODAY - timedelta(days=360),
                                             to_org_id=org.id,
                                             expires_on=TODAY + timedelta(days=5)))
    return mine, theirs, made


def open_page(qtbot, vault: Vault, username: str, passphrase: str):
    window = make_window(qtbot, vault)
    unlock(qtbot, window, username, passphrase)
    window.work_area.select_area(Area.FOLLOW_UPS)
    page = window.work_area.page_for[Area.FOLLOW_UPS]
    assert isinstance(page, FollowUpsPage)
    qtbot.waitUntil(lambda: not page.loading and page.data is not None, timeout=WAIT_MS)
    return window, page


def column(page: FollowUpsPage, which: int) -> list[str]:
    return [page.model.index(r, which).data() for r in range(page.model.rowCount())]


def click_done(qtbot, page: FollowUpsPage, row: int) -> None:
    rect = page.table.visualRect(page.model.index(row, COLUMNS.DONE))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_case_worker_sees_their_buckets_and_marks_done(qtbot, vault: Vault, world) -> None:
    mine, theirs, made = world
    window, page = open_page(qtbot, vault, ROLE_USERS[Role.CASE_WORKER], ROLE_PASSPHRASE)
    assert not page.scope_row.isVisible()  # only their own cases, no choice to see all
    assert column(page, COLUMNS.WHEN) == ["Overdue by 2 days", "Today", "In 3 days",
                                          "In 5 days"]
    assert column(page, COLUMNS.WHAT) == ["Medical follow-up", "Court date", "Legal deadline",
                                          "Consent expiry"]
    assert set(column(page, COLUMNS.CASE)) == {f"{mine.case_code} · A. M."}
    assert column(page, COLUMNS.DETAILS)[:2] == ["Blood test", "Testimony, room 4"]
    assert column(page, COLUMNS.DETAILS)[3] == (
        "Consent: Referral to another organisation (Klinika). Renew it in the client's file.")
    assert column(page, COLUMNS.DONE) == ["Done", "Done", "Done", ""]  # no button for a consent
    assert [b.text() for b in page.filter_buttons.values()] == [
        "All (4)", "Overdue (1)", "Today (1)", "This week (2)"]
    assert names_shown(window, *CLIENT_NAMES) == []

    # The buckets filter the list.
    qtbot.mouseClick(page.filter_buttons["overdue"], Qt.MouseButton.LeftButton)
    assert column(page, COLUMNS.WHAT) == ["Medical follow-up"]
    qtbot.mouseClick(page.filter_buttons["week"], Qt.MouseButton.LeftButton)
    assert column(page, COLUMNS.WHAT) == ["Legal deadline", "Consent expiry"]
    qtbot.mouseClick(page.filter_buttons["all"], Qt.MouseButton.LeftButton)

    # One click on "Done" removes the task; Undo brings it back.
    click_done(qtbot, page, 1)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3, timeout=WAIT_MS)
    assert "Court date" not in column(page, COLUMNS.WHAT)
    assert page.undo_bar.isVisible()
    assert page.undo_label.text() == f"Marked as done: Court date ({mine.case_code} · A. M.)"
    assert made["today"].id not in [d.task.id for d in tasks.due_follow_ups(window.session)]
    click_done(qtbot, page, 2)  # the consent row: nothing happens
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 4, timeout=WAIT_MS)
    assert not page.undo_bar.isVisible()
    assert "Court date" in column(page, COLUMNS.WHAT)

    # Keyboard: choose a row, Ctrl+D.
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3, timeout=WAIT_MS)
    assert "Medical follow-up" not in column(page, COLUMNS.WHAT)
    window.close()


def test_a_coordinator_chooses_between_all_cases_and_their_own(qtbot, vault: Vault,
                                                               world) -> None:
    mine, theirs, _made = world
    window, page = open_page(qtbot, vault, ADMIN, ADMIN_PASSPHRASE)
    assert page.scope_row.isVisible() and page.all_radio.isChecked()
    assert len(column(page, COLUMNS.CASE)) == 5
    assert f"{theirs.case_code} · L. H." in column(page, COLUMNS.CASE)
    qtbot.mouseClick(page.mine_radio, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1, timeout=WAIT_MS)
    assert column(page, COLUMNS.CASE) == [f"{theirs.case_code} · L. H."]
    assert "your cases" in page.intro_label.text()
    assert names_shown(window, *CLIENT_NAMES) == []
    window.close()


def test_follow_up_model(qtmodeltester) -> None:
    model = FollowUpTableModel()
    model.set_rows([
        DueItem("c1", "TU-1 · A. M.", TODAY - timedelta(days=1), "medical", "x", task_id="t1"),
        DueItem("c2", "TU-2 · L. H.", TODAY + timedelta(days=1), "consent_expiry",
                consent=Consent("c2", "data_storage", TODAY, expires_on=TODAY))], TODAY)
    qtmodeltester.check(model)
    assert model.index(0, COLUMNS.WHEN).data() == "Overdue by 1 day"
    assert model.index(1, COLUMNS.WHEN).data() == "Tomorrow"
    assert model.index(1, COLUMNS.DETAILS).data() == (
        "Consent: Storing personal data. Renew it in the client's file.")
    assert model.index(0, COLUMNS.WHEN).data(Qt.ItemDataRole.DecorationRole) is not None
