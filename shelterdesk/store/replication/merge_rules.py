"""Writing merged rows into the tables, and the unique values two devices can both claim.

Two laptops offline can each give out the same case code (random, 30 bits) or
add a user of the same name. Merging must not fail on that, and must end the
same everywhere: the row with the smaller id keeps the value, the other gets a
value derived from its own id (a valid case code; ``name-1a2b`` for a user),
and the pair is flagged in ``sync_conflicts`` for a coordinator.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shelterdesk.domain import case_codes
from shelterdesk.store.connection import Connection
from shelterdesk.store.replication.capture import TableShape
from shelterdesk.store.rows import now

# Columns with a UNIQUE constraint in the table itself (indexes we could drop were replaced
# by the conflict review in migration 0004).
UNIQUE_COLUMNS = {"cases": "case_code", "users": "username"}


def key_where(shape: TableShape, row_id: str) -> tuple[str, tuple]:
    if len(shape.key) == 1:
        return f"{shape.key[0]} = ?", (row_id,)
    parts = json.loads(row_id)
    return " AND ".join(f"{k} = ?" for k in shape.key), tuple(parts)


def key_values(shape: TableShape, row_id: str) -> dict[str, Any]:
    if len(shape.key) == 1:
        return {shape.key[0]: row_id}
    return dict(zip(shape.key, json.loads(row_id), strict=True))


def insert_row(connection: Connection, shape: TableShape, row_id: str,
               values: dict[str, Any], report: Any) -> None:
    values = {**values, **key_values(shape, row_id)}
    _claim_unique(connection, shape, row_id, values, report)
    columns = [c for c in shape.columns if c in values]
    connection.execute(
        f"INSERT INTO {shape.name} ({', '.join(columns)}) VALUES"
        f" ({', '.join('?' for _ in columns)})", [values[c] for c in columns])


def update_row(connection: Connection, shape: TableShape, row_id: str,
               values: dict[str, Any], report: Any) -> None:
    if not values:
        return
    values = dict(values)
    _claim_unique(connection, shape, row_id, values, report)
    where, params = key_where(shape, row_id)
    connection.execute(
        f"UPDATE {shape.name} SET {', '.join(f'{c} = ?' for c in values)} WHERE {where}",
        (*values.values(), *params))


def delete_row(connection: Connection, shape: TableShape, row_id: str) -> None:
    where, params = key_where(shape, row_id)
    connection.execute(f"DELETE FROM {shape.name} WHERE {where}", params)


def _claim_unique(connection: Connection, shape: TableShape, row_id: str,
                  values: dict[str, Any], report: Any) -> None:
    column = UNIQUE_COLUMNS.get(shape.name)
    if column is None or values.get(column) is None:
        return
    wanted = values[column]
    for _attempt in range(8):
        other = connection.execute(
            f"SELECT id FROM {shape.name} WHERE {column} = ? AND id != ?",
            (values[column], row_id)).fetchone()
        if other is None:
            return
        other_id = other[0]
        new = flag(connection, "duplicate_value",
                   f"{shape.name}/{column}/{min(row_id, other_id)}/{max(row_id, other_id)}",
                   table=shape.name, row_id=max(row_id, other_id),
                   other_id=min(row_id, other_id), col=column, value=wanted,
                   detail={"kept_by": min(row_id, other_id)})
        if report is not None and new:
            report.conflicts += 1
        if row_id > other_id:
            values[column] = derived_value(shape.name, values[column], row_id)
        else:
            connection.execute(f"UPDATE {shape.name} SET {column} = ? WHERE id = ?",
                               (derived_value(shape.name, values[column], other_id), other_id))


def derived_value(table: str, value: str, row_id: str) -> str:
    """The value the row with the larger id takes instead (a function of its id alone)."""
    digest = int.from_bytes(hashlib.sha256(f"{table}/{row_id}".encode()).digest()[:8], "big")
    if table == "cases":
        parts = value.split("-")
        prefix, year = "-".join(parts[:-3]) or "SD", parts[-3] if len(parts) >= 4 else "00"
        alphabet = case_codes.ALPHABET
        random_part = "".join(alphabet[(digest >> (5 * i)) & 31] for i in range(6))
        payload = "".join(ch for ch in prefix + year + random_part if ch in alphabet)
        return f"{prefix}-{year}-{random_part}-{case_codes.luhn_check(payload)}"
    suffix = f"{digest & 0xFFFF:04x}"
    return f"{value[:27]}-{suffix}"


def scrub(connection: Connection, table: str, row_id: str) -> None:
    """An erased row leaves no copy here: not in the outbox, orphans, held changes, conflicts."""
    where = "tbl = ? AND row_id = ?"
    connection.execute("UPDATE change_log SET tbl = '~erased', row_id = '', col = '', value = NULL"
                       f" WHERE {where} AND col != '-'", (table, row_id))
    for statement in (f"DELETE FROM sync_orphans WHERE {where}",
                      f"DELETE FROM sync_quarantine WHERE {where}",
                      f"UPDATE sync_conflicts SET value = NULL WHERE {where}"):
        connection.execute(statement, (table, row_id))
    if table in ("clients", "cases"):
        # Drafts stay on their laptop and name their subject without a foreign key.
        connection.execute("DELETE FROM drafts WHERE subject_id = ?", (row_id,))


def flag(connection: Connection, kind: str, key: str, *, table: str = "", row_id: str = "",
         other_id: str = "", col: str = "", value: Any = None, detail: dict | None = None,
         stamp: str | None = None) -> bool:
    """Record a conflict once (by kind and key); True if it is new."""
    cursor = connection.execute(
        "INSERT OR IGNORE INTO sync_conflicts (kind, key, tbl, row_id, other_id, col, value,"
        " detail, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, key, table, row_id, other_id, col, value,
         json.dumps(detail or {}, sort_keys=True), stamp or now()))
    return cursor.rowcount == 1
