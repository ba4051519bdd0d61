"""The relay's storage in one SQLite file (stdlib ``sqlite3``, WAL): for one office.

This is the relay's own database of opaque blobs, not a vault: it never holds
plaintext or keys, so plain SQLite (not SQLCipher) is right here. Each worker
thread gets its own connection; writers are serialised by ``BEGIN IMMEDIATE``
and wait up to ``busy_timeout`` for each other.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shelterdesk.sync.relay.storage import RelayStore


def _create_private(path: Path) -> None:
    """The database file exists owner-only (0600) before SQLite opens it; SQLite gives its
    -wal and -shm files the same mode. An existing file is narrowed to 0600 too."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    if os.name == "posix":
        for file in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(file, 0o600)


class SqliteStore(RelayStore):
    blob_type = "BLOB"
    placeholder = "?"

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            _create_private(Path(path))
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self.migrate()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute("PRAGMA secure_delete=ON")
            self._local.connection = connection
            with self._guard:
                self._all.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        connection = self._connection()
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            connection.rollback()
            raise
        else:
            connection.commit()
        finally:
            cursor.close()

    def close(self) -> None:
        with self._guard:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()
