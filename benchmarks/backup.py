"""Backup create, verify and restore on vaults of a few MB and of ~50 MB, beside plain sqlite3."""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.common import measure, print_table
from shelterdesk.store.backups.create import create_backup
from shelterdesk.store.backups.restore import restore_backup, verify_backup
from shelterdesk.store.vault import Session, Vault

USER, PASSPHRASE = "bench", "benchmark passphrase"
SIZES = {"~5 MB": 18_000, "~50 MB": 180_000}
_FILL_SQL = "INSERT INTO bench_rows (name, note) VALUES (?, ?)"


def _rows(count: int):
    return ((f"name {i}", f"note {i} " + "x" * 230) for i in range(count))


def _fill(session: Session, count: int) -> None:
    with session.lock:
        connection = session.connection
        connection.execute("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, name TEXT, note TEXT)")
        connection.execute("BEGIN")
        connection.executemany(_FILL_SQL, _rows(count))
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _plain(path: Path, count: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, name TEXT, note TEXT)")
    connection.execute("BEGIN")
    connection.executemany(_FILL_SQL, _rows(count))
    connection.execute("COMMIT")
    connection.close()


def _plain_backup(source: Path, target: Path) -> None:
    """The same work without encryption: online copy, integrity check, hash, fsync."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.execute("PRAGMA integrity_check").fetchall()
    dst.close()
    src.close()
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        os.fsync(handle.fileno())


def _plain_verify(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA integrity_check").fetchall()
    connection.close()


def _measure(label: str, count: int, root: Path) -> list[tuple[str, float, float | None, str]]:
    vault = Vault(root / "vault")
    vault.create(USER, PASSPHRASE)
    session = vault.unlock(USER, PASSPHRASE)
    _fill(session, count)
    plain = root / "plain.db"
    _plain(plain, count)
    outputs = (root / f"b{i}.sdbackup" for i in itertools.count())
    targets = (root / f"restored{i}" for i in itertools.count())
    created = create_backup(session, next(outputs))
    size = created.size / 1e6
    repeat = 5 if count < 100_000 else 3
    try:
        return [
            (f"create {label} ({size:.1f} MB file)",
             measure(lambda: create_backup(session, next(outputs)), repeat, 1),
             measure(lambda: _plain_backup(plain, root / "plain-copy.db"), repeat, 1), "—"),
            (f"verify {label}: header + checksum",
             measure(lambda: verify_backup(created.path), repeat, 1), None, "—"),
            (f"verify {label}: full (unlock + integrity)",
             measure(lambda: verify_backup(created.path, username=USER, passphrase=PASSPHRASE),
                     repeat, 1),
             measure(lambda: _plain_verify(root / "plain-copy.db"), repeat, 1), "—"),
            (f"restore {label} (checksum only)",
             measure(lambda: restore_backup(created.path, next(targets)), repeat, 1), None, "—"),
        ]
    finally:
        session.close()


def run() -> None:
    os.environ["SHELTERDESK_KDF_PROFILE"] = "minimum"
    rows = []
    for label, count in SIZES.items():
        with tempfile.TemporaryDirectory() as temp:
            rows += _measure(label, count, Path(temp))
    print_table("Backups (SHELTERDESK_KDF_PROFILE=minimum: 64 MiB Argon2id in 'full')", rows)
