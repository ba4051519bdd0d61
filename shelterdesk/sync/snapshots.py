"""Signed snapshots: a new laptop starts from a recent state, not the whole history.

A laptop whose changes are all sealed (nothing waits in its outbox, quarantine or for a
key) writes, now and then, its whole replicated state with the version vector it covers
(per device: last sequence number and envelope hash). Everything under a client is
sealed under that client's key (as in envelopes, so an erasure reaches snapshots too);
the whole is compressed, encrypted under the current epoch key and cut into parts of
the ``snapshots`` record kind; a manifest signed by the producing laptop's device key
names the parts by SHA-256, the epoch and the vector. A newer snapshot replaces the
producer's older one in place.

A laptop that has just joined (nothing applied, nothing written) takes the snapshot
covering the most, checks the producer's signature and every part, and sets its vault to
that state in one transaction; the envelopes after the vector then apply as usual (the
chain goes on from the vector's hashes). If any client key it needs is missing, or
anything fails a check, it replays the history instead. Envelopes that a snapshot covers
and every laptop acknowledges can then be pruned (``sync/pruning.py``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import case_keys, changes, registry, replica, state_transfer
from shelterdesk.store.rows import now
from shelterdesk.sync import crypto, records
from shelterdesk.sync.errors import EnvelopeRejected
from shelterdesk.sync.transport import SNAPSHOTS, Transport

MANIFEST = b"SDS1"
PART_BYTES = 900 * 1024  # under the relay's 1 MiB a record
# A new snapshot once this many changes are past the newest one (and at most daily):
# writing one costs about as much as a first sync of the same data.
EVERY_CHANGES = 100_000
MIN_HOURS = 24
MAX_PLAIN = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    producer: str
    epoch: int
    vector: dict[str, list]
    parts: list[str]
    nonce: bytes
    created_at: str
    name: str = ""

    @property
    def covers(self) -> int:
        return sum(int(seq) for seq, _hash in self.vector.values())


@dataclass
class SnapshotReport:
    written: bool = False
    loaded_from: str = ""
    loaded_changes: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


def _key(epoch_key: bytes, org_id: str) -> bytes:
    return crypto.hkdf(epoch_key, b"shelterdesk/snapshot/v1", salt=bytes.fromhex(org_id))


def _group_key(client_key: bytes, org_id: str) -> bytes:
    return crypto.hkdf(client_key, b"shelterdesk/snapshot-case/v1", salt=bytes.fromhex(org_id))


def _aad(org_id: str, producer: str, created_at: str) -> bytes:
    return f"shelterdesk/snapshot/v1|{org_id}|{producer}|{created_at}".encode()


def manifests(transport: Transport, connection: Connection) -> list[Manifest]:
    """Every snapshot manifest in the place whose producer's signature checks out."""
    ident = registry.identity(connection)
    found = []
    for name in transport.list_records(SNAPSHOTS):
        producer, _, kind = name.partition(".")
        if kind != "m":
            continue
        device = registry.device(connection, producer)
        blob = transport.get_record(SNAPSHOTS, name)
        if device is None or device.revoked or blob is None:
            continue
        try:
            body, message, (signature,) = records.unpack(MANIFEST, blob, 1)
            records.require_signature(device.sign_pub, signature, message)
            if body.get("org") != ident.org_id or body.get("producer") != producer:
                raise EnvelopeRejected()
            found.append(Manifest(producer, int(body["epoch"]), dict(body["vector"]),
                                  [str(p) for p in body["parts"]],
                                  records.unb64(body["nonce"]), str(body["created_at"]), name))
        except (EnvelopeRejected, KeyError, TypeError, ValueError):
            continue
    return found


def newest(transport: Transport, connection: Connection) -> Manifest | None:
    found = manifests(transport, connection)
    return max(found, key=lambda m: (m.covers, m.created_at), default=None)


# --- producing ---------------------------------------------------------------------------
def ready_to_produce(connection: Connection) -> bool:
    one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
    return not (one("SELECT count(*) FROM change_log") or one(
        "SELECT count(*) FROM sync_quarantine") or one(
        "SELECT count(*) FROM sync_sealed_waiting") or one(
        "SELECT count(*) FROM sync_sent WHERE put_at IS NULL"))


def maybe_produce(transport: Transport, connection: Connection, *,
                  every: int | None = None) -> bool:
    """Write a snapshot if this laptop is quiet and the newest one is ``every`` envelopes
    behind what it holds."""
    if not ready_to_produce(connection):
        return False
    held = sum(p.applied_seq for p in changes.peers(connection)
               if p.device_id != changes.device_id(connection))
    held += registry.last_sent(connection)[0]
    best = newest(transport, connection)
    if held - (best.covers if best else 0) < (EVERY_CHANGES if every is None else every):
        return False
    if best is not None and every is None and best.created_at > _hours_ago(MIN_HOURS):
        return False
    produce(transport, connection)
    return True


def produce(transport: Transport, connection: Connection) -> Manifest:
    ident = registry.identity(connection)
    assert ident.sign_key is not None
    with transaction(connection):  # a key for every client whose rows go in
        groups, meta = state_transfer.export_state(connection)
        sealed = {}
        for client, group in groups.items():
            if client == state_transfer.PLAIN:
                continue
            key = case_keys.key_for(connection, client, crypto.random_key())
            if key is None:
                continue  # shredded: nothing of theirs goes in
            nonce, body = crypto.encrypt(_group_key(key, ident.org_id),
                                         json.dumps(group, separators=(",", ":")).encode(),
                                         client.encode())
            sealed[client] = records.b64(nonce + body)
    created = now()
    payload = {"v": 1, "plain": groups.get(state_transfer.PLAIN, {}), "sealed": sealed,
               "hlc": meta["hlc"]}
    plain = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 6)
    epoch = registry.current_epoch(connection)
    nonce, cipher = crypto.encrypt(_key(registry.epoch_keys(connection)[epoch], ident.org_id),
                                   plain, _aad(ident.org_id, ident.device_id, created))
    chunks = [cipher[i:i + PART_BYTES] for i in range(0, len(cipher), PART_BYTES)]
    digests = [hashlib.sha256(chunk).hexdigest() for chunk in chunks]
    for number, chunk in enumerate(chunks):
        transport.put_record(SNAPSHOTS, f"{ident.device_id}.{number}", chunk)
    body = {"org": ident.org_id, "producer": ident.device_id, "epoch": epoch,
            "vector": meta["vector"], "parts": digests, "nonce": records.b64(nonce),
            "created_at": created}
    name = f"{ident.device_id}.m"
    transport.put_record(SNAPSHOTS, name, records.pack(MANIFEST, body, [ident.sign_key]))
    return Manifest(ident.device_id, epoch, meta["vector"], digests, nonce, created, name)


def _hours_ago(hours: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- joining from one --------------------------------------------------------------------
def _fetch(transport: Transport, manifest: Manifest) -> bytes:
    out = bytearray()
    for number, digest in enumerate(manifest.parts):
        chunk = transport.get_record(SNAPSHOTS, f"{manifest.producer}.{number}")
        if chunk is None or hashlib.sha256(chunk).hexdigest() != digest:
            raise EnvelopeRejected()
        out += chunk
    return bytes(out)


def parts_intact(transport: Transport, manifest: Manifest) -> bool:
    try:
        _fetch(transport, manifest)
    except EnvelopeRejected:
        return False
    return True


def _open(transport: Transport, connection: Connection, manifest: Manifest) -> dict[str, Any]:
    ident = registry.identity(connection)
    key = registry.epoch_keys(connection).get(manifest.epoch)
    if key is None:
        raise EnvelopeRejected()
    try:
        plain = crypto.decrypt(_key(key, ident.org_id), manifest.nonce,
                               _fetch(transport, manifest),
                               _aad(ident.org_id, manifest.producer, manifest.created_at))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(plain, MAX_PLAIN)
        if inflater.unconsumed_tail or not inflater.eof:
            raise EnvelopeRejected()
        return dict(json.loads(raw))
    except (crypto.DecryptionFailed, zlib.error, ValueError):
        raise EnvelopeRejected() from None


def load(transport: Transport, connection: Connection, report: SnapshotReport) -> bool:
    """Set a fresh vault to the newest snapshot in the place; False (and nothing changed)
    when there is none, it fails a check, or a client key it needs is not here."""
    if not state_transfer.is_fresh(connection):
        return False
    manifest = newest(transport, connection)
    if manifest is None:
        return False
    ident = registry.identity(connection)
    try:
        payload = _open(transport, connection, manifest)
        groups = [payload.get("plain", {})]
        for client, text in dict(payload.get("sealed", {})).items():
            known, key = case_keys.lookup(connection, client)
            if key is None:
                if known:
                    continue  # shredded here already
                report.problems.append((f"snapshot/{manifest.producer}", "missing_case_key"))
                return False  # replay the history instead
            blob = records.unb64(text)
            groups.append(json.loads(crypto.decrypt(
                _group_key(key, ident.org_id), blob[:crypto.NONCE_BYTES],
                blob[crypto.NONCE_BYTES:], client.encode())))
    except (EnvelopeRejected, crypto.DecryptionFailed, KeyError, TypeError, ValueError) as error:
        report.problems.append((f"snapshot/{manifest.producer}",
                                getattr(error, "reason", "malformed")))
        return False
    touched: dict[str, set[str]] = {}
    with replica.applying(connection):
        for group in groups:
            state_transfer.import_group(connection, group, touched)
        state_transfer.set_covered(connection, manifest.vector, int(payload.get("hlc", 0)))
        replica.reindex(connection, touched)
    report.loaded_from = manifest.producer
    report.loaded_changes = manifest.covers
    return True
