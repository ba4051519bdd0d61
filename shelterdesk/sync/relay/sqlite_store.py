"""The relay's storage in one SQLite file (stdlib ``sqlite3``, WAL): for one office.

This is the relay's own database of opaque blobs, not a vault: it never holds
plaintext or keys, so plain SQLite (not SQLCipher) is right here. Each worker
thread gets its own connection; writers are serialised by ``BEGIN IMMEDIATE``
and wait up to ``busy_timeout`` for each other.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shelterdesk.sync.relay.storage import RelayStore


class SqliteStore(RelayStore):
    blob_type = "BLOB"
    placeholder = "?"

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Owner-only from the first byte (SQLite gives -wal and -shm the same mode).
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
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
