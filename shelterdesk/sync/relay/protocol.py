"""What client and relay agree on: the signed request, header names, limits.

A device authenticates every request with its Ed25519 device key. It first
fetches a challenge (``GET /v1/challenge``, a random nonce that lives for a
few minutes), then signs, per request, the canonical string returned by
:func:`signing_input` — the nonce, a counter that must rise with every
request in that challenge's session, the organisation, the device, the
method, the path with its query, and the SHA-256 of the body. A replayed
request (same counter or an old nonce) is refused, and the signature binds
the body, so nothing can be altered in flight.
"""

from __future__ import annotations

import hashlib
import re
import struct

API = "/v1"
# Features beyond the first relay: admission tokens, enrollment requests, batch fetch. A
# client sends it, the relay names it in /health and in batch answers; an older relay
# answers the newer routes 404, which the client reports as "relay too old".
PROTOCOL = 2
H_PROTOCOL = "x-sd-protocol"
H_ORG, H_DEVICE = "x-sd-org", "x-sd-device"
H_NONCE, H_COUNTER, H_SIGNATURE = "x-sd-nonce", "x-sd-counter", "x-sd-signature"
NONCE_TTL_SECONDS = 600
INVITATION_TTL_SECONDS = 15 * 24 * 3600  # the longest code the CLI issues is 14 days

MAX_ENVELOPE = 16 * 1024 * 1024
MAX_RECORD = 1024 * 1024
MAX_INVITATION = 4 * 1024 * 1024
MAX_JSON = 1024 * 1024
LIST_PAGE = 2000
FETCH_BATCH = 500  # the most envelopes asked in one batch request (clients ask 200)
FETCH_CHUNK = 50  # envelopes read from the database per step of the streamed answer
_FRAME = struct.Struct(">16sQQI")
MISSING = 0xFFFFFFFF


def frame(device: str, seq_from: int, seq_to: int, blob: bytes | None) -> bytes:
    """One envelope of a batch answer: device (16) | seq_from | seq_to | length (u32,
    ``MISSING`` for an envelope the relay does not hold) | bytes."""
    head = _FRAME.pack(bytes.fromhex(device), seq_from, seq_to,
                       MISSING if blob is None else len(blob))
    return head + (blob or b"")


FRAME_HEAD = _FRAME.size


def unframe_head(head: bytes) -> tuple[str, int, int, int]:
    device, seq_from, seq_to, length = _FRAME.unpack(head)
    return device.hex(), seq_from, seq_to, length

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
RECORD_NAME = re.compile(r"^[0-9a-z][0-9a-z._-]{0,99}$")
RECORD_KINDS = ("acks", "keys", "devices", "snapshots")
# Records named after the device that writes them; other devices may not write these names.
OWN_NAMED_KINDS = ("acks", "devices")


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signing_input(*, nonce: str, counter: int, org: str, device: str, method: str,
                  path: str, body_sha256: str) -> bytes:
    """The exact bytes a device signs for one request."""
    return "\n".join(("shelterdesk-relay/v1", nonce, str(counter), org, device, method.upper(),
                      path, body_sha256)).encode()


def hash_id(value: str) -> str:
    """What the relay keeps of an invitation id, and what its logs show of an org id."""
    return hashlib.sha256(value.encode()).hexdigest()
