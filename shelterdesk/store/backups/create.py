"""Making an encrypted backup of an open vault (checking and restoring: backup_restore).

A backup holds the key-slot file and a SQLCipher copy of the database, both
still encrypted: opening one needs a passphrase that was valid when it was
made, or the recovery key. The file format is in :mod:`backup_format`.

The copy is taken with SQLite's online backup API inside one read
transaction of its own, so it is a consistent snapshot while the session
keeps working; it is checked (page HMACs, b-tree integrity, row counts equal
to the snapshot's) before the backup file is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shelterdesk import __version__
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.backups.errors import (
    BackupChangedDuringCopy,
    BackupDamaged,
    BackupDiskFull,
    BackupError,
    BackupExists,
    BackupFolderMissing,
    BackupInsideVault,
    BackupWriteFailed,
)
from shelterdesk.store.backups.format import (
    MAC_INFO,
    BackupHeader,
    file_sha256,
    write_backup,
)
from shelterdesk.store.connection import (
    Connection,
    DatabaseError,
    storage_error,
    transaction,
)
from shelterdesk.store.errors import (
    DatabaseDamaged,
    DiskFull,
    SlotFileCorrupted,
    StorageFailed,
    VaultError,
)
from shelterdesk.store.keys.keyslots import SlotFile
from shelterdesk.store.migrate import current_version
from shelterdesk.store.vault import DATABASE_NAME, Session

LAST_BACKUP_KEY = "last_backup_at"
STALE_SECONDS = 3600.0


@dataclass(frozen=True)
class BackupInfo:
    """A backup just written and checked."""

    path: Path
    vault_id: str
    created_at: str
    size: int
    database_size: int
    keyslots_size: int
    schema_version: int
    checksum: str
    tables: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "vault_id": self.vault_id,
                "created_at": self.created_at, "size": self.size,
                "database_size": self.database_size, "keyslots_size": self.keyslots_size,
                "schema_version": self.schema_version, "sha256": self.checksum,
                "tables": dict(self.tables)}


@dataclass(frozen=True)
class Inspection:
    vault_id: str
    schema_version: int
    tables: dict[str, int]
    audit_ok: bool


def utc_stamp(moment: datetime | None = None) -> str:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- making a backup ------------------------------------------------------------------------
def create_backup(session: Session, output_path: Path | str, *,
                  now: datetime | None = None) -> BackupInfo:
    """Write an encrypted, checked backup of the open vault to ``output_path``.

    Coordinator only. Never overwrites a file; audited as ``backup.create``.
    """
    session.require_role(Role.COORDINATOR, action=N_("make a backup"))
    return write_checked_backup(session, Path(output_path), now=now, kind="manual")


def write_checked_backup(session: Session, output: Path, *, now: datetime | None,
                         kind: str) -> BackupInfo:
    """The steps of a backup, for callers that have checked permission themselves."""
    output = output.expanduser().absolute()
    vault_dir = session.vault.directory.resolve()
    if not output.parent.is_dir():
        raise BackupFolderMissing(path=str(output.parent))
    if output.parent.resolve().is_relative_to(vault_dir):
        raise BackupInsideVault(path=str(vault_dir))
    if output.exists():
        raise BackupExists(path=str(output))
    created_at = utc_stamp(now)
    try:
        info = _write(session, output, created_at)
    except (BackupError, StorageFailed) as error:
        with contextlib.suppress(VaultError, DatabaseError):
            session.audit("backup.failed", kind=kind, reason=type(error).__name__)
        raise
    with session.lock, transaction(session.connection) as connection:
        audit.append(connection, session.user.id, "backup.create", "vault", info.vault_id,
                     kind=kind, size=info.size)
        connection.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_BACKUP_KEY, created_at))
    return info


def _write(session: Session, output: Path, created_at: str) -> BackupInfo:
    # The copy is made beside the vault (same disk, owner-only folder), never in clear.
    remove_stale_staging(session.vault.directory, ".backup-")
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=session.vault.directory))
    try:
        copy = staging / DATABASE_NAME
        counts, vault_id, schema = _snapshot(session, copy, output)
        found = inspect_copy(lambda: session.open_connection(copy), str(output))
        if found.tables != counts or found.vault_id != vault_id:
            raise BackupChangedDuringCopy(detail="row counts differ")
        raw_slots = session.vault.slots_path.read_bytes()
        slots = SlotFile.parse(raw_slots)
        if slots.vault_id != vault_id or not session.slots_match(slots):
            raise SlotFileCorrupted()
        database_size, database_sha = file_sha256(copy)
        slots_size, slots_sha = len(raw_slots), _sha256(raw_slots)
        header = BackupHeader(vault_id=vault_id, created_at=created_at, app_version=__version__,
                              schema_version=schema, keyslots_size=slots_size,
                              keyslots_sha256=slots_sha, database_size=database_size,
                              database_sha256=database_sha)
        checksum = write_backup(output, header, raw_slots, copy, session.subkey(MAC_INFO))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupInfo(output, vault_id, created_at, output.stat().st_size, database_size,
                      slots_size, schema, checksum, counts)


def _snapshot(session: Session, copy: Path, output: Path) -> tuple[dict[str, int], str, int]:
    """Copy the database in one read transaction; the row counts and ids of that snapshot."""
    reader = session.open_connection()
    try:
        target = session.open_connection(copy, create=True)
        try:
            # A scratch copy: no journal, no syncs; the backup file itself is fsynced.
            target.execute("PRAGMA journal_mode = OFF").fetchall()
            target.execute("PRAGMA synchronous = OFF")
            reader.execute("BEGIN")
            try:
                counts = table_counts(reader)
                row = reader.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
                schema = current_version(reader)
                reader.backup(target)
            finally:
                reader.execute("COMMIT")
        finally:
            target.close()
    except DatabaseError as exc:
        mapped = storage_error(exc)
        if isinstance(mapped, DiskFull):
            raise BackupDiskFull(path=str(session.vault.directory)) from None
        if mapped is not None:
            raise BackupWriteFailed(path=str(output), reason=mapped.params["detail"]) from None
        raise DatabaseDamaged(detail=str(exc).split("\n")[0][:120]) from None
    finally:
        reader.close()
    if row is None:
        raise SlotFileCorrupted()
    return counts, str(row[0]), schema


def remove_stale_staging(parent: Path, prefix: str, older_than: float = STALE_SECONDS) -> None:
    """Remove staging folders a crash left behind (encrypted copies, but no use to anyone)."""
    limit = time.time() - older_than
    with contextlib.suppress(OSError):
        for path in parent.iterdir():
            if path.name.startswith(prefix) and path.is_dir() and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)


def table_counts(connection: Connection) -> dict[str, int]:
    names = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    return {name: connection.execute(
        'SELECT count(*) FROM "' + name.replace('"', '""') + '"').fetchone()[0]
        for name in names}


def inspect_copy(connect: Callable[[], Connection], where: str) -> Inspection:
    """Page HMACs, then b-tree integrity, ids and row counts, each on a fresh connection
    (one bad page poisons the connection that met it)."""
    connection = _connect(connect, where)
    try:
        problems = [str(r[0]) for r in connection.execute("PRAGMA cipher_integrity_check")]
    except DatabaseError as exc:
        problems = [str(exc)]
    finally:
        connection.close()
    if problems:
        raise BackupDamaged(path=where, detail=problems[0].split("\n")[0][:120])
    connection = _connect(connect, where)
    try:
        result = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise BackupDamaged(path=where, detail=result[0][:120])
        row = connection.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
        return Inspection(str(row[0]) if row else "", current_version(connection),
                          table_counts(connection), audit.verify(connection).ok)
    except DatabaseError as exc:
        raise BackupDamaged(path=where, detail=str(exc).split("\n")[0][:120]) from None
    finally:
        connection.close()


def _connect(connect: Callable[[], Connection], where: str) -> Connection:
    try:
        return connect()
    except VaultError as error:
        detail = error.params.get("detail") or type(error).__name__
        raise BackupDamaged(path=where, detail=str(detail)) from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
