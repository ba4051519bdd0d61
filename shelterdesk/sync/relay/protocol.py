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

API = "/v1"
H_ORG, H_DEVICE = "x-sd-org", "x-sd-device"
H_NONCE, H_COUNTER, H_SIGNATURE = "x-sd-nonce", "x-sd-counter", "x-sd-signature"
NONCE_TTL_SECONDS = 600
INVITATION_TTL_SECONDS = 15 * 24 * 3600  # the longest code the CLI issues is 14 days

MAX_ENVELOPE = 16 * 1024 * 1024
MAX_RECORD = 1024 * 1024
MAX_INVITATION = 4 * 1024 * 1024
MAX_JSON = 1024 * 1024
LIST_PAGE = 2000

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
