"""Crypto-shredding: each client's changes sealed under the client's own key.

Inside an envelope (whose outer layer is the organisation's epoch key), every change
to a row under a client is replaced, at the same sequence number, by a ``~sealed``
change: the client id and AES-256-GCM(client key, the change), bound to the sender and
sequence number. Row deletes carry no content and stay as they are, so an erasure's
tombstones remain readable by every laptop after the key is gone.

Client keys never travel under a key that outlives an erasure. Each laptop writes, for
every other laptop, a *key ring* record (``keys/c<page>-<writer>-<recipient>``) sealed
to that laptop's X25519 key and signed by the writer, holding the client keys the writer
holds and the ids of clients shredded. When a client is erased, the key is set to NULL
in every vault the erasure reaches, and every ring is rewritten without it (the record
replaced in place in the folder and on the relay). After that, no key any laptop holds —
epoch keys, device keys, the vault — opens the client's changes anywhere.

A sealed change whose key has not arrived yet waits in ``sync_sealed_waiting`` and is
applied when the ring brings it; the sender's other changes go on.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shelterdesk.store.connection import Connection, transaction
from shelterdesk.store.replication import case_keys, changes, registry
from shelterdesk.store.replication.changes import DELETE, INSERT, Change
from shelterdesk.sync import codec, crypto, records
from shelterdesk.sync.errors import EnvelopeMalformed, EnvelopeRejected, TamperedEnvelope
from shelterdesk.sync.transport import KEYS, Transport

SEALED = "~sealed"
ERASED = "~erased"
RING = b"SDC1"
RING_PAGE = 2000  # client keys per ring record (well under the relay's 1 MiB a record)
_AAD = struct.Struct(">16s16sQ")


@dataclass
class RingReport:
    written: int = 0
    keys_received: int = 0
    shredded: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _aad(org_id: str, origin: str, seq: int, client_id: str) -> bytes:
    return _AAD.pack(bytes.fromhex(org_id), bytes.fromhex(origin), seq) + client_id.encode()


@functools.lru_cache(maxsize=4096)
def _cipher(client_key: bytes, org_id: str) -> AESGCM:
    """The AES-GCM of one client's key (derived once per key, not per change)."""
    return AESGCM(crypto.hkdf(client_key, b"shelterdesk/case/v1", salt=bytes.fromhex(org_id)))


# --- sealing (this laptop's outgoing changes) ------------------------------------------------
def seal_batch(connection: Connection, batch: list[Change], org_id: str) -> list[Change]:
    """The batch with every change under a client sealed under that client's key."""
    _cipher.cache_clear()  # derived keys live for one batch only (an erasure may come next)
    resolver = case_keys.Resolver(connection)
    for change in batch:
        if change.col == INSERT and isinstance(change.value, dict) and resolver.owned(change.tbl):
            resolver.note_insert(change.tbl, change.row_id, change.value)
    out = []
    keys: dict[str, bytes | None] = {}
    for change in batch:
        if change.is_control or change.col == DELETE or not resolver.owned(change.tbl):
            out.append(change)
            continue
        client = resolver.client_of(change.tbl, change.row_id)
        if client is None:
            out.append(change)  # a row under no client any more (docs/sync.md §10)
            continue
        if client not in keys:
            keys[client] = case_keys.key_for(connection, client, crypto.random_key())
        key = keys[client]
        if key is None:  # the client was erased here: nothing of theirs leaves
            out.append(Change(change.origin, change.seq, change.hlc, ERASED, "", "", None,
                              0))
            continue
        nonce = crypto.new_nonce()
        sealed = _cipher(key, org_id).encrypt(nonce, codec.encode_change(change),
                                              _aad(org_id, change.origin, change.seq, client))
        out.append(Change(change.origin, change.seq, change.hlc, SEALED, client, "",
                          {"c": records.b64(nonce + sealed)}, 0))
    return out


# --- opening (changes received) -------------------------------------------------------------
def _open_one(change: Change, org_id: str, key: bytes) -> Change:
    value = change.value if isinstance(change.value, dict) else {}
    blob = records.unb64(value.get("c"))
    try:
        plain = _cipher(key, org_id).decrypt(blob[:crypto.NONCE_BYTES], blob[crypto.NONCE_BYTES:],
                                             _aad(org_id, change.origin, change.seq,
                                                  change.row_id))
    except (InvalidTag, ValueError):
        raise TamperedEnvelope() from None
    inner = codec.decode_change(change.origin, plain)
    if inner.seq != change.seq or inner.tbl.startswith("~"):
        raise EnvelopeMalformed(detail="sealed")
    return inner


def open_batch(connection: Connection, found: list[Change], org_id: str) -> list[Change]:
    """The changes to apply now: sealed ones opened, those of a shredded client dropped,
    those whose key is not here yet put aside (``sync_sealed_waiting``)."""
    _cipher.cache_clear()
    out = []
    looked: dict[str, tuple[bool, bytes | None]] = {}
    for change in found:
        if change.tbl != SEALED:
            out.append(change)
            continue
        client = change.row_id
        if not client or len(client) > 64:
            raise EnvelopeMalformed(detail="sealed")
        if client not in looked:
            looked[client] = case_keys.lookup(connection, client)
        known, key = looked[client]
        if known and key is None:
            continue  # shredded: the erasure wins, nothing to open
        if key is None:
            connection.execute(
                "INSERT INTO sync_sealed_waiting (origin, seq, client_id, hlc, prev, sealed)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (change.origin, change.seq, client, change.hlc, change.prev,
                 json.dumps(change.value, sort_keys=True)))
            continue
        inner = _open_one(change, org_id, key)
        if inner.col == INSERT:
            case_keys.remember(connection, inner.tbl, inner.row_id, client)
        out.append(inner)
    return out


def take_ready(connection: Connection, org_id: str) -> list[Change]:
    """Waiting sealed changes whose key has arrived, opened (removed from the waiting table;
    the caller applies them in the same transaction). A corrupt one is dropped."""
    rows = connection.execute(
        "SELECT w.origin, w.seq, w.client_id, w.hlc, w.prev, w.sealed, k.key"
        " FROM sync_sealed_waiting w JOIN sync_case_keys k ON k.client_id = w.client_id"
        " ORDER BY w.origin, w.seq").fetchall()
    ready = []
    for origin, seq, client, hlc, prev, sealed, key in rows:
        connection.execute("DELETE FROM sync_sealed_waiting WHERE origin = ? AND seq = ?",
                           (origin, seq))
        if key is None:
            continue
        change = Change(origin, seq, hlc, SEALED, client, "", json.loads(sealed), prev)
        try:
            inner = _open_one(change, org_id, bytes(key))
        except EnvelopeRejected:
            continue
        if inner.col == INSERT:
            case_keys.remember(connection, inner.tbl, inner.row_id, client)
        ready.append(inner)
    return ready


def waiting(connection: Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM sync_sealed_waiting").fetchone()[0])


# --- key rings (records sealed to one laptop each) -----------------------------------------------
def _ring_aad(org_id: str, writer: str, recipient: str, page: int) -> bytes:
    return f"shelterdesk/case-ring/v1|{org_id}|{writer}|{recipient}|{page}".encode()


def _ring_name(page: int, writer: str, recipient: str) -> str:
    return f"c{page}-{writer}-{recipient}"


def _parse_name(name: str) -> tuple[int, str, str] | None:
    head, _, rest = name.partition("-")
    writer, _, recipient = rest.partition("-")
    if not (head.startswith("c") and head[1:].isdigit() and len(writer) == 32
            and len(recipient) == 32):
        return None
    return int(head[1:]), writer, recipient


def write_rings(transport: Transport, connection: Connection) -> RingReport:
    """Give every other laptop the client keys this one holds (and the shredded ids), each
    ring sealed to that laptop; a ring already in the place with the same content is kept."""
    ident = registry.identity(connection)
    report = RingReport()
    if ident.sign_key is None:
        return report
    held = sorted(case_keys.held(connection).items())
    gone = case_keys.shredded(connection)
    pages = [held[i:i + RING_PAGE] for i in range(0, len(held), RING_PAGE)] or [[]]
    secret = crypto.hkdf(ident.sign_key, b"shelterdesk/case-ring/digest")
    existing = set(transport.list_records(KEYS))
    for target in registry.devices(connection):
        if target.revoked or target.device_id == ident.device_id:
            continue
        stale = sorted(p[0] for p in map(_parse_name, existing) if p is not None
                       and p[1] == ident.device_id and p[2] == target.device_id)
        count = max(len(pages), (stale[-1] + 1) if stale else 0)
        for page in range(count):
            keys = pages[page] if page < len(pages) else []
            payload = json.dumps({"k": [[c, records.b64(k)] for c, k in keys],
                                  "s": gone if page == 0 else []},
                                 sort_keys=True, separators=(",", ":")).encode()
            digest = hmac.new(secret, target.kx_pub + payload, hashlib.sha256).hexdigest()
            name = _ring_name(page, ident.device_id, target.device_id)
            if name in existing and _digest_of(transport.get_record(KEYS, name)) == digest:
                continue
            sealed = crypto.seal_to(target.kx_pub, payload, _ring_aad(
                ident.org_id, ident.device_id, target.device_id, page))
            body = {"org": ident.org_id, "writer": ident.device_id,
                    "recipient": target.device_id, "page": page, "digest": digest,
                    "sealed": records.b64(sealed)}
            transport.put_record(KEYS, name, records.pack(RING, body, [ident.sign_key]))
            report.written += 1
    return report


def _digest_of(blob: bytes | None) -> str:
    if blob is None:
        return ""
    try:
        body, _message, _signatures = records.unpack(RING, blob, 1)
    except EnvelopeRejected:
        return ""
    return str(body.get("digest", ""))


def read_rings(transport: Transport, connection: Connection) -> RingReport:
    """Take the client keys (and shredded ids) other laptops sealed to this one (caller's
    transaction)."""
    ident = registry.identity(connection)
    report = RingReport()
    if ident.kx_key is None:
        return report
    for name in transport.list_records(KEYS):
        parsed = _parse_name(name)
        if parsed is None or parsed[2] != ident.device_id:
            continue
        page, writer_id, _me = parsed
        writer = registry.device(connection, writer_id)
        if writer is None or writer.revoked:
            continue  # not known yet: next time; a removed laptop's rings are not taken
        blob = transport.get_record(KEYS, name)
        if blob is None:
            continue
        try:
            body, message, (signature,) = records.unpack(RING, blob, 1)
            if (body.get("org"), body.get("writer"), body.get("recipient"),
                                  body.get("page")) != (ident.org_id, writer_id,
                                                        ident.device_id, page):
                raise EnvelopeRejected()
            records.require_signature(writer.sign_pub, signature, message)
            payload = json.loads(crypto.open_sealed(ident.kx_key, records.unb64(body["sealed"]),
                                                    _ring_aad(ident.org_id, writer_id,
                                                              ident.device_id, page)))
            for client in payload.get("s", []):
                known, key = case_keys.lookup(connection, str(client))
                if not known or key is not None:
                    case_keys.shred(connection, str(client))
                    report.shredded += 1
            for client, key_text in payload.get("k", []):
                key = records.unb64(key_text)
                if len(key) != crypto.KEY_BYTES:
                    raise EnvelopeMalformed(detail="key")
                report.keys_received += case_keys.adopt(connection, str(client), key)
        except (EnvelopeRejected, crypto.DecryptionFailed, KeyError, TypeError,
                ValueError) as error:
            report.rejected.append((f"keys/{name}", getattr(error, "reason", "malformed")))
    return report


def this_device(connection: Connection) -> str:
    return changes.device_id(connection)


def withdraw_invitations(transport: Transport, connection: Connection) -> int:
    """Delete this laptop's open invitations that an erasure withdrew (their packages hold the
    client keys of the day they were made); the codes stop working."""
    withdrawn = [r[0] for r in connection.execute(
        "SELECT invite_id FROM sync_invites WHERE own = 1 AND used_by = 'withdrawn'")]
    for invite_id in withdrawn:
        transport.delete_invitation(invite_id)
        with transaction(connection):
            connection.execute("UPDATE sync_invites SET used_by = 'withdrawn:done'"
                               " WHERE invite_id = ?", (invite_id,))
    return len(withdrawn)
