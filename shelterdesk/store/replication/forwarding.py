"""Envelopes received from other laptops, kept verbatim so they can be forwarded.

A laptop that syncs through more than one transport (a folder and a relay) re-offers
what it received through one to the other; the envelopes are signed by their origin,
so they are stored and passed on byte for byte. Forgotten once every laptop
acknowledges holding them (their acknowledgements, sync/acks.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from shelterdesk.store.connection import Connection
from shelterdesk.store.rows import now


def keep(connection: Connection, device_id: str, seq_from: int, seq_to: int,
         blob: bytes) -> None:
    connection.execute(
        "INSERT INTO sync_received (device_id, seq_from, seq_to, blob, received_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (device_id, seq_from, seq_to, blob, now()))


def floors(connection: Connection) -> dict[str, int]:
    """Per origin, one less than the first sequence number kept (a listing's starting point)."""
    return {r[0]: int(r[1]) - 1 for r in connection.execute(
        "SELECT device_id, min(seq_from) FROM sync_received GROUP BY device_id")}


def kept(connection: Connection) -> Iterator[tuple[str, int, int, bytes]]:
    yield from ((r[0], int(r[1]), int(r[2]), bytes(r[3])) for r in connection.execute(
        "SELECT device_id, seq_from, seq_to, blob FROM sync_received"
        " ORDER BY device_id, seq_from"))


def count(connection: Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM sync_received").fetchone()[0])


def forget_held_by_all(connection: Connection, holders: Mapping[str, Mapping[str, int]],
                       me: str) -> int:
    """Drop every kept envelope that each remaining laptop (``holders``: device → what it
    acknowledges) holds; the origin always holds its own."""
    dropped = 0
    for device in [r[0] for r in connection.execute(
            "SELECT DISTINCT device_id FROM sync_received")]:
        others = [vector for holder, vector in holders.items() if holder not in (device, me)]
        if not others:
            continue
        upto = min(int(vector.get(device, 0)) for vector in others)
        dropped += connection.execute(
            "DELETE FROM sync_received WHERE device_id = ? AND seq_to <= ?",
            (device, upto)).rowcount
    return dropped
