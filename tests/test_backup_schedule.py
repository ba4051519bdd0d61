"""Automatic backups into a folder: dated files, rotation on disk, overdue warning, due check."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.roles import Role
from shelterdesk.store import audit, settings
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.errors import BackupFolderMissing, NoBackupFolder
from shelterdesk.store.backups.rotation import plan_rotation
from shelterdesk.store.backups.schedule import (
    backup_is_overdue,
    backup_status,
    last_good_backup,
    list_backups,
    newest_backup,
    run_scheduled_backup,
    scheduled_backup_due,
)
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Session, Vault
from tests.conftest import ADMIN, ADMIN_PASSPHRASE, WORKER_PASSPHRASE

T0 = datetime(2024, 1, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def folder(admin_session: Session, tmp_path: Path) -> Path:
    path = tmp_path / "usb-drive"
    path.mkdir()
    settings.set_value(admin_session, "backup_folder", str(path))
    return path


def test_rotation_on_disk_over_three_months(admin_session: Session, folder: Path,
                                            tmp_path: Path) -> None:
    settings.set_value(admin_session, "backup_keep_daily", 2)
    settings.set_value(admin_session, "backup_keep_monthly", 3)
    # Files that are not this vault's backups: never touched.
    (folder / "notes.txt").write_text("mine")
    (folder / "broken.sdbackup").write_bytes(b"not a backup at all")
    other = Vault(tmp_path / "other")
    other.create("someone", "another passphrase")
    with other.unlock("someone", "another passphrase") as stranger:
        foreign = create_backup(stranger, folder / "foreign.sdbackup", now=T0).path
    made = {}
    moment = T0
    for step in range(18):
        moment += timedelta(days=5, hours=step % 3)
        result = run_scheduled_backup(admin_session, now=moment)
        made[result.info.path] = moment
        assert result.info.path.exists()
        assert ADMIN not in result.info.path.name
    expected = plan_rotation({p: t.astimezone() for p, t in made.items()}, 2, 3).keep
    ours = {e.path for e in list_backups(folder, admin_session.meta("vault_id"))}
    assert ours == expected
    # The last run was on 3 April: the last 2 days (3 Apr, 29 Mar) and the newest of
    # February (27 Feb) survive; every other backup of the 18 was deleted along the way.
    assert sorted(made[p].strftime("%m-%d") for p in ours) == ["02-27", "03-29", "04-03"]
    assert max(made, key=made.get) in ours
    names = {p.name for p in folder.iterdir()}
    assert {"notes.txt", "broken.sdbackup", foreign.name} <= names
    actions = [e.action for e in audit.recent(admin_session.connection, 200)]
    assert "backup.prune" in actions and actions.count("backup.create") == 18


def test_two_backups_in_one_second_get_two_names(admin_session: Session, folder: Path) -> None:
    first = run_scheduled_backup(admin_session, now=T0).info.path
    second = run_scheduled_backup(admin_session, now=T0)
    assert second.info.path != first and second.info.path.exists()
    assert second.deleted == [first]  # one per day is kept: the newer one


def test_any_user_may_run_the_configured_schedule_but_not_choose_another(
        vault: Vault, admin_session: Session, folder: Path, tmp_path: Path) -> None:
    users.add_user(admin_session, "leyla", [Role.CASE_WORKER], WORKER_PASSPHRASE)
    with vault.unlock("leyla", WORKER_PASSPHRASE) as worker:
        result = run_scheduled_backup(worker)  # e.g. the backup on exit
        assert result.info.path.parent == folder
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        with pytest.raises(PermissionDenied):
            run_scheduled_backup(worker, folder=elsewhere)
        with pytest.raises(PermissionDenied):
            run_scheduled_backup(worker, keep_daily=1)
        assert list(elsewhere.iterdir()) == []


def test_no_folder_or_a_missing_drive_is_a_clear_error(admin_session: Session,
                                                       tmp_path: Path) -> None:
    with pytest.raises(NoBackupFolder):
        run_scheduled_backup(admin_session)
    settings.set_value(admin_session, "backup_folder", str(tmp_path / "unplugged"))
    with pytest.raises(BackupFolderMissing) as info:
        run_scheduled_backup(admin_session)
    assert "external drive" in info.value.user_message()


def test_half_written_backups_of_a_crash_are_cleaned_up(admin_session: Session,
                                                        folder: Path) -> None:
    stale = folder / ".shelterdesk-0123abcd-20240101T000000Z.sdbackup.1a2b3c4d.tmp"
    fresh = folder / ".shelterdesk-0123abcd-20240102T000000Z.sdbackup.5e6f7a8b.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    run_scheduled_backup(admin_session, now=T0)
    assert not stale.exists()
    assert fresh.exists()  # it may belong to a backup being written right now


def test_status_and_overdue(admin_session: Session, folder: Path) -> None:
    assert backup_is_overdue(admin_session, now=T0)
    status = backup_status(admin_session, T0)
    assert status.last_backup_at is None and status.folder_available
    run_scheduled_backup(admin_session, now=T0)
    assert not backup_is_overdue(admin_session, now=T0 + timedelta(days=6))
    assert backup_is_overdue(admin_session, now=T0 + timedelta(days=8))  # default: 7 days
    assert not backup_is_overdue(admin_session, warn_days=10, now=T0 + timedelta(days=8))
    status = backup_status(admin_session, T0 + timedelta(days=1))
    assert status.last_backup_at == T0 and status.age(T0 + timedelta(days=1)) == timedelta(1)


def test_status_skips_a_damaged_newest_backup(admin_session: Session, folder: Path) -> None:
    older = run_scheduled_backup(admin_session, now=T0).info.path
    newer = run_scheduled_backup(admin_session, now=T0 + timedelta(days=3)).info.path
    raw = bytearray(newer.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    newer.write_bytes(bytes(raw))
    assert newest_backup(folder).path == newer  # by header: fast, unchecked
    assert last_good_backup(folder).path == older  # checked
    assert backup_status(admin_session, T0 + timedelta(days=3)).last_backup_path == older
    assert backup_is_overdue(admin_session, now=T0 + timedelta(days=8))


def test_with_the_drive_unplugged_the_vaults_own_record_is_used(admin_session: Session,
                                                                folder: Path) -> None:
    run_scheduled_backup(admin_session, now=datetime.now(UTC))
    folder.rename(folder.with_name("unplugged"))
    status = backup_status(admin_session)
    assert not status.folder_available and status.last_backup_path is None
    assert status.last_backup_at is not None and not status.overdue


def test_due(admin_session: Session, folder: Path) -> None:
    assert scheduled_backup_due(admin_session, T0)
    run_scheduled_backup(admin_session, now=T0)
    assert not scheduled_backup_due(admin_session, T0 + timedelta(hours=23))
    assert scheduled_backup_due(admin_session, T0 + timedelta(hours=24))
    folder.rename(folder.with_name("unplugged"))
    assert not scheduled_backup_due(admin_session, T0 + timedelta(days=3))


def test_a_scheduled_backup_opens_with_the_passphrase(admin_session: Session,
                                                      folder: Path) -> None:
    from shelterdesk.store.backups.restore import verify_backup

    path = run_scheduled_backup(admin_session).info.path
    assert verify_backup(path, username=ADMIN, passphrase=ADMIN_PASSPHRASE).deep
