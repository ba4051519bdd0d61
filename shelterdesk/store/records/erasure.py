"""Erasing one client on request: every row, file, draft and index entry, then the bytes.

Rows are found by walking the database's own foreign keys down from the
client, so a table added later that references a case is erased too. The
search index row goes, FTS5's segments are merged so no deleted token
survives in them, and afterwards the write-ahead log is checkpointed and the
file rebuilt (VACUUM) — with ``secure_delete`` on — so none of the client's
strings are left in free pages. The audit entry carries counts, not content.

Not reached from here: backups made before the erasure (they age out by
rotation) and, once sync exists, other devices (a tombstone will do that).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import Connection, DatabaseError, storage_error, transaction
from shelterdesk.store.errors import StorageFailed
from shelterdesk.store.records import search
from shelterdesk.store.rows import NotFound
from shelterdesk.store.vault import Session

_CHUNK = 400  # parameters per IN (…) list
PURGE_WAIT_MS = 500
COMPACT_PENDING = "erasure_compact_pending"  # meta flag: the next sync compacts the file


class ErasureNotPurged(UserFacingError):
    message = N_(
        "The client was erased, but the database file could not be compacted yet ({detail}); "
        "deleted pages are zeroed already. Try again when no backup is being made."
    )


@dataclass(frozen=True)
class ErasureReport:
    client_id: str
    case_ids: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    purged: bool = False  # WAL checkpointed and file rebuilt


def erase_client(session: Session, case_id: str, *, reason: str = "") -> ErasureReport:
    """Erase the client of ``case_id`` with all their cases and everything under them.

    Coordinator only. One transaction for the rows (all or nothing), then
    :func:`purge` for the bytes. Raises NotFound if there is no such case.
    """
    session.require_role(Role.COORDINATOR, action=N_("erase a client"))
    with session.lock, transaction(session.connection) as connection:
        row = connection.execute("SELECT client_id FROM cases WHERE id = ?",
                                 (case_id,)).fetchone()
        if row is None:
            raise NotFound(kind="case")
        client_id = row[0]
        case_ids = [r[0] for r in connection.execute(
            "SELECT id FROM cases WHERE client_id = ? ORDER BY id", (client_id,))]
        codes = sorted(r[0] for r in connection.execute(
            "SELECT case_code FROM cases WHERE client_id = ?", (client_id,)))
        counts: dict[str, int] = defaultdict(int)
        for one in case_ids:
            search.remove_case(connection, one)
        # Drafts name their subject without a foreign key.
        counts["drafts"] += _delete_in(connection, "drafts", "subject_id",
                                       [client_id, *case_ids])
        # Custody events are append-only except while this flag is set (see 0003_records).
        connection.execute("INSERT INTO meta (key, value) VALUES ('erasing', 'yes')"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        _erase_tree(connection, "clients", "id", [client_id], _children(connection), counts)
        connection.execute("DELETE FROM meta WHERE key = 'erasing'")
        # Merge the index segments: a deleted row's tokens otherwise stay until a merge.
        connection.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        # Pseudonymous codes (so a second request is answered) and the reason, never a name.
        extra = {"reason": reason} if reason else {}
        audit.append(connection, session.user.id, "client.erase", "client", client_id,
                     cases=len(case_ids), case_codes=codes,
                     rows={k: v for k, v in sorted(counts.items()) if v}, **extra)
    report = ErasureReport(client_id, case_ids, {k: v for k, v in counts.items() if v})
    try:
        purge(session)
    except ErasureNotPurged:
        with session.lock, transaction(session.connection) as connection:
            connection.execute("INSERT INTO meta (key, value) VALUES (?, 'yes')"
                               " ON CONFLICT (key) DO NOTHING", (COMPACT_PENDING,))
        return report
    return ErasureReport(client_id, case_ids, report.rows, purged=True)


def purge(session: Session) -> None:
    """Checkpoint the WAL into the file, rebuild the file, checkpoint again.

    ErasureNotPurged when another connection keeps old pages alive (a backup being
    made) or the disk has no room for the rebuild.
    """
    with session.lock:
        compact(session.connection)


def compact(connection: Connection, *, optimize_index: bool = False) -> None:
    """Reclaim the bytes of deleted rows: the erasing laptop and a laptop that receives the
    erasure by sync call the same steps, so both end with no page holding the client.

    ``optimize_index`` merges the search index's segments first (a deleted row's tokens
    otherwise stay in them until a merge); the caller holds the session's lock.
    """
    # A reader (a backup) holds old pages for seconds: do not freeze the window waiting.
    previous = int(connection.execute("PRAGMA busy_timeout").fetchone()[0])
    connection.execute(f"PRAGMA busy_timeout = {PURGE_WAIT_MS}")
    try:
        if optimize_index:
            with transaction(connection):
                connection.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        _checkpoint(connection)
        connection.execute("VACUUM")
        _checkpoint(connection)
    except DatabaseError as exc:
        mapped = storage_error(exc)
        detail = mapped.params.get("detail", "disk full") if mapped else (
            getattr(exc, "sqlite_errorname", "") or "busy")
        raise ErasureNotPurged(detail=detail) from None
    except StorageFailed as error:
        raise ErasureNotPurged(detail=type(error).__name__) from None
    finally:
        connection.execute(f"PRAGMA busy_timeout = {previous}")


def _checkpoint(connection: Connection) -> None:
    busy, log_frames, checkpointed = connection.execute(
        "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or log_frames != checkpointed:
        raise ErasureNotPurged(detail="the vault is in use by another connection")


def _children(connection: Connection) -> dict[str, list[tuple[str, str, str]]]:
    """parent table → [(child table, child column, parent column)] from the foreign keys."""
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    tables = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        " AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        for fk in connection.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,)):
            parent, child_column, parent_column = fk[2], fk[3], fk[4] or "id"
            found[parent].append((table, child_column, parent_column))
    return found


def count_tree(connection: Connection, client_id: str) -> dict[str, int]:
    """Rows per table that erasing this client would delete: the real deletion, inside a
    transaction that is rolled back (so a row reached by two paths is counted once)."""
    counts: dict[str, int] = defaultdict(int)
    try:
        with transaction(connection):
            connection.execute("INSERT INTO meta (key, value) VALUES ('erasing', 'yes')"
                               " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            _erase_tree(connection, "clients", "id", [client_id], _children(connection), counts)
            raise _DryRun()
    except _DryRun:
        pass
    return {k: v for k, v in counts.items() if v}


class _DryRun(Exception):
    """Rolls the counting transaction back."""


def _erase_tree(connection: Connection, table: str, column: str, values: list[str],
                children: dict[str, list[tuple[str, str, str]]], counts: dict[str, int],
                path: tuple[str, ...] = ()) -> None:
    """Delete the rows whose ``column`` is in ``values``, their dependants first."""
    if not values:
        return
    if table in path:  # a cycle of foreign keys: not in this schema; refuse rather than loop
        raise RuntimeError("foreign keys form a cycle through " + table)
    for child, child_column, parent_column in children.get(table, []):
        keys = [r[0] for part in _chunks(values) for r in connection.execute(
            f"SELECT DISTINCT {_quote(parent_column)} FROM {_quote(table)}"
            f" WHERE {_quote(column)} IN ({_marks(part)})", part)]
        _erase_tree(connection, child, child_column, keys, children, counts, (*path, table))
    counts[table] += _delete_in(connection, table, column, values)


def _delete_in(connection: Connection, table: str, column: str, values: list[str]) -> int:
    return sum(connection.execute(
        f"DELETE FROM {_quote(table)} WHERE {_quote(column)} IN ({_marks(part)})",
        part).rowcount for part in _chunks(values))


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _marks(values: list[str]) -> str:
    return ", ".join("?" * len(values))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
