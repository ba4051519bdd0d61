"""Signed acknowledgements (version vectors) and what they reveal: a vault rolled back.

Each device publishes, after every sync, what it holds: for itself, the last
sequence number it sealed into an envelope and that envelope's hash; for every
other device, the last one it applied and its hash; all signed with its device
key. A vault restored from an older copy no longer holds envelopes it had
already published, or that peers acknowledge holding of it: if it synced, it
would reuse sequence numbers peers already hold for other changes. So it stops
(:class:`RollbackDetected`) and stays stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import changes, registry
from shelterdesk.store.rows import now
from shelterdesk.sync import anchors, records
from shelterdesk.sync.errors import EnvelopeRejected, RollbackDetected
from shelterdesk.sync.transport import ACKS, EnvelopeRef, Transport


@dataclass(frozen=True)
class Ack:
    device_id: str
    vector: dict[str, int]
    hashes: dict[str, str]
    signed_at: str
    wall_ms: int


def holdings(connection: Connection) -> tuple[dict[str, int], dict[str, str]]:
    """(vector, hashes): what this device holds of every device, itself by sealed envelopes."""
    me = changes.device_id(connection)
    vector, hashes = {}, {}
    for peer in changes.peers(connection):
        if peer.device_id != me and peer.applied_seq:
            vector[peer.device_id] = peer.applied_seq
            hashes[peer.device_id] = (peer.last_hash or b"").hex()
    sealed, last_hash = registry.last_sent(connection)
    vector[me], hashes[me] = sealed, (last_hash or b"").hex()
    return vector, hashes


def publish(transport: Transport, connection: Connection) -> Ack:
    """Also carries this laptop's signed audit head and the heads it holds of the others."""
    ident = registry.identity(connection)
    vector, hashes = holdings(connection)
    ack = Ack(ident.device_id, vector, hashes, now(), changes.wall_ms(connection))
    with transaction(connection):
        anchors.sign_own(connection)
        held = anchors.outgoing(connection)
    body = {"org": ident.org_id, "device": ack.device_id, "vector": vector, "hashes": hashes,
            "signed_at": ack.signed_at, "wall_ms": ack.wall_ms, "anchors": held}
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
            hashes = {str(k): str(v) for k, v in dict(body.get("hashes", {})).items()}
            ack = Ack(name, vector, hashes, str(body["signed_at"]), int(body.get("wall_ms", 0)))
        except (EnvelopeRejected, KeyError, TypeError, ValueError) as error:
            refused.append((f"acks/{name}", getattr(error, "reason", "malformed")))
            continue
        if name != ident.device_id:
            registry.record_ack(connection, name, vector, ack.signed_at)
        anchors.absorb(connection, body.get("anchors"))
        found.append(ack)
    return found, refused


def check_rollback(connection: Connection, acks: list[Ack], own_refs: list[EnvelopeRef]) -> None:
    """RollbackDetected (and the vault halted for good) if this device's own envelopes in the
    transport, or what anyone acknowledges of it, are not what the vault holds."""
    me = changes.device_id(connection)
    halted = connection.execute("SELECT halted FROM sync_state").fetchone()[0]
    have = changes.last_seq(connection)
    sealed = {s.seq_to: s.hash.hex() for s in registry.sent_envelopes(connection)}
    ranges = {(s.seq_from, s.seq_to) for s in registry.sent_envelopes(connection)}
    top = max(sealed, default=0)
    seen = 0
    if halted:
        seen = int(halted)
    for ref in own_refs:
        if (ref.seq_from, ref.seq_to) not in ranges:
            seen = max(seen, ref.seq_to)
    for ack in acks:
        claimed = ack.vector.get(me, 0)
        if claimed > top or (claimed and ack.hashes.get(me, sealed.get(claimed))
                             != sealed.get(claimed)):
            seen = max(seen, claimed)
    for vector in registry.acks(connection).values():
        if int(vector.get(me, 0)) > top:
            seen = max(seen, int(vector.get(me, 0)))
    if seen:
        if not halted:
            with transaction(connection):
                connection.execute("UPDATE sync_state SET halted = ?", (str(seen),))
        raise RollbackDetected(have=have, seen=seen)


def everyone_holds(connection: Connection) -> int:
    """The last of this device's seqs that every other remaining device acknowledges."""
    me = changes.device_id(connection)
    others = [d.device_id for d in registry.devices(connection)
              if d.device_id != me and not d.revoked]
    stored = registry.acks(connection)
    if not others:
        return 0
    return min(int(stored.get(device, {}).get(me, 0)) for device in others)
