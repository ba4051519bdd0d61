"""Automatic backups into a chosen folder: dated files, rotation, and "is one overdue?".

The front end decides *when* (a timer, on exit); this module does the work and
answers the questions: :func:`run_scheduled_backup`, :func:`backup_status`,
:func:`scheduled_backup_due`, :func:`last_good_backup`, :func:`newest_backup`.
Only files that are ShelterDesk backups of this vault (by their header) are
ever deleted from the folder.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import settings
from shelterdesk.store.backups.create import LAST_BACKUP_KEY, BackupInfo, write_checked_backup
from shelterdesk.store.backups.errors import BackupError, BackupFolderMissing, NoBackupFolder
from shelterdesk.store.backups.format import SUFFIX, BackupHeader, read_layout, scan
from shelterdesk.store.backups.rotation import plan_rotation
from shelterdesk.store.vault import Session

NAME_PREFIX = "shelterdesk-"
_STALE_TEMP = re.compile(r"^\.shelterdesk-.*\.sdbackup\.[0-9a-f]+\.tmp$")
STALE_TEMP_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class BackupEntry:
    """One backup file found in a folder (its header was readable)."""

    path: Path
    header: BackupHeader
    size: int

    @property
    def created(self) -> datetime:
        return parse_time(self.header.created_at)


@dataclass(frozen=True)
class ScheduledBackup:
    info: BackupInfo
    deleted: list[Path] = field(default_factory=list)
    not_deleted: list[Path] = field(default_factory=list)  # could not be removed (read-only?)


@dataclass(frozen=True)
class BackupStatus:
    """What the warning in the window needs to know."""

    folder: str
    folder_available: bool
    last_backup_at: datetime | None
    last_backup_path: Path | None  # None when known only from the vault's own record
    warn_days: int
    overdue: bool

    def age(self, now: datetime | None = None) -> timedelta | None:
        if self.last_backup_at is None:
            return None
        return (now or datetime.now(UTC)) - self.last_backup_at


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def backup_file_name(vault_id: str, moment: datetime) -> str:
    """``shelterdesk-<vault id prefix>-<UTC time>.sdbackup``: no organisation, no user."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{NAME_PREFIX}{vault_id[:8]}-{stamp}{SUFFIX}"


# --- finding backups ------------------------------------------------------------------------
def list_backups(folder: Path | str, vault_id: str | None = None) -> list[BackupEntry]:
    """Backups in the folder whose header is readable (of one vault if given), newest first.

    Reads headers only; a file damaged after its header is listed and caught by
    :func:`last_good_backup` or ``verify_backup``.
    """
    found = []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        if not path.name.endswith(SUFFIX) or path.name.startswith(".") or not path.is_file():
            continue
        try:
            layout = read_layout(path)
            created = parse_time(layout.header.created_at)
        except (BackupError, OSError, ValueError):
            continue
        if vault_id is not None and layout.header.vault_id != vault_id:
            continue
        found.append((created, path.name, BackupEntry(path, layout.header, layout.file_size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [entry for _created, _name, entry in found]


def newest_backup(folder: Path | str, vault_id: str | None = None) -> BackupEntry | None:
    """The newest backup by its header (fast: the content is not checked)."""
    entries = list_backups(folder, vault_id)
    return entries[0] if entries else None


def last_good_backup(folder: Path | str, vault_id: str | None = None) -> BackupEntry | None:
    """The newest backup whose checksum holds (reads files until one passes).

    This is the one to offer when a vault is damaged: restore it with
    ``restore_backup(entry.path, vault_dir, force=True, username=…, passphrase=…)``.
    """
    for entry in list_backups(folder, vault_id):
        try:
            if scan(read_layout(entry.path)).ok:
                return entry
        except (BackupError, OSError):
            continue
    return None


# --- making them ----------------------------------------------------------------------------
def run_scheduled_backup(session: Session, folder: Path | str | None = None,
                         keep_daily: int | None = None, keep_monthly: int | None = None,
                         now: datetime | None = None) -> ScheduledBackup:
    """Write a dated backup into the folder, then delete the ones the policy lets go.

    With no arguments, the folder and counts come from the vault's settings, and any
    user may run it (a backup on exit must not wait for a coordinator). Another folder
    or other counts are a coordinator's choice.
    """
    configured = tuple(settings.get(session, name) for name in (
        "backup_folder", "backup_keep_daily", "backup_keep_monthly"))
    chosen = (str(folder) if folder is not None else configured[0],
              keep_daily if keep_daily is not None else configured[1],
              keep_monthly if keep_monthly is not None else configured[2])
    if chosen != configured:
        session.require_role(Role.COORDINATOR, action=N_("change where or how backups are kept"))
    if not chosen[0]:
        raise NoBackupFolder()
    target = Path(chosen[0]).expanduser()
    if not target.is_dir():
        raise BackupFolderMissing(path=str(target))
    moment = now or datetime.now(UTC)
    vault_id = session.meta("vault_id")
    remove_stale_temp_files(target)
    output = _free_name(target, vault_id, moment)
    info = write_checked_backup(session, output, now=moment, kind="scheduled")
    deleted, not_deleted = prune(target, vault_id, chosen[1], chosen[2], protect=info.path)
    if deleted or not_deleted:
        session.audit("backup.prune", "vault", vault_id, deleted=len(deleted),
                      failed=len(not_deleted))
    return ScheduledBackup(info, deleted, not_deleted)


def _free_name(folder: Path, vault_id: str, moment: datetime) -> Path:
    path = folder / backup_file_name(vault_id, moment)
    counter = 1
    while path.exists():
        counter += 1
        path = folder / backup_file_name(vault_id, moment).replace(
            SUFFIX, f"-{counter}{SUFFIX}")
    return path


def prune(folder: Path, vault_id: str, keep_daily: int, keep_monthly: int,
          protect: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Delete this vault's backups that the policy does not keep (days counted locally)."""
    entries = {entry.path: entry.created.astimezone() for entry in list_backups(folder, vault_id)}
    plan = plan_rotation(entries, keep_daily, keep_monthly)
    deleted, failed = [], []
    for path in sorted(plan.delete):
        if protect is not None and path == protect:
            continue
        try:
            path.unlink()
            deleted.append(path)
        except OSError:
            failed.append(path)
    return deleted, failed


def remove_stale_temp_files(folder: Path, older_than: timedelta = STALE_TEMP_AGE) -> list[Path]:
    """Remove half-written backups left by a crash (our own temp names only)."""
    removed = []
    limit = time.time() - older_than.total_seconds()
    for path in folder.iterdir():
        if _STALE_TEMP.match(path.name) and path.is_file():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path)
    return removed


# --- is one overdue? ------------------------------------------------------------------------
def backup_status(session: Session, now: datetime | None = None, *,
                  folder: Path | str | None = None, warn_days: int | None = None) -> BackupStatus:
    """The last good backup and whether it is older than the warning limit.

    When the folder is reachable its newest good backup counts (a backup that has
    since been damaged or deleted does not); when it is not (the drive is unplugged),
    the time of the last backup this vault recorded is used.
    """
    chosen = str(folder) if folder is not None else settings.get(session, "backup_folder")
    days = warn_days if warn_days is not None else settings.get(session, "backup_warn_days")
    moment = now or datetime.now(UTC)
    available = bool(chosen) and Path(chosen).expanduser().is_dir()
    last_at: datetime | None = None
    last_path: Path | None = None
    if available:
        entry = last_good_backup(Path(chosen).expanduser(), session.meta("vault_id"))
        if entry is not None:
            last_at, last_path = entry.created, entry.path
    else:
        recorded = session.meta(LAST_BACKUP_KEY)
        last_at = parse_time(recorded) if recorded else None
    overdue = last_at is None or moment - last_at > timedelta(days=days)
    return BackupStatus(chosen, available, last_at, last_path, days, overdue)


def backup_is_overdue(session: Session, folder: Path | str | None = None,
                      warn_days: int | None = None, now: datetime | None = None) -> bool:
    return backup_status(session, now, folder=folder, warn_days=warn_days).overdue


def scheduled_backup_due(session: Session, now: datetime | None = None,
                         min_interval: timedelta = timedelta(hours=24)) -> bool:
    """Whether the timer (or closing the window) should run a backup now.

    False when no folder is chosen or it is not reachable (the window shows the
    overdue warning instead); True when the newest backup there is older than
    ``min_interval``. Reads headers only, so it is cheap to ask often.
    """
    chosen = settings.get(session, "backup_folder")
    if not chosen or not Path(chosen).expanduser().is_dir():
        return False
    entry = newest_backup(Path(chosen).expanduser(), session.meta("vault_id"))
    moment = now or datetime.now(UTC)
    return entry is None or moment - entry.created >= min_interval
