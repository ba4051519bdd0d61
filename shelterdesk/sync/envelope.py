"""Envelopes (``.sde``): immutable, end-to-end encrypted, signed batches of one device's changes.

    header (cleartext, the AEAD's associated data), 107 bytes, big-endian:
        magic "SDE1" | version u8 | org id 16 | sender device 16 | key epoch u32
        | seq_from u64 | seq_to u64 | previous envelope hash 32 | schema u16
        | nonce 12 | body length u32
    body:      AES-256-GCM(HKDF-SHA256(epoch key, salt=org id, info="shelterdesk/envelope/v1"),
               nonce, codec.pack(changes), aad=header)
    signature: Ed25519 of header | body by the sender's device key (64 bytes)

The cipher alone proves only "some device of the organisation"; the signature
names which one. The hash of the whole file chains each device's envelopes.
Opening goes from cheap to dear: layout, organisation and sender, signature,
chain, then decryption and decoding, each failure its own typed error.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from shelterdesk.store.replication.changes import Change
from shelterdesk.sync import codec, crypto
from shelterdesk.sync.errors import (
    EnvelopeMalformed,
    EnvelopeTruncated,
    TamperedEnvelope,
)

MAGIC = b"SDE1"
VERSION = 1
_HEADER = struct.Struct(">4sB16s16sIQQ32sH12sI")
HEADER_BYTES = _HEADER.size
MAX_BODY = 300 * 1024 * 1024
ZERO_HASH = b"\0" * 32


@dataclass(frozen=True)
class Header:
    org_id: str
    sender: str
    epoch: int
    seq_from: int
    seq_to: int
    prev_hash: bytes
    schema: int
    nonce: bytes
    body_length: int

    def pack(self) -> bytes:
        return _HEADER.pack(MAGIC, VERSION, bytes.fromhex(self.org_id), bytes.fromhex(self.sender),
                            self.epoch, self.seq_from, self.seq_to, self.prev_hash, self.schema,
                            self.nonce, self.body_length)


def envelope_key(epoch_key: bytes, org_id: str) -> bytes:
    return crypto.hkdf(epoch_key, b"shelterdesk/envelope/v1", salt=bytes.fromhex(org_id))


def digest(blob: bytes) -> bytes:
    return hashlib.sha256(blob).digest()


def seal(changes: list[Change], *, org_id: str, sender: str, epoch: int, epoch_key: bytes,
         prev_hash: bytes | None, schema: int, signing_key: bytes) -> bytes:
    """One envelope for a contiguous run of the sender's changes."""
    if not changes:
        raise ValueError("an envelope needs at least one change")
    plaintext = codec.pack(changes)
    # The nonce is part of the authenticated header, so it is drawn before encrypting.
    nonce = crypto.new_nonce()
    header = Header(org_id, sender, epoch, changes[0].seq, changes[-1].seq,
                    prev_hash or ZERO_HASH, schema, nonce, len(plaintext) + 16).pack()
    body = crypto.encrypt_with_nonce(envelope_key(epoch_key, org_id), nonce, plaintext, header)
    signed = header + body
    return signed + crypto.sign(signing_key, signed)


def parse_header(blob: bytes) -> Header:
    """The cleartext header, after checking the envelope's layout and length."""
    if len(blob) < HEADER_BYTES + crypto.SIGNATURE_BYTES:
        raise EnvelopeTruncated()
    (magic, version, org, sender, epoch, seq_from, seq_to, prev_hash, schema, nonce,
     body_length) = _HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise EnvelopeMalformed(detail="magic")
    if version != VERSION:
        raise EnvelopeMalformed(detail="version")
    if body_length > MAX_BODY or seq_from < 1 or seq_to < seq_from:
        raise EnvelopeMalformed(detail="header")
    if len(blob) != HEADER_BYTES + body_length + crypto.SIGNATURE_BYTES:
        raise EnvelopeTruncated()
    return Header(org.hex(), sender.hex(), epoch, seq_from, seq_to, prev_hash, schema, nonce,
                  body_length)


def signature_valid(blob: bytes, sign_pub: bytes) -> bool:
    return crypto.verify(sign_pub, blob[-crypto.SIGNATURE_BYTES:],
                         blob[:-crypto.SIGNATURE_BYTES])


def open_body(blob: bytes, header: Header, epoch_key: bytes) -> list[Change]:
    """Decrypt and decode; the changes must be exactly the header's sequence range."""
    key = envelope_key(epoch_key, header.org_id)
    body = blob[HEADER_BYTES:HEADER_BYTES + header.body_length]
    try:
        plaintext = crypto.decrypt(key, header.nonce, body, blob[:HEADER_BYTES])
    except crypto.DecryptionFailed:
        raise TamperedEnvelope() from None
    changes = codec.unpack(plaintext, header.sender)
    expected = list(range(header.seq_from, header.seq_to + 1))
    if [c.seq for c in changes] != expected:
        raise EnvelopeMalformed(detail="sequence")
    return changes
