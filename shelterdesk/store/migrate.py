"""Schema migrations: numbered SQL files, each applied in one transaction and recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from shelterdesk.store.connection import Connection, DatabaseError
from shelterdesk.store.errors import StorageFailed, VaultTooNew
from shelterdesk.store.replication import capture

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("shelterdesk.store.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps: {versions}")
    return found


def current_version(connection: Connection) -> int:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def check_not_newer(connection: Connection, migrations: list[Migration]) -> int:
    """The vault's version; VaultTooNew (before any write) if we do not know it."""
    version = current_version(connection)
    known = migrations[-1].version if migrations else 0
    if version > known:
        raise VaultTooNew(found=version, known=known)
    return version


def apply_migrations(connection: Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date (and the sync capture triggers with it); returns how many
    migrations ran."""
    migrations = bundled_migrations() if migrations is None else migrations
    version = check_not_newer(connection, migrations)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    applied = 0
    for migration in migrations:
        if migration.version <= version:
            continue
        try:
            # executescript commits anything pending first, so the script opens its own
            # transaction; a failure part-way is rolled back below.
            connection.executescript(
                "BEGIN IMMEDIATE;\n" + migration.sql + "\n;"
                f"INSERT INTO schema_migrations (version, name) VALUES "
                f"({migration.version}, '{migration.name}');\nCOMMIT;"
            )
        except DatabaseError as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise StorageFailed(detail=f"migration {migration.name}: {exc}") from None
        applied += 1
    try:
        capture.install(connection)
    except DatabaseError as exc:
        raise StorageFailed(detail=f"change capture: {exc}") from None
    return applied
