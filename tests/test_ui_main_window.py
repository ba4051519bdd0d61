"""The main window: sections by role, users added in Administration, locking and unlocking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from shelterdesk.domain.roles import Role
from shelterdesk.domain.workspace import Area, area_label
from shelterdesk.store import settings
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.clipboard_guard import ClipboardGuard
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def sidebar_texts(window) -> list[str]:
    sidebar = window.work_area.sidebar
    return [sidebar.item(row).text() for row in range(sidebar.count())]


def test_sidebar_differs_by_role(qtbot, vault: Vault, admin_session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    users.add_user(admin_session, "murad", [Role.STATISTICS], WORKER_PASSPHRASE)
    users.add_user(admin_session, "nigar", [Role.MEDICAL], WORKER_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert sidebar_texts(window) == ["Cases", "Shelter", "Referrals", "Follow-ups",
                                     "Statistics", "Sync", "Administration", "My account"]
    expected = {
        "leyla": ["Cases", "Shelter", "Referrals", "Follow-ups", "My account"],
        "murad": ["Statistics", "My account"],
        "nigar": ["Cases", "Referrals", "Follow-ups", "My account"],
    }
    for username, sections in expected.items():
        window.lock_now()
        unlock(qtbot, window, username, WORKER_PASSPHRASE)
        assert window.session.user.username == username
        assert sidebar_texts(window) == sections
        assert Area.ADMINISTRATION not in window.work_area.page_for
        assert not window.work_area.select_area(Area.ADMINISTRATION)
    window.close()


def test_no_section_says_it_is_still_being_built(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    for area in window.work_area.areas:
        assert window.work_area.select_area(area)
        page = window.work_area.pages.currentWidget()
        texts = " ".join(label.text() for label in page.findChildren(QLabel))
        assert "still being built" not in texts
        assert window.windowTitle() == "ShelterDesk — " + area_label(area)
    window.close()


def test_coordinator_adds_a_user_who_then_logs_in(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.work_area.select_area(Area.ADMINISTRATION)
    users_page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: users_page.model.rowCount() == 1, timeout=WAIT_MS)
    dialog = users_page.open_add_dialog()
    qtbot.keyClicks(dialog.username_edit, "Leyla")
    qtbot.keyClicks(dialog.display_name_edit, "Leyla H.")
    dialog.role_boxes[Role.CASE_WORKER].setChecked(True)
    dialog.role_boxes[Role.LEGAL_ADVISOR].setChecked(True)
    qtbot.keyClicks(dialog.passphrase.passphrase_edit, WORKER_PASSPHRASE)
    qtbot.keyClicks(dialog.passphrase.repeat_edit, "not the same")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "not the same" in dialog.message_label.text()
    dialog.passphrase.repeat_edit.clear()
    qtbot.keyClicks(dialog.passphrase.repeat_edit, WORKER_PASSPHRASE)
    with qtbot.waitSignal(dialog.user_added, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: users_page.model.rowCount() == 2, timeout=WAIT_MS)
    names = [users_page.model.user_at(r).username for r in range(2)]
    assert names == [ADMIN, "leyla"]
    assert "Case worker" in users_page.model.index(1, users_page.model.Columns.ROLES).data()
    window.lock_now()
    unlock(qtbot, window, "leyla", WORKER_PASSPHRASE)
    assert window.session is not None and window.session.user.username == "leyla"
    assert window.session.user.roles == (Role.CASE_WORKER, Role.LEGAL_ADVISOR)
    window.close()


def test_coordinator_resets_and_disables_a_user(qtbot, vault: Vault, admin_session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    users_page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: users_page.model.rowCount() == 2, timeout=WAIT_MS)
    users_page.table.selectRow(1)
    dialog = users_page.open_reset_dialog()
    dialog.passphrase.passphrase_edit.setText("leyla's new passphrase")
    dialog.passphrase.repeat_edit.setText("leyla's new passphrase")
    with qtbot.waitSignal(dialog.passphrase_reset, timeout=WAIT_MS):
        dialog.save()
    vault.unlock("leyla", "leyla's new passphrase").close()
    users_page.table.selectRow(1)
    users_page.disable("leyla")
    qtbot.waitUntil(lambda: users_page.model.rowCount() == 2
                    and users_page.model.user_at(1).disabled, timeout=WAIT_MS)
    assert users_page.model.index(1, users_page.model.Columns.STATE).data() == "disabled"
    window.close()


def test_user_table_model(qtmodeltester, admin_session) -> None:
    from shelterdesk.ui.administration.users_page import UserTableModel

    model = UserTableModel()
    model.set_rows(users.list_users(admin_session))
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "User name"
    model.clear()
    assert model.rowCount() == 0


def test_idle_lock_hides_everything_and_closes_the_vault(qtbot, vault: Vault) -> None:
    clipboard = ClipboardGuard(QApplication.clipboard())
    window = make_window(qtbot, vault, idle_timeout_ms=300, clipboard=clipboard)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    users_page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    qtbot.waitUntil(lambda: users_page.model.rowCount() == 1, timeout=WAIT_MS)
    session = window.session
    clipboard.copy("TU-2025-ABCDE")
    with qtbot.waitSignal(window.locked, timeout=5_000):
        pass  # no input at all: the inactivity filter fires after 300 ms
    assert not session.is_open
    assert window.session is None and window.work_area is None
    assert window.stack.currentWidget() is window.unlock_page
    assert window.stack.count() == 1  # the work area and its models are gone
    assert users_page.model.rowCount() == 0
    assert QApplication.clipboard().text() == ""
    assert window.windowTitle() == "ShelterDesk"
    assert not window.toolbar.isVisible()


def test_activity_postpones_the_idle_lock(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault, idle_timeout_ms=400)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    for _step in range(4):
        qtbot.wait(200)
        qtbot.keyClick(window.work_area.sidebar, Qt.Key.Key_Down)
    assert window.session is not None
    qtbot.waitUntil(lambda: window.session is None, timeout=5_000)


def test_auto_lock_minutes_come_from_settings(qtbot, vault: Vault, admin_session) -> None:
    settings.set_value(admin_session, "auto_lock_minutes", 2)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.inactivity.timeout_ms == 120_000 and window.inactivity.active
    window.close()


def test_quick_hide_shortcut_locks_at_once(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    session = window.session
    window.activateWindow()
    window.work_area.sidebar.setFocus()
    qtbot.keyClick(window.work_area.sidebar, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session is None and not session.is_open
    assert window.stack.currentWidget() is window.unlock_page


def test_toolbar_button_locks(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    button = window.toolbar.widgetForAction(window.lock_action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.is_locked


def test_unlock_returns_to_the_same_screen_for_the_same_user(qtbot, vault: Vault,
                                                            admin_session) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.SYNC)
    window.lock_now()
    assert window.unlock_page.user_edit.text() == ADMIN
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    assert window.current_area() == Area.SYNC
    assert window.windowTitle() == "ShelterDesk — Sync"
    window.lock_now()
    unlock(qtbot, window, "leyla", WORKER_PASSPHRASE)
    assert window.current_area() == Area.CASES
    window.close()


def test_screen_lock_locks(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.screen_lock.on_screensaver_active(True)
    assert window.is_locked


def test_lock_closes_open_dialogs(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    window.work_area.select_area(Area.ADMINISTRATION)
    users_page = window.work_area.page_for[Area.ADMINISTRATION].users_page
    dialog = users_page.open_add_dialog()
    dialog.username_edit.setText("someone")
    assert dialog.isVisible()
    window.lock_now()
    assert not dialog.isVisible()


def test_demo_vault_has_demo_data_and_opens(qtbot, tmp_path) -> None:
    from shelterdesk.store.records import organisations, shelters
    from shelterdesk.ui.shell.app import DEMO_PASSPHRASE, DEMO_USER, create_demo_vault

    vault = create_demo_vault(tmp_path / "demo", clients=5)
    window = make_window(qtbot, vault)
    unlock(qtbot, window, DEMO_USER, DEMO_PASSPHRASE)
    assert window.session is not None
    assert organisations.list_organisations(window.session)
    assert shelters.board(window.session)
    count = window.session.connection.execute("SELECT count(*) FROM clients").fetchone()[0]
    assert count == 5
    window.close()
