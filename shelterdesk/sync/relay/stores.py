"""Opening the relay's store named by a URL: SQLite for one office, PostgreSQL for many.

Kept apart from :mod:`shelterdesk.sync.relay.storage` (the interface both stores
implement), so that no module imports one that imports it. Each store is imported
only when named: a SQLite relay needs no PostgreSQL driver.
"""

from __future__ import annotations

from shelterdesk.sync.relay.storage import RelayStore


def open_store(url: str) -> RelayStore:
    """``sqlite:///path/to/file`` or ``postgresql://…``."""
    if url.startswith("sqlite:///"):
        from shelterdesk.sync.relay.sqlite_store import SqliteStore

        return SqliteStore(url[len("sqlite:///"):] or ":memory:")
    if url.startswith(("postgresql://", "postgres://")):
        from shelterdesk.sync.relay.postgres_store import PostgresStore

        return PostgresStore(url)
    raise ValueError("store")
