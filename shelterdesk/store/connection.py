"""Opening the SQLCipher database with a raw key and the pragmas the security model asks for."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from shelterdesk.store.errors import (
    DatabaseDamaged,
    DiskFull,
    PlainDatabaseRefused,
    StorageFailed,
    VaultError,
)
from shelterdesk.store.keys import integrity_stamp

DatabaseError = sqlcipher.DatabaseError
IntegrityError = sqlcipher.IntegrityError
OperationalError = sqlcipher.OperationalError
Connection = sqlcipher.Connection
Row = sqlcipher.Row

SQLITE_HEADER = b"SQLite format 3\x00"
CACHE_PAGES = 20_000  # 80 MiB of 4 KiB pages: the working set of a large vault.

_process_settings_done = False
_process_lock = threading.Lock()


def memory_security_requested() -> bool:
    return os.environ.get("SHELTERDESK_MEMORY_SECURITY", "off").strip().lower() in ("on", "1")


def _process_settings() -> None:
    """Settings SQLCipher keeps for the whole process: its log off, memory wiping by choice.

    SQLCipher always wipes and locks its own key and cipher buffers. Extending
    that to every allocation SQLite makes (``cipher_memory_security``) costs
    5–7x on searches and bulk writes here (benchmarks/records.py), while the
    same plaintext lives on in Python's own objects anyway; so it is opt-in
    for hardened deployments: ``SHELTERDESK_MEMORY_SECURITY=on``.
    """
    global _process_settings_done
    with _process_lock:
        if _process_settings_done:
            return
        scratch = sqlcipher.connect(":memory:")
        try:
            scratch.execute("PRAGMA cipher_log_level = NONE")
            if memory_security_requested():
                scratch.execute("PRAGMA cipher_memory_security = ON")
        finally:
            scratch.close()
        _process_settings_done = True


def raw_key_spec(key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key form x'…' in a buffer we can wipe afterwards."""
    return bytearray(b"x'") + bytearray(bytes(key).hex().encode("ascii")) + bytearray(b"'")


def wipe(buffer: bytearray) -> None:
    for index in range(len(buffer)):
        buffer[index] = 0


def looks_like_plain_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def open_database(path: Path, key: bytes | bytearray, *, create: bool = False) -> Connection:
    """An open, keyed, verified connection; DatabaseDamaged if the key fits but the file does not.

    The path is never treated as a URI, and extension loading stays off.
    """
    _process_settings()
    if not create and looks_like_plain_sqlite(path):
        raise PlainDatabaseRefused()
    if not create and (not path.is_file() or path.stat().st_size == 0):
        raise DatabaseDamaged(detail="missing or empty file")
    connection = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
    spec = raw_key_spec(key)
    try:
        connection.set_key(spec)
    finally:
        wipe(spec)
    try:
        connection.execute("PRAGMA cipher_compatibility = 4")
        # PRAGMA key answers "ok" for any key; reading the schema proves it.
        connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        version = connection.execute("PRAGMA cipher_version").fetchone()[0]
        if not str(version).startswith("4."):
            raise DatabaseDamaged(detail=f"SQLCipher {version}")
        for pragma in (
            "PRAGMA temp_store = MEMORY",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA secure_delete = ON",
            "PRAGMA trusted_schema = OFF",
            f"PRAGMA cache_size = {CACHE_PAGES}",
            "PRAGMA busy_timeout = 5000",
        ):
            connection.execute(pragma).fetchall()
    except DatabaseError as exc:
        connection.close()
        raise DatabaseDamaged(detail=_describe(exc)) from None
    except DatabaseDamaged:
        connection.close()
        raise
    return connection


def check_integrity(path: Path, key: bytes | bytearray) -> None:
    """Page HMACs and b-tree structure, on a connection of its own (a bad page poisons one)."""
    connection = open_database(path, key)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA cipher_integrity_check")]
        if problems:
            raise DatabaseDamaged(detail=problems[0])
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise DatabaseDamaged(detail=str(result))
    except DatabaseError as exc:
        raise DatabaseDamaged(detail=_describe(exc)) from None
    finally:
        connection.close()


def _describe(exc: Exception) -> str:
    # SQLite's messages carry no values (every statement is parameterised).
    return str(exc).split("\n")[0][:120]


# Primary result codes that mean "the disk let us down", not "the SQL was wrong".
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL = 8, 10, 14, 13
_STORAGE_CODES = {SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN}


def storage_error(exc: BaseException) -> VaultError | None:
    """DiskFull or StorageFailed for a disk-level SQLite failure, else None.

    Only SQLite's result-code name goes into the message: never SQL or values.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, DatabaseError) or code is None:
        return None
    if code & 0xFF == SQLITE_FULL:
        return DiskFull()
    if code & 0xFF in _STORAGE_CODES:
        return StorageFailed(detail=getattr(exc, "sqlite_errorname", "") or "I/O")
    return None


def _rollback_quietly(connection: Connection) -> None:
    # After SQLITE_FULL or an I/O error SQLite may already have rolled back on its own.
    if connection.in_transaction:
        with contextlib.suppress(DatabaseError):
            connection.execute("ROLLBACK")


@contextlib.contextmanager
def transaction(connection: Connection) -> Iterator[Connection]:
    """One write transaction: committed whole or rolled back whole.

    A full disk or an I/O failure (at BEGIN, inside, or at COMMIT) comes out as
    DiskFull or StorageFailed, with the transaction rolled back.
    """
    try:
        connection.execute("BEGIN IMMEDIATE")
    except DatabaseError as exc:
        mapped = storage_error(exc)
        if mapped is not None:
            raise mapped from None
        raise
    try:
        yield connection
    except BaseException as exc:
        _rollback_quietly(connection)
        mapped = storage_error(exc)
        if mapped is not None:
            raise mapped from None
        raise
    try:
        connection.execute("COMMIT")
    except DatabaseError as exc:
        _rollback_quietly(connection)
        mapped = storage_error(exc)
        if mapped is not None:
            raise mapped from None
        raise


FULL_CHECK_MAX_BYTES = 128 * 1024 * 1024
FULL_CHECK_EVERY_SECONDS = 24 * 3600


def integrity_check_due(path: Path, key: bytearray) -> bool:
    """Every unlock checks a vault up to 128 MiB in full; a larger one once a day.

    A full check reads and authenticates every page (about 5 s for 500 MB here);
    between full checks a damaged page still fails loudly when it is read. A file left
    exactly as this program closed it after a full check today needs none (see
    ``integrity_stamp``).
    """
    checked_at = integrity_stamp.checked_at_if_untouched(path, key)
    if checked_at is not None and 0 <= time.time() - checked_at <= FULL_CHECK_EVERY_SECONDS:
        return False
    size = path.stat().st_size
    if size <= FULL_CHECK_MAX_BYTES or size % 4096:
        return True
    connection = open_database(path, key)
    try:
        row = connection.execute(
            "SELECT value FROM meta WHERE key = 'integrity_checked_at'").fetchone()
    except DatabaseError:
        return True
    finally:
        connection.close()
    return row is None or time.time() - float(row[0]) > FULL_CHECK_EVERY_SECONDS
