"""Checking a backup (header and checksum, or fully with a passphrase) and restoring it.

A full check unwraps the vault key from the backup's own key slots, checks the
slots' MAC and the content MAC, and opens the database copy in a private
temporary folder (still encrypted; deleted afterwards) for SQLCipher's page
HMAC check and SQLite's integrity check. A restore writes into a staging
folder beside the target, checks there, and only then renames it into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from shelterdesk.store import audit
from shelterdesk.store.backups.create import Inspection, inspect_copy, remove_stale_staging
from shelterdesk.store.backups.errors import (
    BackupDamaged,
    BackupUnknownUser,
    RestoreNeedsCredentials,
    RestoreOtherVault,
    RestoreTargetNotEmpty,
    RestoreWouldReplace,
)
from shelterdesk.store.backups.format import (
    MAC_INFO,
    BackupHeader,
    Layout,
    ScanResult,
    read_keyslots,
    read_layout,
    scan,
)
from shelterdesk.store.connection import open_database, transaction, wipe
from shelterdesk.store.errors import SlotFileCorrupted, WrongPassphrase, WrongRecoveryKey
from shelterdesk.store.keys import recovery
from shelterdesk.store.keys.failed_unlocks import EPOCH_META
from shelterdesk.store.keys.keyslots import SlotFile, atomic_write, derive_subkey, fsync_directory
from shelterdesk.store.migrate import bundled_migrations
from shelterdesk.store.vault import DATABASE_NAME, SLOTS_NAME, Vault, load_user


@dataclass(frozen=True)
class VerifyReport:
    """A backup that passed verification. ``deep`` is True when it was also unlocked and
    its database integrity-checked; otherwise only the header and checksum were checked."""

    path: Path
    header: BackupHeader
    size: int
    deep: bool
    opened_with: str = ""  # "user", "recovery" or "" (not opened)
    tables: dict[str, int] = field(default_factory=dict)
    audit_ok: bool | None = None

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "ok": True, "deep": self.deep,
                "vault_id": self.header.vault_id, "created_at": self.header.created_at,
                "app_version": self.header.app_version,
                "schema_version": self.header.schema_version, "size": self.size,
                "database_size": self.header.database_size,
                "keyslots_size": self.header.keyslots_size, "opened_with": self.opened_with,
                "tables": dict(self.tables), "audit_ok": self.audit_ok}


@dataclass(frozen=True)
class RestoreReport:
    target: Path
    header: BackupHeader
    deep: bool
    safety_copy: Path | None  # where the replaced vault was moved, if one was replaced

    def as_dict(self) -> dict[str, object]:
        return {"target": str(self.target), "vault_id": self.header.vault_id,
                "backup_created_at": self.header.created_at, "deep": self.deep,
                "safety_copy": str(self.safety_copy) if self.safety_copy else None}


# --- checking a backup ----------------------------------------------------------------------
def verify_backup(path: Path | str, *, username: str | None = None,
                  passphrase: str | None = None, recovery_key: str | None = None,
                  work_dir: Path | None = None) -> VerifyReport:
    """Check a backup; BackupDamaged (or NotABackup, BackupTooNew) if anything is wrong.

    Always: header, sizes and the SHA-256 checksum. With a user's passphrase or the
    recovery key also: the key slots' MAC, the content MAC, and the database copy opened
    in a private temporary folder (still encrypted, deleted afterwards) and checked with
    ``cipher_integrity_check`` and ``integrity_check``.
    """
    layout = read_layout(Path(path))
    raw_slots = read_keyslots(layout)
    slots = _parse_slots(raw_slots, layout)
    key, opened_with = _unwrap(slots, username, passphrase, recovery_key)
    if key is None:
        _require_ok(scan(layout), layout)
        return VerifyReport(layout.path, layout.header, layout.file_size, deep=False)
    try:
        temp = Path(tempfile.mkdtemp(prefix="shelterdesk-verify-", dir=work_dir))
        try:
            copy = temp / DATABASE_NAME
            found = _extract_and_inspect(layout, slots, key, copy)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    finally:
        wipe(key)
    return VerifyReport(layout.path, layout.header, layout.file_size, deep=True,
                        opened_with=opened_with, tables=found.tables, audit_ok=found.audit_ok)


def _extract_and_inspect(layout: Layout, slots: SlotFile, key: bytearray,
                         copy: Path) -> Inspection:
    if not slots.mac_matches(key):
        raise BackupDamaged(path=str(layout.path), detail="key slots MAC mismatch")
    with _private_file(copy) as out:
        result = scan(layout, mac_key=derive_subkey(key, MAC_INFO), database_out=out)
    _require_ok(result, layout)
    found = inspect_copy(lambda: open_database(copy, key), str(layout.path))
    if found.vault_id != layout.header.vault_id:
        raise BackupDamaged(path=str(layout.path), detail="vault id mismatch")
    return found


def _require_ok(result: ScanResult, layout: Layout) -> None:
    if not result.ok:
        raise BackupDamaged(path=str(layout.path), detail=result.problem())


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _parse_slots(raw: bytes, layout: Layout) -> SlotFile:
    try:
        slots = SlotFile.parse(raw)
    except SlotFileCorrupted:
        raise BackupDamaged(path=str(layout.path), detail="key slots unreadable") from None
    if slots.vault_id != layout.header.vault_id:
        raise BackupDamaged(path=str(layout.path), detail="vault id mismatch")
    return slots


def _unwrap(slots: SlotFile, username: str | None, passphrase: str | None,
            recovery_key: str | None) -> tuple[bytearray | None, str]:
    """The vault key from the backup's own slots, or (None, "") when no credentials."""
    if recovery_key:
        key = slots.unwrap_recovery(recovery.parse(recovery_key))
        if key is None:
            raise WrongRecoveryKey()
        return key, "recovery"
    if not username:
        return None, ""
    slot = slots.find(slots.slot_id_for(username))
    if slot is None or slot.kind not in ("user", "member", "personal"):
        raise BackupUnknownUser(name=username)
    key = slots.unwrap_user(slot, passphrase or "")
    if key is None:
        raise WrongPassphrase()
    return key, "user"


# --- restoring ------------------------------------------------------------------------------
def restore_backup(path: Path | str, target_dir: Path | str, *, force: bool = False,
                   username: str | None = None, passphrase: str | None = None,
                   recovery_key: str | None = None, now: datetime | None = None,
                   replace_another_vault: bool = False) -> RestoreReport:
    """Restore a backup into an empty or new folder, or (``force``) over a vault.

    The backup is written into a staging folder beside the target and checked there;
    only then is it renamed into place. Replacing a vault needs ``force`` and
    credentials that open the backup (so it is fully checked first); the replaced vault
    folder is kept, renamed to ``<name>.before-restore-<time>``, as a safety copy.
    A backup of *another* vault (a different vault id) replaces one only with
    ``replace_another_vault`` as well: ``--force`` alone is meant for one's own backup.
    With credentials, the restore is recorded in the restored vault's audit log.
    """
    layout = read_layout(Path(path))
    raw_slots = read_keyslots(layout)
    slots = _parse_slots(raw_slots, layout)
    target = Path(target_dir).expanduser().absolute()
    state = _target_state(target)
    if state == "vault" and not force:
        raise RestoreWouldReplace(path=str(target))
    other = state == "vault" and _vault_id_of(target) not in ("", layout.header.vault_id)
    if other and not replace_another_vault:
        raise RestoreOtherVault(file=Path(path).name, path=str(target))
    key, _how = _unwrap(slots, username, passphrase, recovery_key)
    if state == "vault" and key is None:
        raise RestoreNeedsCredentials()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale_staging(target.parent, f".{target.name}.restore-")
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
        try:
            copy = staging / DATABASE_NAME
            if key is not None:
                _extract_and_inspect(layout, slots, key, copy)
            else:
                with _private_file(copy) as out:
                    _require_ok(scan(layout, database_out=out), layout)
            atomic_write(staging / SLOTS_NAME, raw_slots)
            safety = _swap_in(staging, target, state, now)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if key is not None:
            _record_restore(target, key, username, layout.header, replaced=safety is not None,
                            other_vault=other)
    finally:
        if key is not None:
            wipe(key)
    return RestoreReport(target, layout.header, key is not None, safety)


def _vault_id_of(target: Path) -> str:
    """The id in the target's key-slot file (no key needed); "" if it cannot be read, as
    when the file is damaged: then nobody can tell, and ``force`` decides alone."""
    try:
        return SlotFile.load(target / SLOTS_NAME).vault_id
    except (OSError, SlotFileCorrupted):
        return ""


def _target_state(target: Path) -> str:
    if not target.exists():
        return "absent"
    if not target.is_dir():
        raise RestoreTargetNotEmpty(path=str(target))
    if Vault(target).exists():
        return "vault"
    if any(target.iterdir()):
        raise RestoreTargetNotEmpty(path=str(target))
    return "empty"


def _swap_in(staging: Path, target: Path, state: str, now: datetime | None) -> Path | None:
    fsync_directory(staging)
    safety = None
    if state == "empty":
        target.rmdir()
    elif state == "vault":
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety = target.with_name(f"{target.name}.before-restore-{stamp}")
        suffix = 1
        while safety.exists():
            suffix += 1
            safety = target.with_name(f"{target.name}.before-restore-{stamp}-{suffix}")
        os.rename(target, safety)
    try:
        os.rename(staging, target)
    except BaseException:
        if safety is not None:
            os.rename(safety, target)
        raise
    fsync_directory(target.parent)
    return safety


def _record_restore(target: Path, key: bytearray, username: str | None, header: BackupHeader,
                    *, replaced: bool, other_vault: bool = False) -> None:
    """An audit entry in the restored vault (skipped for a schema this version cannot know)."""
    if header.schema_version > len(bundled_migrations()):
        return
    connection = open_database(target / DATABASE_NAME, key)
    try:
        user = load_user(connection, username) if username else None
        with transaction(connection):
            audit.append(connection, user.id if user else "", "backup.restore", "vault",
                         header.vault_id, backup_created_at=header.created_at,
                         replaced=replaced, other_vault=other_vault)
            # The failed-unlock file stays with the folder it counted for: the restored vault
            # starts a new one, which is no sign of tampering (store/keys/failed_unlocks.py).
            connection.execute("DELETE FROM meta WHERE key = ?", (EPOCH_META,))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
