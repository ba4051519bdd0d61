"""Two laptops set up through the window alone: invite, join, automatic sync, a conflict
settled in the window; and what the Sync page says when the folder or the relay is gone."""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.workspace import Area
from shelterdesk.store import audit
from shelterdesk.store.keys import recovery
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import operations_in_flight
from shelterdesk.ui.shell.main_window import MainWindow
from shelterdesk.ui.shell.setup_wizard import SetupWizard
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui

CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}-[0-9A-Z]$")
SYNC_MS = 400


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def set_up_sync_folder(qtbot, window: MainWindow, folder: Path) -> None:
    assert window.work_area.select_area(Area.SYNC)
    tab = window.work_area.page_for[Area.SYNC].status_tab
    tab.folder_radio.setChecked(True)
    tab.folder_edit.setText(str(folder))
    click(qtbot, tab.test_button)
    qtbot.waitUntil(lambda: "can be used" in tab.test_label.text(), timeout=WAIT_MS)
    click(qtbot, tab.save_button)
    qtbot.waitUntil(lambda: window.auto_sync.place.is_set, timeout=WAIT_MS)


OPEN_INVITES: dict[str, object] = {}


def invite_through_the_window(qtbot, window: MainWindow) -> str:
    page = window.work_area.page_for[Area.SYNC]
    page.tabs.setCurrentWidget(page.devices_tab)
    dialog = page.devices_tab.open_invite_dialog()
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(CODE.match(dialog.code_label.text())), timeout=WAIT_MS)
    assert not dialog.qr_label.pixmap().isNull()  # the QR code is on screen
    code = dialog.code_label.text()
    assert not dialog.confirm_button.isEnabled()  # nothing to confirm before the laptop asks
    OPEN_INVITES[code] = dialog  # stays open: the coordinator confirms the digits there
    return code


def join_through_the_wizard(qtbot, directory: Path, code: str, folder: Path):
    wizard = SetupWizard(Vault(directory))
    qtbot.addWidget(wizard)
    wizard.show()
    completed: list[object] = []
    wizard.completed.connect(completed.append)
    wizard.organisation_page.join_radio.setChecked(True)
    wizard.next()
    join = wizard.join_page
    assert wizard.currentPage() is join
    qtbot.keyClicks(join.code_edit, code.lower())
    join.folder_edit.setText(str(folder))
    qtbot.keyClicks(join.username_edit, ADMIN)
    qtbot.keyClicks(join.passphrase_edit, ADMIN_PASSPHRASE)
    assert join.isComplete()
    wizard.next()
    dialog = OPEN_INVITES.pop(code)
    # both screens show the same six digits; the coordinator compares, then confirms
    qtbot.waitUntil(lambda: bool(dialog.digits) and join.digits == dialog.digits,
                    timeout=WAIT_MS * 3)
    assert dialog.digits_label.text() == join.digits_label.text()
    assert wizard.currentPage() is join  # no keys yet: it waits for the confirmation
    cancel = wizard.button(wizard.WizardButton.CancelButton)
    assert cancel is None or cancel.isEnabled()  # waiting for a person: Cancel works
    click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=WAIT_MS * 3)
    assert dialog.confirmed
    dialog.accept()
    key = wizard.recovery_page.key_label.text()
    wizard.recovery_page.written_check.setChecked(True)
    wizard.next()
    confirm = wizard.confirm_page
    qtbot.keyClicks(confirm.group_edit, recovery.groups(key)[confirm.group_index])
    wizard.accept()
    assert len(completed) == 1
    return completed[0]


def org_phone(session, name: str) -> str | None:
    for org in organisations.list_organisations(session):
        if org.name == name:
            return org.phone
    return None


def wait_idle(qtbot, *windows: MainWindow) -> None:
    qtbot.waitUntil(lambda: not any(w.auto_sync.running for w in windows), timeout=WAIT_MS)


def test_two_laptops_through_the_window(qtbot, vault: Vault, tmp_path: Path,
                                        monkeypatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    window_a = make_window(qtbot, vault, sync_interval_ms=SYNC_MS)
    unlock(qtbot, window_a, ADMIN, ADMIN_PASSPHRASE)
    set_up_sync_folder(qtbot, window_a, shared)
    code = invite_through_the_window(qtbot, window_a)

    session_b = join_through_the_wizard(qtbot, tmp_path / "laptop-b", code, shared)
    assert session_b.meta("org_name") == "Təmiz Ürək NGO"
    window_b = MainWindow(Vault(tmp_path / "laptop-b"), QApplication.instance(),
                          sync_interval_ms=SYNC_MS)
    qtbot.addWidget(window_b)
    window_b.show()
    window_b.open_session(session_b)  # as the app does when the wizard completes
    assert window_b.auto_sync.place.folder == str(shared)  # it syncs where it joined

    # An edit on each arrives on the other by automatic sync (timers only, no button).
    session_a = window_a.session
    organisations.add_organisation(session_a, Organisation("Made on A", "ngo"))
    organisations.add_organisation(session_b, Organisation("Made on B", "ngo"))
    qtbot.waitUntil(lambda: org_phone(session_b, "Made on A") is not None
                    and org_phone(session_a, "Made on B") is not None, timeout=WAIT_MS * 2)

    # The laptops list shows both, with their key epoch.
    devices = window_a.work_area.page_for[Area.SYNC].devices_tab
    devices.reload()
    qtbot.waitUntil(lambda: devices.model.rowCount() == 2, timeout=WAIT_MS)

    # A conflict: both change the same field before either syncs.
    for window in (window_a, window_b):
        window.auto_sync.timer.stop()
    wait_idle(qtbot, window_a, window_b)
    org_a = next(o for o in organisations.list_organisations(session_a) if o.name == "Made on A")
    org_b = next(o for o in organisations.list_organisations(session_b) if o.name == "Made on A")
    org_a.phone, org_b.phone = "+994 12 111", "+994 12 222"
    organisations.update_organisation(session_a, org_a)
    organisations.update_organisation(session_b, org_b)
    for window in (window_a, window_b, window_a):
        assert window.auto_sync.sync_now("test")
        wait_idle(qtbot, window)
    page = window_a.work_area.page_for[Area.SYNC]
    page.tabs.setCurrentWidget(page.conflicts_tab)
    conflicts = page.conflicts_tab
    conflicts.reload()
    qtbot.waitUntil(lambda: conflicts.model.rowCount() >= 1, timeout=WAIT_MS)
    conflicts.table.selectRow(0)
    view = conflicts.selected()
    assert view.conflict.column == "phone"
    assert {view.current, view.other} == {"+994 12 111", "+994 12 222"}
    assert conflicts.current_value.text() == view.current  # side by side
    assert conflicts.other_value.text() == view.other
    # Type a merge of the two and use it.
    qtbot.keyClicks(conflicts.merge_edit, "+994 12 111 / 222")
    click(qtbot, conflicts.merge_button)
    qtbot.waitUntil(lambda: conflicts.model.rowCount() == 0, timeout=WAIT_MS)
    assert org_phone(session_a, "Made on A") == "+994 12 111 / 222"
    with session_a.lock:
        actions = [e.action for e in audit.recent(session_a.connection, 500)]
    assert "sync.conflict.resolve" in actions
    for window in (window_a, window_b):
        assert window.auto_sync.sync_now("test")
        wait_idle(qtbot, window)
    assert org_phone(session_b, "Made on A") == "+994 12 111 / 222"

    # Locking syncs one last time, then closes the vault (off the GUI thread).
    organisations.add_organisation(session_b, Organisation("Typed before lock", "ngo"))
    window_b.lock_now()
    qtbot.waitUntil(lambda: not session_b.is_open, timeout=WAIT_MS)
    assert window_a.auto_sync.sync_now("test")
    wait_idle(qtbot, window_a)
    assert org_phone(session_a, "Typed before lock") is not None

    # Revoke… laptop B (confirmed); B then hears in plain words that it was removed.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    devices.reload()
    qtbot.waitUntil(lambda: devices.model.rowCount() == 2, timeout=WAIT_MS)
    row_b = next(r for r in range(2) if not devices.model.row_at(r).this_laptop)
    devices.table.selectRow(row_b)
    click(qtbot, devices.revoke_button)
    qtbot.waitUntil(lambda: devices.model.row_at(row_b) is not None
                    and devices.model.row_at(row_b).epoch is None, timeout=WAIT_MS)
    wait_idle(qtbot, window_a)
    assert window_a.auto_sync.sync_now("test")
    wait_idle(qtbot, window_a)
    unlock(qtbot, window_b, ADMIN, ADMIN_PASSPHRASE)
    qtbot.waitUntil(lambda: "removed from the organisation"
                    in window_b.statusBar().currentMessage(), timeout=WAIT_MS)
    window_a.close()
    window_b.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)


def test_a_folder_that_disappears_and_a_relay_that_is_down(qtbot, vault: Vault,
                                                          tmp_path: Path) -> None:
    shared = tmp_path / "usb"
    shared.mkdir()
    window = make_window(qtbot, vault, sync_interval_ms=60_000)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    set_up_sync_folder(qtbot, window, shared)
    wait_idle(qtbot, window)
    tab = window.work_area.page_for[Area.SYNC].status_tab
    organisations.add_organisation(window.session, Organisation("Waiting", "ngo"))
    shutil.rmtree(shared)  # the drive is pulled out
    failures: list[str] = []
    window.auto_sync.failed.connect(failures.append)
    click(qtbot, tab.sync_button)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert "cannot be found" in failures[0] and "Nothing was lost" in failures[0]
    assert "Sync failed" in window.statusBar().currentMessage()
    assert "cannot be found" in tab.progress_label.text()
    qtbot.waitUntil(lambda: tab.last_status is not None
                    and tab.last_status.waiting_changes > 0, timeout=WAIT_MS)
    # The drive is plugged back in: the retry after a failure syncs by itself.
    window.auto_sync.retry_ms = 300
    click(qtbot, tab.sync_button)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=WAIT_MS)
    shared.mkdir()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Synced"),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.last_status.waiting_changes == 0, timeout=WAIT_MS)

    # A relay nobody answers at: the test says so in words, nothing is saved.
    tab.relay_radio.setChecked(True)
    tab.relay_edit.setText("http://127.0.0.1:9")
    click(qtbot, tab.test_button)
    qtbot.waitUntil(lambda: tab.test_label.objectName() == "errorMessage", timeout=WAIT_MS)
    assert "could not be reached" in tab.test_label.text()
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)


def test_invitation_saved_only_when_asked_and_owner_only(qtbot, vault: Vault,
                                                         tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    window = make_window(qtbot, vault, sync_interval_ms=60_000)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    set_up_sync_folder(qtbot, window, shared)
    page = window.work_area.page_for[Area.SYNC]
    dialog = page.devices_tab.open_invite_dialog()
    qtbot.waitUntil(lambda: bool(CODE.match(dialog.code_label.text())), timeout=WAIT_MS)
    code = dialog.code_label.text()
    assert not any(code.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    dialog.save_code(tmp_path / "code.txt")
    dialog.save_qr(tmp_path / "code.png")
    for name in ("code.txt", "code.png"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert (tmp_path / "code.txt").read_text().strip() == code
    dialog.save_code(tmp_path / "code.txt")  # never overwrites
    assert "exists already" in dialog.message_label.text()
    dialog.reject()
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)
