"""Per-client keys for crypto-shredding, and which client a synced row belongs to.

Every change to a row under a client (the client, their cases and everything that
hangs from a case by foreign keys) is sealed, inside its envelope, under that client's
own random key. The keys live only here, in the vault (``sync_case_keys``); erasing the
client sets its key to NULL (a trigger of migration 0011 on the erased row's merge state,
so an erasure made here and one received by sync do the same), which makes every copy of
the client's changes — on a relay, in a folder, in an old envelope — unreadable.

The rows under a client are found from the schema's own foreign keys, as erasure finds
them, so a table added later under a case is covered without a change here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication.capture import SYNCED_TABLES
from shelterdesk.store.rows import now

ROOT = "clients"
# child table -> [(child column, parent table, parent column)] toward ``clients``
Tree = dict[str, list[tuple[str, str, str]]]


def client_tree(connection: Connection) -> Tree:
    """The synced tables under ``clients``, each with its foreign keys toward it."""
    parents: Tree = defaultdict(list)
    for table in SYNCED_TABLES:
        for fk in connection.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,)):
            parents[table].append((fk[3], fk[2], fk[4] or "id"))
    under: set[str] = {ROOT}
    grew = True
    while grew:
        grew = False
        for table, links in parents.items():
            if table not in under and any(parent in under for _c, parent, _p in links):
                under.add(table)
                grew = True
    return {table: [link for link in parents.get(table, []) if link[1] in under]
            for table in under if table != ROOT}


def _key_columns(connection: Connection, table: str) -> list[str]:
    rows = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
    return [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]


def _live_row(connection: Connection, table: str, row_id: str,
              keys: list[str]) -> dict[str, Any] | None:
    if not keys:
        return None
    if len(keys) == 1:
        values = [row_id]
    else:
        try:
            values = list(json.loads(row_id))
        except ValueError:
            return None
        if len(values) != len(keys):
            return None
    where = " AND ".join(f'"{k}" = ?' for k in keys)
    cursor = connection.execute(f'SELECT * FROM "{table}" WHERE {where}', values)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


class Resolver:
    """Which client a (table, row) belongs to; ``None`` for rows under no client."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self.tree = client_tree(connection)
        self.cache: dict[tuple[str, str], str | None] = {}
        self.inserted: dict[tuple[str, str], Mapping[str, Any]] = {}
        self.keys: dict[str, list[str]] = {}

    def key_columns(self, table: str) -> list[str]:
        if table not in self.keys:
            self.keys[table] = _key_columns(self.c, table)
        return self.keys[table]

    def owned(self, table: str) -> bool:
        return table == ROOT or table in self.tree

    def note_insert(self, table: str, row_id: str, row: Mapping[str, Any]) -> None:
        """A row insert seen in the batch being sealed (its row may be gone from the table)."""
        self.inserted[(table, row_id)] = row

    def client_of(self, table: str, row_id: str, depth: int = 0) -> str | None:
        if table == ROOT:
            return row_id
        if table not in self.tree or depth > 16:
            return None
        if (table, row_id) in self.cache:
            return self.cache[(table, row_id)]
        found = self._walk(table, row_id, depth)
        if found is None:
            memo = self.c.execute("SELECT client_id FROM sync_case_rows WHERE tbl = ? AND"
                                  " row_id = ?", (table, row_id)).fetchone()
            found = memo[0] if memo else None
        elif table in ("cases",) or depth == 0:
            remember(self.c, table, row_id, found)
        self.cache[(table, row_id)] = found
        return found

    def _walk(self, table: str, row_id: str, depth: int) -> str | None:
        row = self.inserted.get((table, row_id)) or _live_row(self.c, table, row_id,
                                                              self.key_columns(table))
        if row is None:
            return None
        if table == "record_versions" and row.get("record_table") == ROOT:
            return str(row.get("record_id") or "") or None
        for column, parent, parent_column in self.tree[table]:
            value = row.get(column)
            if value is None:
                continue
            if parent == ROOT and parent_column == "id":
                return str(value)
            parent_keys = self.key_columns(parent)
            if parent_keys == [parent_column]:
                found = self.client_of(parent, str(value), depth + 1)
            else:
                hit = self.c.execute(f'SELECT rowid FROM "{parent}" WHERE "{parent_column}"'
                                     " = ? LIMIT 1", (value,)).fetchone()
                found = None if hit is None else self.client_of(parent, str(hit[0]), depth + 1)
            if found:
                return found
        return None


def remember(connection: Connection, table: str, row_id: str, client_id: str) -> None:
    connection.execute(
        "INSERT INTO sync_case_rows (tbl, row_id, client_id) VALUES (?, ?, ?)"
        " ON CONFLICT (tbl, row_id) DO NOTHING", (table, row_id, client_id))


def key_for(connection: Connection, client_id: str, new_key: bytes) -> bytes | None:
    """The client's key; ``new_key`` is stored as it if there is none yet. None once the
    client is shredded (their changes are then not sent at all)."""
    row = connection.execute("SELECT key FROM sync_case_keys WHERE client_id = ?",
                             (client_id,)).fetchone()
    if row is not None:
        return None if row[0] is None else bytes(row[0])
    connection.execute("INSERT INTO sync_case_keys (client_id, key, created_at) VALUES (?, ?, ?)",
                       (client_id, new_key, now()))
    return new_key


def lookup(connection: Connection, client_id: str) -> tuple[bool, bytes | None]:
    """(known, key): unknown client (False, None); shredded (True, None)."""
    row = connection.execute("SELECT key FROM sync_case_keys WHERE client_id = ?",
                             (client_id,)).fetchone()
    if row is None:
        return False, None
    return True, None if row[0] is None else bytes(row[0])


def held(connection: Connection) -> dict[str, bytes]:
    """Every client key this laptop holds (shredded ones are not held)."""
    return {r[0]: bytes(r[1]) for r in connection.execute(
        "SELECT client_id, key FROM sync_case_keys WHERE key IS NOT NULL ORDER BY client_id")}


def shredded(connection: Connection) -> list[str]:
    return [r[0] for r in connection.execute(
        "SELECT client_id FROM sync_case_keys WHERE key IS NULL ORDER BY client_id")]


def adopt(connection: Connection, client_id: str, key: bytes) -> bool:
    """Take a key another laptop sent; never revives a shredded one."""
    return connection.execute(
        "INSERT INTO sync_case_keys (client_id, key, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (client_id) DO NOTHING", (client_id, key, now())).rowcount == 1


def shred(connection: Connection, client_id: str) -> None:
    """Destroy a client's key (another laptop says the client was erased)."""
    stamp = now()
    connection.execute(
        "INSERT INTO sync_case_keys (client_id, key, created_at, shredded_at)"
        " VALUES (?, NULL, ?, ?) ON CONFLICT (client_id) DO UPDATE SET key = NULL,"
        " shredded_at = coalesce(shredded_at, excluded.shredded_at)", (client_id, stamp, stamp))
    connection.execute("DELETE FROM sync_case_rows WHERE client_id = ?", (client_id,))


def ensure_all(connection: Connection, new_key: Callable[[], bytes]) -> int:
    """A key for every client here that has none yet (before an invitation is made, whose
    package carries the keys); returns how many were made."""
    missing = [r[0] for r in connection.execute(
        "SELECT id FROM clients WHERE id NOT IN (SELECT client_id FROM sync_case_keys)")]
    for client_id in missing:
        key_for(connection, client_id, new_key())
    return len(missing)
