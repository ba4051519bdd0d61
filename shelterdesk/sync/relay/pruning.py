"""``POST /v1/envelopes/prune``: delete envelopes every device holds and a snapshot covers.

A device asks to prune up to a version vector; the relay never trusts that vector alone.
It caps it, per origin device, by what it can check itself from the signed records it
already stores: the acknowledgement of every active device of the organisation (each
verified with that device's key) and the newest snapshot manifest (verified with its
producer's key). So a device can prune nothing a lagging laptop still needs, and nothing
a new laptop could not get from the snapshot. The relay learns no more than it had: those
records are already in its store.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shelterdesk.sync import crypto
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.auth import ApiError, authenticate
from shelterdesk.sync.relay.storage import RelayStore

_ACK, _MANIFEST = b"SDA1", b"SDS1"  # sync/records.py, sync/snapshots.py


def _signed_body(blob: bytes | None, magic: bytes, sign_pub: bytes) -> dict[str, Any] | None:
    """The JSON body of a one-signature record, if ``sign_pub`` signed it."""
    if blob is None or len(blob) < 8 + crypto.SIGNATURE_BYTES or blob[:4] != magic:
        return None
    length = int.from_bytes(blob[4:8], "big")
    if len(blob) != 8 + length + crypto.SIGNATURE_BYTES:
        return None
    message, signature = blob[:8 + length], blob[8 + length:]
    if not crypto.verify(sign_pub, signature, message):
        return None
    try:
        body = json.loads(blob[8:8 + length])
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def allowed(store: RelayStore, org_id: str) -> dict[str, int]:
    """Per origin device: the highest sequence number every active device acknowledges and
    the newest valid snapshot covers ({} when either is missing)."""
    devices = {row[0]: (bytes(row[1]), bool(row[2])) for row in store._rows(
        "SELECT device_id, sign_pub, revoked_at IS NOT NULL FROM relay_devices"
        " WHERE org_id = ?", (org_id,))}
    active = [d for d, (_pub, revoked) in devices.items() if not revoked]
    vectors = []
    for device in active:
        body = _signed_body(store.get_record(org_id, "acks", device), _ACK, devices[device][0])
        if body is None or body.get("device") != device or body.get("org") != org_id:
            return {}
        vectors.append({str(k): int(v) for k, v in dict(body.get("vector", {})).items()})
    covered: dict[str, int] = {}
    for name in store.list_records(org_id, "snapshots"):
        producer, _, kind = name.partition(".")
        if kind != "m" or producer not in active:
            continue
        body = _signed_body(store.get_record(org_id, "snapshots", name), _MANIFEST,
                            devices[producer][0])
        if body is None or body.get("org") != org_id or body.get("producer") != producer:
            continue
        vector = {str(k): int(v[0]) for k, v in dict(body.get("vector", {})).items()}
        if sum(vector.values()) > sum(covered.values()):
            covered = vector
    if not vectors or not covered:
        return {}
    return {origin: min([seq] + [v.get(origin, 0) for v in vectors])
            for origin, seq in covered.items()}


def prune(store: RelayStore, org_id: str, upto: dict[str, int]) -> int:
    cap = allowed(store, org_id)
    deleted = 0
    with store.transaction() as cursor:
        for origin, seq in sorted(upto.items()):
            limit = min(int(seq), cap.get(origin, 0))
            if limit > 0:
                deleted += int(store._run(cursor, "DELETE FROM relay_envelopes WHERE org_id = ?"
                                          " AND device_id = ? AND seq_to <= ?",
                                          (org_id, origin, limit)).rowcount)
    return deleted


def handler(store: RelayStore):
    """The route's endpoint over one store."""

    async def prune_envelopes(request: Request) -> Response:
        body = await request.body()
        if len(body) > p.MAX_JSON:
            raise ApiError(413, "too_large")
        org, _device = await authenticate(request, store, body)
        try:
            upto = json.loads(body).get("upto")
        except (ValueError, AttributeError):
            raise ApiError(400, "bad_json") from None
        if not isinstance(upto, dict) or not all(
                p.HEX32.match(str(k)) and isinstance(v, int) and 0 <= v < 2**62
                for k, v in upto.items()):
            raise ApiError(400, "bad_field", field="upto")
        deleted = await run_in_threadpool(prune, store, org, upto)
        return JSONResponse({"deleted": deleted})

    return prune_envelopes
