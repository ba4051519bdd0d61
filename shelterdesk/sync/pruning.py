"""Pruning: envelopes every laptop holds and a snapshot covers leave the folder and relay.

Per origin device, the limit is the smaller of what the newest valid snapshot in the
place covers and what every active laptop acknowledges holding (their signed
acknowledgements, sync/acks.py). A laptop joining later starts from that snapshot, and
no laptop still needs what goes. Nothing is pruned while any active laptop has not said
what it holds, or while there is no snapshot. The relay checks the same limits itself
(sync/relay/pruning.py); the folder trusts the laptops that can write to it anyway.
"""

from __future__ import annotations

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import changes, registry
from shelterdesk.sync import acks, snapshots
from shelterdesk.sync.transport import Transport

PRUNED_TOTAL = "sync_pruned_total"  # meta: envelopes this laptop has pruned, in all
SNAPSHOT_COVERS = "sync_snapshot_covers"  # meta: changes the newest snapshot seen covers
VERIFIED = "sync_snapshot_verified"  # meta: the snapshot whose parts were last checked whole


def limits(transport: Transport, connection: Connection) -> dict[str, int]:
    best = snapshots.newest(transport, connection)
    if best is None or not _intact(transport, connection, best):
        return {}
    me = changes.device_id(connection)
    active = [d.device_id for d in registry.devices(connection) if not d.revoked]
    stored = registry.acks(connection)
    own, _hashes = acks.holdings(connection)
    vectors = [own] + [stored.get(device) for device in active if device != me]
    if any(vector is None for vector in vectors):
        return {}
    return {origin: min([int(seq)] + [int(v.get(origin, 0)) for v in vectors if v is not None])
            for origin, (seq, _hash) in best.vector.items()}


def _intact(transport: Transport, connection: Connection, manifest: snapshots.Manifest) -> bool:
    """Every part of the snapshot is there as signed (checked once per snapshot): nothing is
    pruned on the strength of a snapshot a new laptop could not use."""
    mark = f"{manifest.producer}/{manifest.created_at}"
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (VERIFIED,)).fetchone()
    if row is not None and row[0] == mark:
        return True
    if not snapshots.parts_intact(transport, manifest):
        return False
    with transaction(connection):
        connection.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                           " DO UPDATE SET value = excluded.value", (VERIFIED, mark))
    return True


def prune(transport: Transport, connection: Connection) -> int:
    """Prune what may go; returns how many envelopes the place deleted."""
    upto = {device: seq for device, seq in limits(transport, connection).items() if seq > 0}
    deleted = transport.prune_envelopes(upto) if upto else 0
    best = snapshots.newest(transport, connection)
    with transaction(connection):
        _bump(connection, PRUNED_TOTAL, deleted)
        connection.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                           " DO UPDATE SET value = excluded.value",
                           (SNAPSHOT_COVERS, str(best.covers if best else 0)))
    return deleted


def _bump(connection: Connection, key: str, by: int) -> None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    total = (int(row[0]) if row and str(row[0]).isdigit() else 0) + by
    connection.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                       " DO UPDATE SET value = excluded.value", (key, str(total)))


def status(connection: Connection) -> tuple[int, int]:
    """(envelopes the newest snapshot covers, envelopes pruned in all) as last seen here."""
    found = dict(connection.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                    (SNAPSHOT_COVERS, PRUNED_TOTAL)).fetchall())
    return (int(found.get(SNAPSHOT_COVERS, 0) or 0), int(found.get(PRUNED_TOTAL, 0) or 0))
