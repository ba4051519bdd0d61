"""Referral mailboxes at the relay (issue 22): where partner organisations drop sealed
`.sdreferral` files for an organisation that collects them later.

Its own tables, created if missing (kept apart from the sync store's numbered migrations):
a mailbox is known only by the SHA-256 of its id and the organisation that opened it; an
item is an opaque, size-bucketed blob with the time it arrived. Nothing else: the relay
cannot tell who sent an item, what it is, or for whom inside the organisation.
"""

from __future__ import annotations

from typing import Any

from shelterdesk.sync.relay.storage import RelayStore, now

MAX_ITEMS = 1000  # per mailbox: a full mailbox refuses more until its owner collects
BUCKETS = tuple(4096 * 2 ** n for n in range(9))  # 4 KiB … 1 MiB: the only sizes stored
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS relay_mailboxes (
        mailbox_hash TEXT PRIMARY KEY, org_id TEXT NOT NULL, created_at BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS relay_mailbox_items (
        mailbox_hash TEXT NOT NULL, item_hash TEXT NOT NULL, blob {blob} NOT NULL,
        stored_at BIGINT NOT NULL, PRIMARY KEY (mailbox_hash, item_hash))""",
)
TABLES = ("relay_mailboxes", "relay_mailbox_items")
OPENED, SAME, TAKEN = "opened", "same", "taken"


def ensure_schema(store: RelayStore) -> None:
    with store.transaction() as cursor:
        store._lock_for_migration(cursor)  # noqa: SLF001 - the store's own migration lock
        for statement in SCHEMA:
            cursor.execute(statement.format(blob=store.blob_type))


def _one(store: RelayStore, sql: str, params: tuple) -> Any:
    rows = store._rows(sql, params)  # noqa: SLF001 - the store's shared SQL helper
    return rows[0] if rows else None


def open_mailbox(store: RelayStore, org_id: str, mailbox_hash: str) -> str:
    """OPENED for a new mailbox, SAME when this organisation already has it, TAKEN else."""
    with store.transaction() as cursor:
        store._run(cursor, "INSERT INTO relay_mailboxes (mailbox_hash, org_id, created_at)"  # noqa: SLF001
                   " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (mailbox_hash, org_id, now()))
        inserted = cursor.rowcount == 1
    if inserted:
        return OPENED
    row = _one(store, "SELECT org_id FROM relay_mailboxes WHERE mailbox_hash = ?",
               (mailbox_hash,))
    return SAME if row and row[0] == org_id else TAKEN


def owner(store: RelayStore, mailbox_hash: str) -> str | None:
    row = _one(store, "SELECT org_id FROM relay_mailboxes WHERE mailbox_hash = ?",
               (mailbox_hash,))
    return row[0] if row else None


def deposit(store: RelayStore, mailbox_hash: str, item_hash: str, blob: bytes) -> str:
    """"stored", "same" (already there), "unknown" mailbox or "full"."""
    with store.transaction() as cursor:
        run = store._run  # noqa: SLF001
        if not run(cursor, "SELECT 1 FROM relay_mailboxes WHERE mailbox_hash = ?",
                   (mailbox_hash,)).fetchone():
            return "unknown"
        count = run(cursor, "SELECT count(*) FROM relay_mailbox_items WHERE mailbox_hash = ?",
                    (mailbox_hash,)).fetchone()[0]
        if count >= MAX_ITEMS:
            return "full"
        run(cursor, "INSERT INTO relay_mailbox_items (mailbox_hash, item_hash, blob, stored_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (mailbox_hash, item_hash, blob, now()))
        return "stored" if cursor.rowcount == 1 else "same"


def list_items(store: RelayStore, mailbox_hash: str) -> list[tuple[str, int]]:
    return [(str(r[0]), int(r[1])) for r in store._rows(  # noqa: SLF001
        "SELECT item_hash, stored_at FROM relay_mailbox_items WHERE mailbox_hash = ?"
        " ORDER BY stored_at, item_hash", (mailbox_hash,))]


def get_item(store: RelayStore, mailbox_hash: str, item_hash: str) -> bytes | None:
    row = _one(store, "SELECT blob FROM relay_mailbox_items WHERE mailbox_hash = ? AND"
               " item_hash = ?", (mailbox_hash, item_hash))
    return bytes(row[0]) if row else None


def delete_item(store: RelayStore, mailbox_hash: str, item_hash: str) -> None:
    with store.transaction() as cursor:
        store._run(cursor, "DELETE FROM relay_mailbox_items WHERE mailbox_hash = ? AND"  # noqa: SLF001
                   " item_hash = ?", (mailbox_hash, item_hash))
