"""The Sync section, Administration → Backups, the join wizard and the synced-folder refusal,
for ``scripts/screenshots.py`` (staged with real laptops, a real conflict, a real backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtTest import QTest

from shelterdesk.domain.workspace import Area


def stage_sync_and_backups(vault, work_dir: Path, user: str, passphrase: str) -> dict[str, Any]:
    """A shared folder, a second laptop joined by invitation, a concurrent edit on both (a
    conflict to settle), and one backup on the "USB drive"."""
    from shelterdesk.store import settings
    from shelterdesk.store.backups import schedule as backup_schedule
    from shelterdesk.store.records import organisations
    from shelterdesk.store.vault import Vault
    from shelterdesk.sync import service, setup

    shared, usb = work_dir / "shared", work_dir / "usb"
    shared.mkdir()
    usb.mkdir()
    place = setup.SyncPlace(folder=str(shared))
    transport = setup.transport_for(vault.directory, place)
    with vault.unlock(user, passphrase) as session:
        setup.save_place(session, place)
        settings.set_values(session, {"backup_folder": str(usb), "backup_on_exit": True})
        invitation = service.invite(session, transport)
    laptop_b = Vault(work_dir / "laptop-b")
    # The key exchange as two people do it: the new laptop asks, both screens show the same
    # six digits, the coordinator confirms them, the new laptop joins.
    joining = setup.transport_for(laptop_b.directory, place)
    pending = service.request_join(joining, invitation.code)
    with vault.unlock(user, passphrase) as session:
        digits = service.answer_join(session, transport, invitation.code)
        service.confirm_join(session, transport, invitation.code, digits or "")
    service.join(laptop_b.directory, pending, joining, user, passphrase)
    with laptop_b.unlock(user, passphrase) as session:
        setup.remember_joined_place(session, place)
    # The same organisation's phone changed on both laptops before they sync: a conflict.
    for target, phone in ((vault, "+994 12 404 11 22"), (laptop_b, "+994 12 404 11 23")):
        with target.unlock(user, passphrase) as session:
            org = organisations.list_organisations(session)[0]
            org.phone = phone
            organisations.update_organisation(session, org)
    for target in (vault, laptop_b, vault):
        with target.unlock(user, passphrase) as session:
            service.sync_now(session, setup.transport_for(target.directory, place))
    with vault.unlock(user, passphrase) as session:
        backup_schedule.run_scheduled_backup(session)
    return {"laptop_b": laptop_b, "shared": shared}


def sync_screens(shooter, window, wait_until) -> None:
    """Sync → This laptop (after the sync at unlock), Laptops, the invitation, Conflicts."""
    page = window.work_area.page_for[Area.SYNC]
    status = page.status_tab
    wait_until(lambda: not window.auto_sync.running and status.last_status is not None
               and bool(status.last_status.last_sync_at))
    status.reload()
    shooter.shoot("section-sync", window)
    page.tabs.setCurrentWidget(page.devices_tab)
    wait_until(lambda: page.devices_tab.model.rowCount() >= 2)
    shooter.shoot("sync-laptops", window)
    laptops = page.devices_tab
    laptops.table.selectRow(next(r for r in range(laptops.model.rowCount())
                                 if not laptops.model.row_at(r).this_laptop))
    rename = laptops.ask_rename()
    QTest.qWait(100)
    shooter.shoot("dialog-rename-laptop", rename)
    rename.reject()
    dialog = page.devices_tab.open_invite_dialog()
    wait_until(lambda: dialog.invitation is not None)
    shooter.shoot("dialog-invite", dialog)
    dialog.reject()
    page.tabs.setCurrentWidget(page.conflicts_tab)
    wait_until(lambda: page.conflicts_tab.model.rowCount() >= 1)
    page.conflicts_tab.table.selectRow(0)
    QTest.qWait(100)
    shooter.shoot("sync-conflicts", window)
    page.tabs.setCurrentWidget(status)


def backup_screens(shooter, window, wait_until) -> None:
    """Administration → Backups with the staged backup, then verify and restore dialogs."""
    admin = window.work_area.page_for[Area.ADMINISTRATION]
    admin.show_backups()
    page = admin.backups_page
    wait_until(lambda: page.model.rowCount() >= 1)
    page.table.selectRow(0)
    shooter.shoot("admin-backups", window)
    verify = page.open_verify_dialog()
    verify.verify()
    wait_until(lambda: verify.result_label.objectName() != "hintLabel")
    shooter.shoot("dialog-verify-backup", verify)
    verify.reject()
    restore = page.open_restore_dialog()
    wait_until(lambda: restore.header_ok)
    restore.target_edit.setText(str(Path.home() / "ShelterDesk-restored"))
    shooter.shoot("dialog-restore-backup", restore)
    restore.reject()
    admin.tabs.setCurrentIndex(0)


def joined_laptop_screens(shooter, staged: dict[str, Any], application, switcher,
                          user: str, passphrase: str, wait_until, size) -> None:
    """The joined laptop: no backup yet, so the overdue warning across the top."""
    from shelterdesk.ui.common.background import operations_in_flight
    from shelterdesk.ui.shell.main_window import MainWindow

    window = MainWindow(staged["laptop_b"], application, language=switcher,
                        idle_timeout_ms=3_600_000)
    window.resize(*size)
    window.show()
    window.unlock_page.user_edit.setText(user)
    window.unlock_page.passphrase_edit.setText(passphrase)
    window.unlock_page.try_unlock()
    wait_until(lambda: window.session is not None)
    wait_until(lambda: window.work_area.notice.isVisible() and not window.auto_sync.running)
    window.work_area.select_area(Area.SYNC)
    shooter.shoot("backup-overdue", window)
    window.close()  # the last sync runs on a pool thread: wait for it before moving on
    wait_until(lambda: operations_in_flight() == 0)
    window.deleteLater()


def wizard_join_screen(shooter, work_dir: Path, shared: Path) -> None:
    from shelterdesk.store.vault import Vault
    from shelterdesk.ui.shell.setup_wizard import SetupWizard

    wizard = SetupWizard(Vault(work_dir / "joining"))
    wizard.resize(720, 600)
    wizard.show()
    wizard.organisation_page.join_radio.setChecked(True)
    shooter.shoot("wizard-0-choice", wizard)
    wizard.next()
    join = wizard.join_page
    join.code_edit.setText("8FRS-TJ28-YC01-YK4M-M")
    join.folder_edit.setText(str(shared))
    join.username_edit.setText("leyla")
    join.passphrase_edit.setText("four calm words together")
    shooter.shoot("wizard-join", wizard)
    wizard.deleteLater()


def refusal_screen(shooter) -> None:
    from shelterdesk.ui.shell.location_refusal import location_refusal, refusal_box

    box = refusal_box(location_refusal(Path.home() / "OneDrive" / "ShelterDesk"))
    box.show()
    shooter.shoot("dialog-vault-in-synced-folder", box)
    box.done(0)
    box.deleteLater()
