"""Signed acknowledgements (version vectors) and what they reveal: a vault rolled back.

Each device publishes, after every sync, what it holds: its own last sequence
number and, per other device, the last one it applied, signed with its device
key. A vault restored from an older copy has a lower own sequence than what it
had already published, or than what its peers acknowledged holding of it; then
syncing would reuse sequence numbers peers already hold for other changes, so
it stops with :class:`RollbackDetected` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.store import changes
from shelterdesk.store import sync_registry as registry
from shelterdesk.store.connection import Connection
from shelterdesk.store.rows import now
from shelterdesk.sync import records
from shelterdesk.sync.errors import EnvelopeRejected, RollbackDetected
from shelterdesk.sync.transport import ACKS, Transport


@dataclass(frozen=True)
class Ack:
    device_id: str
    vector: dict[str, int]
    signed_at: str
    wall_ms: int


def publish(transport: Transport, connection: Connection) -> Ack:
    ident = registry.identity(connection)
    ack = Ack(ident.device_id, changes.version_vector(connection), now(),
              changes.wall_ms(connection))
    body = {"org": ident.org_id, "device": ack.device_id, "vector": ack.vector,
            "signed_at": ack.signed_at, "wall_ms": ack.wall_ms}
    transport.put_record(ACKS, ident.device_id, records.pack(records.ACK, body, [ident.sign_key]))
    return ack


def read(transport: Transport, connection: Connection) -> tuple[list[Ack], list[tuple[str, str]]]:
    """Every acknowledgement whose signature checks out (recorded), and the refused ones."""
    ident = registry.identity(connection)
    found, refused = [], []
    for name in transport.list_records(ACKS):
        device = registry.device(connection, name)
        blob = transport.get_record(ACKS, name)
        if device is None or blob is None:
            continue
        try:
            body, message, (signature,) = records.unpack(records.ACK, blob, 1)
            records.require_signature(device.sign_pub, signature, message)
            if body.get("org") != ident.org_id or body.get("device") != name:
                raise EnvelopeRejected()
            vector = {str(k): int(v) for k, v in dict(body["vector"]).items()}
            ack = Ack(name, vector, str(body["signed_at"]), int(body.get("wall_ms", 0)))
        except (EnvelopeRejected, KeyError, TypeError, ValueError) as error:
            refused.append((f"acks/{name}", getattr(error, "reason", "malformed")))
            continue
        if name != ident.device_id:
            registry.record_ack(connection, name, vector, ack.signed_at)
        found.append(ack)
    return found, refused


def check_rollback(connection: Connection, acks: list[Ack], own_envelope_seq: int) -> None:
    """RollbackDetected if anyone (this device included) has seen more of this device's
    changes than the vault now holds."""
    me = changes.device_id(connection)
    have = changes.last_seq(connection)
    seen = own_envelope_seq
    for ack in acks:
        seen = max(seen, ack.vector.get(me, 0))
    for vector in registry.acks(connection).values():
        seen = max(seen, int(vector.get(me, 0)))
    if seen > have:
        raise RollbackDetected(have=have, seen=seen)
