"""Administration → Backups through the real widgets: a backup made, verified (quick, deep, a
wrong passphrase) and restored into a new folder; the overdue warning at unlock and in the
status bar; a drive pulled out; another vault's backup refused for restore."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.workspace import Area
from shelterdesk.store import settings
from shelterdesk.store.backups import create as backup
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import operations_in_flight
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock

pytestmark = pytest.mark.gui


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def backups_page(window):
    assert window.work_area.select_area(Area.ADMINISTRATION)
    admin = window.work_area.page_for[Area.ADMINISTRATION]
    admin.show_backups()
    return admin.backups_page


def test_backup_made_verified_and_restored_through_the_window(qtbot, vault: Vault,
                                                              tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    # No backup yet: warned at unlock, across the top and in the status bar.
    qtbot.waitUntil(lambda: window.backup_watch.label.isVisible(), timeout=WAIT_MS)
    assert "No backup" in window.work_area.notice_label.text()
    assert window.work_area.notice.isVisible()
    organisations.add_organisation(window.session, Organisation("Kept in the backup", "ngo"))

    page = backups_page(window)
    page.folder_edit.setText(str(usb))
    page.on_exit_check.setChecked(True)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: settings.get(window.session, "backup_folder") == str(usb),
                    timeout=WAIT_MS)
    assert settings.get(window.session, "backup_on_exit") is True

    click(qtbot, page.backup_button)
    qtbot.waitUntil(lambda: "Backup made" in page.progress_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    # The warning is lifted once a good backup exists.
    qtbot.waitUntil(lambda: not window.backup_watch.label.isVisible(), timeout=WAIT_MS)
    assert not window.work_area.notice.isVisible()

    page.table.selectRow(0)
    verify = page.open_verify_dialog()
    click(qtbot, verify.verify_button)  # quick
    qtbot.waitUntil(lambda: "checksum matches" in verify.result_label.text(), timeout=WAIT_MS)
    verify.deep_radio.setChecked(True)
    qtbot.keyClicks(verify.passphrase_edit, "not the passphrase")
    click(qtbot, verify.verify_button)
    qtbot.waitUntil(lambda: verify.result_label.objectName() == "errorMessage",
                    timeout=WAIT_MS)
    assert "passphrase" in verify.result_label.text().lower()
    assert verify.passphrase_edit.text() == ""
    qtbot.keyClicks(verify.passphrase_edit, ADMIN_PASSPHRASE)
    click(qtbot, verify.verify_button)
    qtbot.waitUntil(lambda: "The backup is good" in verify.result_label.text(),
                    timeout=WAIT_MS)
    verify.reject()

    restore = page.open_restore_dialog()
    qtbot.waitUntil(lambda: restore.header_ok, timeout=WAIT_MS)
    target = tmp_path / "restored"
    restore.target_edit.setText(str(target))
    qtbot.keyClicks(restore.passphrase_edit, ADMIN_PASSPHRASE)
    click(qtbot, restore.restore_button)
    qtbot.waitUntil(lambda: "Restored into" in restore.result_label.text(), timeout=WAIT_MS)
    restore.reject()
    with Vault(target).unlock(ADMIN, ADMIN_PASSPHRASE) as restored:
        names = [o.name for o in organisations.list_organisations(restored)]
    assert "Kept in the backup" in names
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)
    # Closing with "back up on exit" within the hour made no second file (nothing due).
    assert len(list(usb.glob("*.sdbackup"))) == 1


def test_drive_pulled_and_another_vaults_backup(qtbot, vault: Vault, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    page = backups_page(window)
    page.folder_edit.setText(str(usb))
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: settings.get(window.session, "backup_folder") == str(usb),
                    timeout=WAIT_MS)
    shutil.rmtree(usb)  # the USB drive is pulled out
    page.reload()
    qtbot.waitUntil(lambda: "missing" in page.state_label.text(), timeout=WAIT_MS)
    click(qtbot, page.backup_button)
    qtbot.waitUntil(lambda: "not available" in page.message_label.text(), timeout=WAIT_MS)
    assert page.backup_button.isEnabled()

    # A backup of another vault, offered for restore: refused in words, nothing written.
    other = Vault(tmp_path / "other")
    other.create("leyla", ADMIN_PASSPHRASE, org_name="Other NGO", prefix="OT")
    with other.unlock("leyla", ADMIN_PASSPHRASE) as other_session:
        foreign = backup.create_backup(other_session, tmp_path / "foreign.sdbackup").path
    page.offer_file(foreign)
    qtbot.waitUntil(lambda: page.selected() is not None, timeout=WAIT_MS)
    restore = page.open_restore_dialog()
    qtbot.waitUntil(lambda: "another vault" in restore.result_label.text(), timeout=WAIT_MS)
    assert not restore.restore_button.isEnabled()
    restore.target_edit.setText(str(tmp_path / "never"))
    assert not restore.restore_button.isEnabled()
    assert not (tmp_path / "never").exists()
    restore.reject()
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)


def test_backup_on_exit_runs_before_the_vault_closes(qtbot, vault: Vault,
                                                     tmp_path: Path, admin_session) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.set_value(admin_session, "backup_folder", str(usb))
    settings.set_value(admin_session, "backup_on_exit", True)
    settings.set_value(admin_session, "backup_every_hours", 0)  # only by hand and on exit
    admin_session.close()
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    session = window.session
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not session.is_open, timeout=WAIT_MS)
    assert len(list(usb.glob("*.sdbackup"))) == 1
