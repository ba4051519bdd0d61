"""Small signed records beside the envelopes: acknowledgements, key grants, announcements.

    magic (4) | u32 length | canonical JSON body | one or more Ed25519 signatures (64 each)

The body names its organisation and signer; each signature covers magic,
length and body. Nothing secret is in a body except what is sealed to one
device inside it (a key grant).
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

from shelterdesk.sync import crypto
from shelterdesk.sync.errors import BadSignature, EnvelopeMalformed, EnvelopeTruncated

ACK = b"SDA1"
GRANT = b"SDK1"
ANNOUNCEMENT = b"SDD1"
INVITATION = b"SDI1"
MAX_BODY = 4 * 1024 * 1024
_LENGTH = struct.Struct(">I")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise EnvelopeMalformed(detail="field")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        raise EnvelopeMalformed(detail="field") from None


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def pack(magic: bytes, body: dict[str, Any], signing_keys: list[bytes]) -> bytes:
    payload = _canonical(body)
    message = magic + _LENGTH.pack(len(payload)) + payload
    return message + b"".join(crypto.sign(key, message) for key in signing_keys)


def unpack(magic: bytes, blob: bytes, signatures: int) -> tuple[dict[str, Any], bytes, list[bytes]]:
    """(body, signed message, signatures); typed errors for anything malformed."""
    if len(blob) < 8 or blob[:4] != magic:
        raise EnvelopeMalformed(detail="record")
    (length,) = _LENGTH.unpack_from(blob, 4)
    if length > MAX_BODY or len(blob) != 8 + length + 64 * signatures:
        raise EnvelopeTruncated()
    message = blob[:8 + length]
    try:
        body = json.loads(blob[8:8 + length].decode("utf-8"))
    except ValueError:
        raise EnvelopeMalformed(detail="record") from None
    if not isinstance(body, dict):
        raise EnvelopeMalformed(detail="record")
    sigs = [blob[8 + length + 64 * i: 8 + length + 64 * (i + 1)] for i in range(signatures)]
    return body, message, sigs


def require_signature(public: bytes, signature: bytes, message: bytes) -> None:
    if not crypto.verify(public, signature, message):
        raise BadSignature()
