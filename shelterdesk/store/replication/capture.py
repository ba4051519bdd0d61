"""Change capture: SQL triggers, generated from the schema, that log every write to a synced table.

Each synced table gets AFTER INSERT, UPDATE and DELETE triggers that, in the
writer's own transaction, tick this device's hybrid logical clock (kept in
``sync_state``; pure SQL, so every connection that can write — the app's, a
backup tool's, a plain ``sqlite3`` one — captures alike), append to
``change_log`` and update the merge state (``sync_rows`` / ``sync_fields``).
No write path can skip them; only the engine's own apply transaction (with
``sync_state.applying = 1``) is not echoed.

The triggers are (re)installed by :func:`install` after the migrations
whenever the generated SQL differs from what the vault holds, so a new column
is captured the moment a migration adds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shelterdesk.store.connection import Connection

# Replicated tables, parents before children (the order rows are dumped and seeded in).
SYNCED_TABLES: tuple[str, ...] = (
    "users", "user_secrets", "roster_statements", "roster_keys", "organisations", "shelters",
    "rooms", "beds", "clients", "cases", "legal_consultations", "medical_services",
    "other_services", "stays", "consents", "referrals", "evidence_items", "custody_events",
    "perpetrators", "perpetrator_evidence", "notes", "follow_ups", "record_versions",
    "case_closures", "compartment_grants", "compartment_public_keys",
    "org_identity", "exchange_sent", "exchange_received", "exchange_seen", "stats_submissions",
)
# Kept per device, and why (docs/sync.md "What is not synced").
LOCAL_TABLES: dict[str, str] = {
    "meta": "vault identity and audit head of this device",
    "audit_log": "each device keeps its own hash chain",
    "audit_anchors": "signed chain heads, travelling in the signed acknowledgements",
    "settings": "per device",
    "drafts": "half-typed forms of this device",
    "search_index": "derived; rebuilt for changed cases after applying",
    "search_map": "derived",
    "schema_migrations": "per database",
    "roster_pending": "laptop records waiting for their signer's grant, per device",
}
# Bookkeeping columns: replicated, but concurrent writes to them are not worth a review.
NOISY_COLUMNS = frozenset({"updated_at", "last_activity_at"})

NOW_MS = ("(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
          " + (SELECT clock_offset_ms FROM sync_state))")
TICK = f"UPDATE sync_state SET hlc = max(hlc + 1, {NOW_MS} << 16);"
HLC = "(SELECT hlc FROM sync_state)"
LOCAL_DEVICE = 1  # this device's number in sync_peers
NOT_APPLYING = "(SELECT applying FROM sync_state) = 0"


@dataclass(frozen=True)
class TableShape:
    """What capture and apply need to know of one table."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    blobs: frozenset[str]

    @property
    def values(self) -> tuple[str, ...]:
        """The columns that are not part of the key."""
        return tuple(c for c in self.columns if c not in self.key)

    def row_id_sql(self, alias: str) -> str:
        if len(self.key) == 1:
            return f"{alias}.{self.key[0]}"
        return "json_array(" + ", ".join(f"{alias}.{k}" for k in self.key) + ")"


def table_shape(connection: Connection, table: str) -> TableShape:
    rows = connection.execute(f"PRAGMA table_info({table})").fetchall()
    if not rows:
        raise LookupError(table)
    columns = tuple(r[1] for r in rows)
    key = tuple(r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5]))
    blobs = frozenset(r[1] for r in rows if (r[2] or "").upper() == "BLOB")
    return TableShape(table, columns, key or ("rowid",), blobs)


def shapes(connection: Connection) -> dict[str, TableShape]:
    """The synced tables this vault has: one migrated only part-way (a test's older
    schema, or migrations applied one by one) lacks the tables later ones add; their
    triggers come with the next install, since the fingerprint changes then."""
    present = {r[0] for r in connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()}
    return {name: table_shape(connection, name) for name in SYNCED_TABLES if name in present}


def _row_json(shape: TableShape, alias: str) -> str:
    """The row as a JSON object; a BLOB column as {"$hex": "…"} (JSON holds no bytes)."""
    pairs = []
    for c in shape.columns:
        value = (f"CASE WHEN {alias}.{c} IS NULL THEN NULL"
                 f" ELSE json_object('$hex', hex({alias}.{c})) END"
                 if c in shape.blobs else f"{alias}.{c}")
        pairs.append(f"'{c}', {value}")
    return f"json_object({', '.join(pairs)})"


def _insert_body(shape: TableShape, alias: str = "NEW") -> list[str]:
    """Statements logging a whole-row insert."""
    row_id = shape.row_id_sql(alias)
    texts = [c for c in shape.columns if c not in shape.blobs]
    # json_object would turn a stray blob into null: refuse loudly instead.
    guard = " OR ".join(f"typeof({alias}.{c}) = 'blob'" for c in texts)
    return [
        f"SELECT RAISE(ABORT, 'binary value in a text column of {shape.name}') WHERE {guard};",
        TICK,
        "INSERT INTO change_log (hlc, tbl, row_id, col, value, prev) VALUES"
        f" ({HLC}, '{shape.name}', {row_id}, '+', {_row_json(shape, alias)}, 0);",
        "INSERT INTO sync_rows (tbl, row_id, hlc, dev, alive, prev) VALUES"
        f" ('{shape.name}', {row_id}, {HLC}, {LOCAL_DEVICE}, 1, 0)"
        " ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev,"
        " alive = 1, prev = 0;",
        f"DELETE FROM sync_fields WHERE tbl = '{shape.name}' AND row_id = {row_id};",
        f"DELETE FROM sync_orphans WHERE tbl = '{shape.name}' AND row_id = {row_id};",
    ]


ERASING = "(SELECT value FROM meta WHERE key = 'erasing') = 'yes'"


def _delete_body(shape: TableShape, alias: str = "OLD") -> list[str]:
    """A tombstone; an erasure's (store/records/erasure.py sets meta 'erasing') says so: 'erase'."""
    row_id = shape.row_id_sql(alias)
    seen = (f"max(coalesce((SELECT hlc FROM sync_rows WHERE tbl = '{shape.name}'"
            f" AND row_id = {row_id}), 0), coalesce((SELECT max(hlc) FROM sync_fields"
            f" WHERE tbl = '{shape.name}' AND row_id = {row_id}), 0))")
    return [
        TICK,
        "INSERT INTO change_log (hlc, tbl, row_id, col, value, prev) VALUES"
        f" ({HLC}, '{shape.name}', {row_id}, '-', CASE WHEN {ERASING} THEN 'erase' END,"
        f" {seen});",
        "INSERT INTO sync_rows (tbl, row_id, hlc, dev, alive, prev) VALUES"
        f" ('{shape.name}', {row_id}, {HLC}, {LOCAL_DEVICE},"
        f" CASE WHEN {ERASING} THEN -1 ELSE 0 END, {seen})"
        " ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev,"
        " alive = excluded.alive, prev = excluded.prev;",
        f"DELETE FROM sync_fields WHERE tbl = '{shape.name}' AND row_id = {row_id};",
    ]


def _erase_body(shape: TableShape) -> list[str]:
    """An erased row leaves no copy in this device's outbox, orphans or conflict values."""
    row_id = shape.row_id_sql("OLD")
    where = f"tbl = '{shape.name}' AND row_id = {row_id}"
    return [
        "UPDATE change_log SET tbl = '~erased', row_id = '', col = '', value = NULL"
        f" WHERE {where} AND col != '-';",
        f"DELETE FROM sync_orphans WHERE {where};",
        f"DELETE FROM sync_quarantine WHERE {where};",
        f"UPDATE sync_conflicts SET value = NULL WHERE {where};",
    ]


def _update_body(shape: TableShape) -> list[str]:
    row_id = shape.row_id_sql("NEW")
    changed = " UNION ALL ".join(
        f"SELECT '{c}' AS col, NEW.{c} AS val WHERE NEW.{c} IS NOT OLD.{c}"
        for c in shape.values)
    prev = (f"coalesce((SELECT f.hlc FROM sync_fields f WHERE f.tbl = '{shape.name}'"
            f" AND f.row_id = {row_id} AND f.col = c.col), (SELECT r.hlc FROM sync_rows r"
            f" WHERE r.tbl = '{shape.name}' AND r.row_id = {row_id}), 0)")
    return [
        TICK,
        "INSERT INTO change_log (hlc, tbl, row_id, col, value, prev)"
        f" SELECT {HLC}, '{shape.name}', {row_id}, c.col, c.val, {prev} FROM ({changed}) c;",
        "INSERT INTO sync_fields (tbl, row_id, col, hlc, dev, prev)"
        f" SELECT '{shape.name}', {row_id}, c.col, {HLC}, {LOCAL_DEVICE}, {prev}"
        f" FROM ({changed}) c WHERE true"
        " ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev,"
        " prev = excluded.prev;",
    ]


def trigger_sql(shape: TableShape) -> list[str]:
    """CREATE TRIGGER statements for one table."""
    name = shape.name
    same_key = " AND ".join(f"NEW.{k} IS OLD.{k}" for k in shape.key)
    statements = [
        f"CREATE TRIGGER sync_capture_{name}_insert AFTER INSERT ON {name}"
        f" WHEN {NOT_APPLYING} BEGIN\n  " + "\n  ".join(_insert_body(shape)) + "\nEND",
        f"CREATE TRIGGER sync_capture_{name}_delete AFTER DELETE ON {name}"
        f" WHEN {NOT_APPLYING} BEGIN\n  " + "\n  ".join(_delete_body(shape)) + "\nEND",
        f"CREATE TRIGGER sync_capture_{name}_scrub AFTER DELETE ON {name}"
        f" WHEN {NOT_APPLYING} AND {ERASING} BEGIN\n  " + "\n  ".join(_erase_body(shape))
        + "\nEND",
        # A changed key is the old row gone and a new one made.
        f"CREATE TRIGGER sync_capture_{name}_rekey AFTER UPDATE ON {name}"
        f" WHEN {NOT_APPLYING} AND NOT ({same_key}) BEGIN\n  "
        + "\n  ".join(_delete_body(shape) + _insert_body(shape)) + "\nEND",
    ]
    if shape.values:
        statements.append(
            f"CREATE TRIGGER sync_capture_{name}_update AFTER UPDATE ON {name}"
            f" WHEN {NOT_APPLYING} AND {same_key} BEGIN\n  "
            + "\n  ".join(_update_body(shape)) + "\nEND")
    return statements


def generated_sql(connection: Connection) -> list[str]:
    return [sql for shape in shapes(connection).values() for sql in trigger_sql(shape)]


def _fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()


def has_sync_schema(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                              " AND name = 'sync_state'").fetchone() is not None


def install(connection: Connection) -> bool:
    """(Re)create the capture triggers if the schema changed; True if anything was done.

    The first install also logs every row already in the vault (a vault that
    predates sync) as an insert, so peers receive it too. All in one transaction.
    """
    if not has_sync_schema(connection):
        return False
    statements = generated_sql(connection)
    version = _fingerprint(statements)
    current = connection.execute("SELECT capture_version FROM sync_state").fetchone()[0]
    installed = connection.execute(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
        " AND name LIKE 'sync\\_capture\\_%' ESCAPE '\\'").fetchone()[0]
    if current == version and installed == len(statements):
        return False
    connection.execute("BEGIN IMMEDIATE")
    try:
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'trigger'"
                " AND name LIKE 'sync\\_capture\\_%' ESCAPE '\\'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            connection.execute(sql)
        if not current:
            _seed_existing_rows(connection)
        connection.execute("UPDATE sync_state SET capture_version = ?", (version,))
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return True


def _seed_existing_rows(connection: Connection) -> None:
    """Log rows written before capture existed as inserts (one clock tick for them all)."""
    connection.execute(TICK)
    for shape in shapes(connection).values():
        row_id = shape.row_id_sql("t")
        connection.execute(
            "INSERT INTO change_log (hlc, tbl, row_id, col, value, prev)"
            f" SELECT {HLC}, '{shape.name}', {row_id}, '+', {_row_json(shape, 't')}, 0"
            f" FROM {shape.name} t ORDER BY {row_id}")
        connection.execute(
            "INSERT OR REPLACE INTO sync_rows (tbl, row_id, hlc, dev, alive, prev)"
            f" SELECT '{shape.name}', {row_id}, {HLC}, {LOCAL_DEVICE}, 1, 0 FROM {shape.name} t")
