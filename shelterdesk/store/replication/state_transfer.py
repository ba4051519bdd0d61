"""A laptop's replicated state as data, and a fresh vault set to it (for snapshots).

The state is every row of every synced table plus the merge state that decides later
merges (each row's existence clock, each field's clock, orphaned field values), with
device numbers replaced by device ids, and the version vector it covers. A joining
laptop set to it is, for every later merge, the same as one that replayed the whole
history up to that vector. Entries under a client are grouped by client, so the sync
layer can seal each group under that client's key.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from typing import Any

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication import case_keys, changes
from shelterdesk.store.replication.capture import shapes

PLAIN = ""  # the group of entries under no client


def _enc(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _dec(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$b"}:
        return base64.b64decode(value["$b"])
    return value


def _empty() -> dict[str, list]:
    return {"rows": [], "states": [], "fields": [], "orphans": []}


def export_state(connection: Connection) -> tuple[dict[str, dict[str, list]], dict[str, Any]]:
    """(groups by client id — ``PLAIN`` for the rest —, vector and clock)."""
    devices = {r[0]: r[1] for r in connection.execute("SELECT idx, device_id FROM sync_peers")}
    resolver = case_keys.Resolver(connection)
    groups: dict[str, dict[str, list]] = defaultdict(_empty)

    def group(table: str, row_id: str, erased: bool = False) -> dict[str, list]:
        client = None if erased or not resolver.owned(table) else \
            resolver.client_of(table, row_id)
        return groups[client or PLAIN]

    for name, shape in shapes(connection).items():
        cursor = connection.execute(f"SELECT * FROM {name}")
        columns = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(columns, row, strict=True))
            if len(shape.key) == 1:
                row_id = str(record[shape.key[0]])
            else:
                import json
                row_id = json.dumps([record[k] for k in shape.key], separators=(",", ":"))
            group(name, row_id)["rows"].append([name, {k: _enc(v) for k, v in record.items()}])
    for tbl, row_id, hlc, dev, alive, prev in connection.execute(
            "SELECT tbl, row_id, hlc, dev, alive, prev FROM sync_rows"):
        group(tbl, row_id, erased=alive == -1)["states"].append(
            [tbl, row_id, hlc, devices[dev], alive, prev])
    for tbl, row_id, col, hlc, dev, prev in connection.execute(
            "SELECT tbl, row_id, col, hlc, dev, prev FROM sync_fields"):
        group(tbl, row_id)["fields"].append([tbl, row_id, col, hlc, devices[dev], prev])
    for tbl, row_id, col, hlc, dev, prev, value in connection.execute(
            "SELECT tbl, row_id, col, hlc, dev, prev, value FROM sync_orphans"):
        group(tbl, row_id)["orphans"].append([tbl, row_id, col, hlc, devices[dev], prev,
                                              _enc(value)])
    me = changes.device_id(connection)
    vector = {p.device_id: [p.applied_seq, (p.last_hash or b"").hex()]
              for p in changes.peers(connection) if p.device_id != me and p.applied_seq}
    sealed = connection.execute(
        "SELECT seq_to, hash FROM sync_sent ORDER BY seq_from DESC LIMIT 1").fetchone()
    if sealed is not None:
        vector[me] = [int(sealed[0]), bytes(sealed[1]).hex()]
    return dict(groups), {"vector": vector, "hlc": changes.current_hlc(connection)}


def is_fresh(connection: Connection) -> bool:
    """Nothing applied or written here yet (a laptop that just joined)."""
    if any(p.applied_seq for p in changes.peers(connection)):
        return False
    if changes.last_seq(connection):
        return False
    return all(connection.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None
               for name in shapes(connection))


def import_group(connection: Connection, group: dict[str, list],
                 touched: dict[str, set[str]]) -> None:
    """Write one group's rows and merge state (inside ``replica.applying``)."""
    index: dict[str, int] = {}

    def idx(device: str) -> int:
        if device not in index:
            index[device] = changes.peer(connection, device).idx
        return index[device]

    for table, record in group.get("rows", []):
        names = list(record)
        connection.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [_dec(record[n]) for n in names])
        touched.setdefault(table, set()).add(str(record.get("id", "")))
    for tbl, row_id, hlc, dev, alive, prev in group.get("states", []):
        connection.execute("INSERT INTO sync_rows (tbl, row_id, hlc, dev, alive, prev)"
                           " VALUES (?, ?, ?, ?, ?, ?)", (tbl, row_id, hlc, idx(dev), alive, prev))
    for tbl, row_id, col, hlc, dev, prev in group.get("fields", []):
        connection.execute("INSERT INTO sync_fields (tbl, row_id, col, hlc, dev, prev)"
                           " VALUES (?, ?, ?, ?, ?, ?)", (tbl, row_id, col, hlc, idx(dev), prev))
    for tbl, row_id, col, hlc, dev, prev, value in group.get("orphans", []):
        connection.execute("INSERT INTO sync_orphans (tbl, row_id, col, hlc, dev, prev, value)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (tbl, row_id, col, hlc, idx(dev), prev, _dec(value)))


def set_covered(connection: Connection, vector: dict[str, list], hlc: int) -> None:
    """Record the snapshot's vector as applied (the chain goes on from its hashes)."""
    me = changes.device_id(connection)
    for device, (seq, digest) in vector.items():
        if device != me:
            changes.record_applied(connection, device, int(seq), bytes.fromhex(digest))
    changes.observe(connection, int(hlc))
