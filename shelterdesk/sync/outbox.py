"""Sending: seal this device's new changes into envelopes, then hand them to the transport.

Sealing and sending are two steps with a commit between: an envelope is first
stored whole in ``sync_sent`` (and the changes it holds leave the change log)
in one transaction, then put; a crash between the two puts the very same
bytes next time, so the chain of envelope hashes never forks. Envelopes the
transport has lost (a new folder, a wiped stick) are put again from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import changes, registry
from shelterdesk.sync import crypto, envelope, shredding
from shelterdesk.sync.transport import EnvelopeRef, Transport

MAX_CHANGES = 5_000
MAX_BYTES = 4 * 1024 * 1024


@dataclass
class PushReport:
    envelopes: int = 0
    changes: int = 0
    bytes: int = 0
    reput: int = 0


def _size(change: changes.Change) -> int:
    value = change.value
    if isinstance(value, bytes | str):
        return len(value) + 60
    if isinstance(value, dict):
        return sum(len(str(v)) + len(k) + 6 for k, v in value.items()) + 60
    return 80


def _batches(connection: Connection, after_seq: int):
    batch: list[changes.Change] = []
    size = 0
    for page in changes.iter_outbox(connection, after_seq):
        for change in page:
            if batch and (len(batch) >= MAX_CHANGES or size + _size(change) > MAX_BYTES):
                yield batch
                batch, size = [], 0
            batch.append(change)
            size += _size(change)
    if batch:
        yield batch


def seal_pending(connection: Connection, report: PushReport) -> None:
    """Seal every change not yet in an envelope (one transaction per envelope)."""
    ident = registry.identity(connection)
    epoch = registry.current_epoch(connection)
    key = registry.epoch_keys(connection)[epoch]
    schema = registry.schema_version(connection)
    sealed_up_to, prev_hash = registry.last_sent(connection)
    for batch in _batches(connection, sealed_up_to):
        with transaction(connection):  # a new client key is kept before anything uses it
            content = shredding.seal_batch(connection, batch, ident.org_id)
        blob = envelope.seal(content, org_id=ident.org_id, sender=ident.device_id, epoch=epoch,
                             epoch_key=key, prev_hash=prev_hash, schema=schema,
                             signing_key=ident.sign_key)
        prev_hash = envelope.digest(blob)
        with transaction(connection):
            registry.record_sent(connection, batch[0].seq, batch[-1].seq, epoch, prev_hash, blob)
            changes.prune_outbox(connection, batch[-1].seq)
        report.envelopes += 1
        report.changes += len(batch)
        report.bytes += len(blob)


def send(connection: Connection, transport: Transport, report: PushReport,
         pruned: Mapping[str, int] | None = None) -> None:
    """Put every sealed envelope the transport does not hold yet (except those at or below
    ``pruned``: every laptop holds them and a snapshot covers them)."""
    me = changes.device_id(connection)
    floor = (pruned or {}).get(me, 0)
    present = {(r.seq_from, r.seq_to) for r in transport.list_envelopes({me: 0})
               if r.device_id == me}
    for sent in registry.sent_envelopes(connection):
        if (sent.seq_from, sent.seq_to) in present or sent.blob is None or sent.seq_to <= floor:
            continue
        transport.put_envelope(EnvelopeRef(me, sent.seq_from, sent.seq_to), sent.blob)
        if sent.put_at is None:
            with transaction(connection):
                registry.mark_put(connection, sent.seq_from)
        else:
            report.reput += 1


def own_envelopes(connection: Connection, transport: Transport) -> list[EnvelopeRef]:
    """This device's envelopes in the transport (evidence against a rolled-back vault): the
    ones it has sealed, and any other that carries its own valid signature (a file someone
    else put there proves nothing)."""
    me = changes.device_id(connection)
    ident = registry.identity(connection)
    ranges = {(s.seq_from, s.seq_to) for s in registry.sent_envelopes(connection)}
    found = []
    for ref in transport.list_envelopes({me: 0}):
        if ref.device_id != me:
            continue
        if (ref.seq_from, ref.seq_to) not in ranges:
            blob = transport.get_envelope(ref)
            if blob is None or ident.sign_key is None or not envelope.signature_valid(
                    blob, crypto.signing_public(ident.sign_key)):
                continue
        found.append(ref)
    return found
