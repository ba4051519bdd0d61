"""The relay's storage in PostgreSQL (psycopg 3, a connection pool): many devices and
organisations, and several relay processes over one database.

Every write is a single statement or one short transaction, and inserts use
``ON CONFLICT DO NOTHING`` on the natural key, so processes racing to store
the same envelope cannot duplicate it. Migrations take a transaction-scoped
advisory lock so two processes starting together apply each one once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg_pool import ConnectionPool

from shelterdesk.sync.relay.storage import RelayStore

_MIGRATION_LOCK = 0x5D_2E_1A_79


class PostgresStore(RelayStore):
    blob_type = "BYTEA"
    placeholder = "%s"

    def __init__(self, dsn: str, min_size: int = 2, max_size: int = 16) -> None:
        self.pool = ConnectionPool(dsn, min_size=min_size, max_size=max_size, open=True,
                                   timeout=30, kwargs={"autocommit": False})
        self.pool.wait(timeout=30)
        self.migrate()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.pool.connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            yield cursor

    def _relax_commit(self, cursor: Any) -> None:
        cursor.execute("SET LOCAL synchronous_commit = off")

    def _lock_for_migration(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))

    def close(self) -> None:
        self.pool.close()
