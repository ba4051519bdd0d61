"""Store and forward: offer every envelope this laptop holds to a transport lacking it.

Laptops on different transports (a folder-only laptop, a relay-only one) converge only
through laptops that use both. Each sync, after receiving, this laptop puts to the
transport at hand every envelope of another laptop that it received (through any
transport) and that the transport does not hold, byte for byte as the origin signed it;
its own sealed envelopes are put by the outbox as before. Kept envelopes are dropped
once every laptop acknowledges holding them.
"""

from __future__ import annotations

from collections.abc import Mapping

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import changes, forwarding, registry
from shelterdesk.sync.transport import EnvelopeRef, Transport


def offer(connection: Connection, transport: Transport,
          pruned: Mapping[str, int] | None = None) -> int:
    """Put what the transport lacks (not what was pruned); returns how many were forwarded."""
    floors = forwarding.floors(connection)
    if not floors:
        return 0
    present = {ref for ref in transport.list_envelopes(floors)}
    me = changes.device_id(connection)
    put = 0
    for device, seq_from, seq_to, blob in list(forwarding.kept(connection)):
        ref = EnvelopeRef(device, seq_from, seq_to)
        if device == me or ref in present or seq_to <= (pruned or {}).get(device, 0):
            continue
        transport.put_envelope(ref, blob)
        put += 1
    return put


def tidy(connection: Connection) -> int:
    """Forget kept envelopes every remaining laptop holds."""
    me = changes.device_id(connection)
    active = {d.device_id for d in registry.devices(connection) if not d.revoked}
    holders = {device: vector for device, vector in registry.acks(connection).items()
               if device in active}
    if active - {me} - set(holders):
        return 0  # some laptop has not said what it holds yet
    with transaction(connection):
        return forwarding.forget_held_by_all(connection, holders, me)
