"""Device authentication at the relay: a signed request under a challenge's session.

The relay knows a device's Ed25519 public key from its organisation's
registration (the founding device), an enrollment (a new device with a valid
invitation) or a roster (an active device of the organisation naming its
peers). Each request carries the headers of :mod:`protocol`; the relay looks
the device up *within the organisation the request names*, refuses unknown
devices (the same answer for an unknown organisation) and revoked ones,
checks the signature over the canonical request, and finally consumes the
(nonce, counter) pair so it can never be used again.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.storage import RelayStore


class ApiError(Exception):
    """A refusal with an HTTP status and a stable code (and, maybe, the field at fault)."""

    def __init__(self, status: int, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.extra = status, code, extra

    def payload(self) -> dict[str, Any]:
        return {"error": self.code, **self.extra}


def _headers(request: Request) -> tuple[str, str, str, int, bytes]:
    h = request.headers
    org, device, nonce = h.get(p.H_ORG, ""), h.get(p.H_DEVICE, ""), h.get(p.H_NONCE, "")
    counter, signature = h.get(p.H_COUNTER, ""), h.get(p.H_SIGNATURE, "")
    if not (p.HEX32.match(org) and p.HEX32.match(device) and p.HEX64.match(nonce)
            and counter.isdigit() and len(counter) <= 18 and signature):
        raise ApiError(401, "unauthenticated")
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except ValueError:
        raise ApiError(401, "unauthenticated") from None
    request.scope["shelterdesk.org"] = org  # for the access log (hashed there)
    return org, device, nonce, int(counter), raw_signature


def _check_signature(request: Request, body: bytes, sign_pub: bytes, org: str, device: str,
                     nonce: str, counter: int, signature: bytes) -> None:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    message = p.signing_input(nonce=nonce, counter=counter, org=org, device=device,
                              method=request.method, path=path, body_sha256=p.body_hash(body))
    try:
        Ed25519PublicKey.from_public_bytes(sign_pub).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise ApiError(401, "bad_signature") from None


async def _consume(store: RelayStore, org: str, device: str, nonce: str, counter: int) -> None:
    if not await run_in_threadpool(store.use_nonce, p.hash_id(nonce), org, device, counter):
        raise ApiError(401, "stale_challenge")


async def authenticate(request: Request, store: RelayStore, body: bytes) -> tuple[str, str]:
    """(org, device) of a request signed by an active device the relay knows: the lookup,
    the signature check and the challenge's counter in one trip to the database."""
    org, device, nonce, counter, signature = _headers(request)

    def check(sign_pub: bytes) -> None:
        _check_signature(request, body, sign_pub, org, device, nonce, counter, signature)

    outcome = await run_in_threadpool(store.authenticate, org, device, p.hash_id(nonce),
                                      counter, check)
    if outcome == "unknown":
        # One lookup and one answer whether the organisation exists or not: the relay
        # confirms nothing to whoever guesses or overhears an organisation id.
        raise ApiError(401, "unknown_device")
    if outcome == "revoked":
        raise ApiError(403, "revoked_device")
    if outcome == "stale":
        raise ApiError(401, "stale_challenge")
    return org, device


async def verify_with_key(request: Request, store: RelayStore, body: bytes,
                          sign_pub: bytes) -> tuple[str, str]:
    """(org, device) of a request signed by the key it presents (registration, enrollment):
    proof of possession; what the key may do is the caller's decision."""
    org, device, nonce, counter, signature = _headers(request)
    known = await run_in_threadpool(store.device, org, device)
    if known is not None and known.revoked:
        raise ApiError(403, "revoked_device")
    _check_signature(request, body, sign_pub, org, device, nonce, counter, signature)
    await _consume(store, org, device, nonce, counter)
    return org, device
