"""The relay's HTTP API (Starlette): see docs/relay.md for every route.

Each handler authenticates the device (:mod:`auth`), then touches only rows of
the authenticated organisation. Bodies are opaque bytes with hard size limits;
errors are small JSON objects with a stable code; anything unexpected becomes
``{"error": "internal"}`` with status 500 and nothing of its cause.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay import pruning
from shelterdesk.sync.relay.auth import ApiError, authenticate, verify_with_key
from shelterdesk.sync.relay.forwarding import forwarded_ok
from shelterdesk.sync.relay.logs import AccessLog
from shelterdesk.sync.relay.mailbox_routes import mailbox_routes
from shelterdesk.sync.relay.storage import (
    CONFLICT,
    CREATED,
    NOT_ADMITTED,
    REGISTERED,
    Ref,
    RelayStore,
)

OCTETS = "application/octet-stream"


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 beyond ``limit`` (declared or actually sent)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_length")
        if int(declared) > limit:
            raise ApiError(413, "too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json") from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_json")
    return value


def unb64(value: Any, field: str, length: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (ValueError, TypeError):
        raise ApiError(400, "bad_field", field=field) from None
    if length is not None and len(raw) != length:
        raise ApiError(400, "bad_field", field=field)
    return raw


def _int(value: str, field: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ApiError(400, "bad_field", field=field)
    return int(value)


def _ref(request: Request) -> Ref:
    params = request.path_params
    device = params["device"]
    if not p.HEX32.match(device):
        raise ApiError(400, "bad_field", field="device")
    ref = Ref(device, _int(params["seq_from"], "seq_from"), _int(params["seq_to"], "seq_to"))
    if ref.seq_from < 1 or ref.seq_to < ref.seq_from:
        raise ApiError(400, "bad_field", field="seq")
    return ref


def _record_path(request: Request) -> tuple[str, str]:
    kind, name = request.path_params["kind"], request.path_params.get("name", "")
    if kind not in p.RECORD_KINDS:
        raise ApiError(404, "not_found")
    if "name" in request.path_params and not p.RECORD_NAME.match(name):
        raise ApiError(400, "bad_field", field="name")
    return kind, name


def _invite_hash(request: Request) -> str:
    invite_id = request.path_params["invite_id"]
    if not p.HEX32.match(invite_id):
        raise ApiError(400, "bad_field", field="invite_id")
    return p.hash_id(invite_id)


def build_app(store: RelayStore, *, extra_middleware: list[Middleware] | None = None,
              close_store: bool = True) -> Starlette:
    """The ASGI application over one store (closed at shutdown unless ``close_store``)."""

    async def db(fn: Any, *args: Any) -> Any:
        return await run_in_threadpool(fn, *args)

    async def health(request: Request) -> Response:
        ok = await db(store.healthy)
        return JSONResponse({"status": "ok" if ok else "down", "protocol": p.PROTOCOL},
                            status_code=200 if ok else 503)

    async def challenge(request: Request) -> Response:
        nonce = secrets.token_hex(32)
        await db(store.issue_nonce, p.hash_id(nonce), p.NONCE_TTL_SECONDS)
        return JSONResponse({"nonce": nonce, "expires_in": p.NONCE_TTL_SECONDS})

    async def register(request: Request) -> Response:
        body = await read_body(request, p.MAX_JSON)
        data = parse_json(body)
        sign_pub = unb64(data.get("sign_pub"), "sign_pub", 32)
        token = str(data.get("admission_token", ""))
        org, device = await verify_with_key(request, store, body, sign_pub)
        outcome = await db(store.register_org, org, device, sign_pub, p.hash_id(token))
        if outcome == REGISTERED:
            return JSONResponse({"registered": True}, status_code=201)
        if outcome == NOT_ADMITTED:  # before any word on whether the organisation exists
            raise ApiError(403, "admission_required")
        known = await db(store.device, org, device)
        if known is not None and known.sign_pub == sign_pub and not known.revoked:
            return JSONResponse({"registered": False})
        raise ApiError(409, "org_exists")

    async def enroll(request: Request) -> Response:
        body = await read_body(request, p.MAX_JSON)
        data = parse_json(body)
        sign_pub = unb64(data.get("sign_pub"), "sign_pub", 32)
        invite_id = str(data.get("invite_id", ""))
        if not p.HEX32.match(invite_id):
            raise ApiError(400, "bad_field", field="invite_id")
        org, device = await verify_with_key(request, store, body, sign_pub)
        outcome = await db(store.admit, p.hash_id(invite_id), org, device, sign_pub)
        if outcome == "not_found":
            raise ApiError(404, "invitation_not_found")
        if outcome == "conflict":
            raise ApiError(409, "invitation_used")
        return JSONResponse({"admitted": True})

    async def roster(request: Request) -> Response:
        body = await read_body(request, p.MAX_JSON)
        org, device = await authenticate(request, store, body)
        entries = parse_json(body).get("devices")
        if not isinstance(entries, list) or len(entries) > 10_000:
            raise ApiError(400, "bad_field", field="devices")
        devices = []
        for entry in entries:
            if not isinstance(entry, dict) or not p.HEX32.match(str(entry.get("device_id"))):
                raise ApiError(400, "bad_field", field="devices")
            devices.append((str(entry["device_id"]), unb64(entry.get("sign_pub"), "sign_pub", 32),
                            bool(entry.get("revoked", False))))
        added, revoked = await db(store.apply_roster, org, device, devices)
        return JSONResponse({"added": added, "revoked": revoked})

    async def put_envelope(request: Request) -> Response:
        ref = _ref(request)
        blob = await read_body(request, p.MAX_ENVELOPE)
        org, device = await authenticate(request, store, blob)
        if ref.device_id != device and not forwarded_ok(
                await db(store.device, org, ref.device_id), org, ref, blob):
            raise ApiError(403, "not_your_envelope")  # forwarded: only as its origin signed it
        if not blob:
            raise ApiError(400, "empty")
        outcome = await db(store.put_envelope, org, ref, blob)
        if outcome == CONFLICT:
            raise ApiError(409, "different_envelope")
        return JSONResponse({"stored": outcome == CREATED}, status_code=201 if
                            outcome == CREATED else 200)

    async def list_envelopes(request: Request) -> Response:
        body = await read_body(request, p.MAX_JSON)
        org, _device = await authenticate(request, store, body)
        data = parse_json(body)
        beyond = data.get("beyond", {})
        limit = data.get("limit", p.LIST_PAGE)
        if not isinstance(beyond, dict) or not all(
                p.HEX32.match(str(k)) and isinstance(v, int) and 0 <= v < 2**62
                for k, v in beyond.items()):
            raise ApiError(400, "bad_field", field="beyond")
        if not isinstance(limit, int) or not 1 <= limit <= p.LIST_PAGE:
            raise ApiError(400, "bad_field", field="limit")
        refs, more = await db(store.list_envelopes, org, beyond, limit)
        return JSONResponse({"envelopes": [[r.device_id, r.seq_from, r.seq_to] for r in refs],
                             "more": more})

    async def fetch_envelopes(request: Request) -> Response:
        """Many envelopes in one answer, streamed as they are read (see protocol.frame)."""
        body = await read_body(request, p.MAX_JSON)
        org, _device = await authenticate(request, store, body)
        wanted = parse_json(body).get("envelopes")
        if not isinstance(wanted, list) or not 1 <= len(wanted) <= p.FETCH_BATCH:
            raise ApiError(400, "bad_field", field="envelopes")
        refs = []
        for item in wanted:
            if not (isinstance(item, list) and len(item) == 3 and p.HEX32.match(str(item[0]))
                    and all(isinstance(v, int) and 1 <= v < 2**62 for v in item[1:])):
                raise ApiError(400, "bad_field", field="envelopes")
            refs.append(Ref(str(item[0]), int(item[1]), int(item[2])))

        async def frames() -> AsyncIterator[bytes]:
            for start in range(0, len(refs), p.FETCH_CHUNK):
                found = await db(lambda c: list(store.get_envelopes(org, c)),
                                 refs[start:start + p.FETCH_CHUNK])
                for ref, blob in found:
                    yield p.frame(ref.device_id, ref.seq_from, ref.seq_to, blob)

        return StreamingResponse(frames(), media_type=OCTETS,
                                 headers={p.H_PROTOCOL: str(p.PROTOCOL)})

    async def get_envelope(request: Request) -> Response:
        ref = _ref(request)
        org, _device = await authenticate(request, store, b"")
        blob = await db(store.get_envelope, org, ref)
        if blob is None:
            raise ApiError(404, "not_found")
        return Response(blob, media_type=OCTETS)

    async def put_record(request: Request) -> Response:
        kind, name = _record_path(request)
        blob = await read_body(request, p.MAX_RECORD)
        org, device = await authenticate(request, store, blob)
        if kind in p.OWN_NAMED_KINDS and name != device:
            raise ApiError(403, "not_your_record")
        await db(store.put_record, org, kind, name, blob)
        return JSONResponse({"stored": True})

    async def list_records(request: Request) -> Response:
        kind, _ = _record_path(request)
        org, _device = await authenticate(request, store, b"")
        return JSONResponse({"names": await db(store.list_records, org, kind)})

    async def get_record(request: Request) -> Response:
        kind, name = _record_path(request)
        org, _device = await authenticate(request, store, b"")
        blob = await db(store.get_record, org, kind, name)
        if blob is None:
            raise ApiError(404, "not_found")
        return Response(blob, media_type=OCTETS)

    async def put_invitation(request: Request) -> Response:
        invite_hash = _invite_hash(request)
        blob = await read_body(request, p.MAX_INVITATION)
        org, device = await authenticate(request, store, blob)
        if not await db(store.put_invitation, invite_hash, org, device, blob,
                        p.INVITATION_TTL_SECONDS):
            raise ApiError(409, "invitation_exists")
        return JSONResponse({"stored": True}, status_code=201)

    async def get_invitation(request: Request) -> Response:
        blob = await db(store.get_invitation, _invite_hash(request))
        if blob is None:
            raise ApiError(404, "not_found")
        return Response(blob, media_type=OCTETS)

    async def post_request(request: Request) -> Response:
        """The new laptop's request in an enrollment exchange: knowing the id is the right,
        and only the first request counts (the code is single-use)."""
        invite_hash = _invite_hash(request)
        blob = await read_body(request, p.MAX_RECORD)
        if not blob:
            raise ApiError(400, "empty")
        outcome = await db(store.post_request, invite_hash, blob)
        if outcome == "not_found":
            raise ApiError(404, "not_found")
        if outcome == "taken":
            raise ApiError(409, "request_exists")
        return JSONResponse({"stored": True}, status_code=201)

    async def get_request(request: Request) -> Response:
        blob = await db(store.get_request, _invite_hash(request))
        if blob is None:
            raise ApiError(404, "not_found")
        return Response(blob, media_type=OCTETS)

    async def delete_invitation(request: Request) -> Response:
        await db(store.delete_invitation, _invite_hash(request))
        return JSONResponse({"deleted": True})

    env = "/v1/envelopes/{device}/{seq_from}/{seq_to}"
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/v1/challenge", challenge, methods=["GET"]),
        Route("/v1/register", register, methods=["POST"]),
        Route("/v1/enroll", enroll, methods=["POST"]),
        Route("/v1/roster", roster, methods=["POST"]),
        Route("/v1/envelopes/list", list_envelopes, methods=["POST"]),
        Route("/v1/envelopes/fetch", fetch_envelopes, methods=["POST"]),
        Route("/v1/envelopes/prune", pruning.handler(store), methods=["POST"]),
        Route(env, put_envelope, methods=["PUT"]),
        Route(env, get_envelope, methods=["GET"]),
        Route("/v1/records/{kind}", list_records, methods=["GET"]),
        Route("/v1/records/{kind}/{name}", put_record, methods=["PUT"]),
        Route("/v1/records/{kind}/{name}", get_record, methods=["GET"]),
        Route("/v1/invitations/{invite_id}", put_invitation, methods=["PUT"]),
        Route("/v1/invitations/{invite_id}", get_invitation, methods=["GET"]),
        Route("/v1/invitations/{invite_id}", delete_invitation, methods=["DELETE"]),
        Route("/v1/invitations/{invite_id}/request", post_request, methods=["POST"]),
        Route("/v1/invitations/{invite_id}/request", get_request, methods=["GET"]),
    ]
    routes += mailbox_routes(store, db, read_body)  # referral mailboxes (issue 22)

    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return JSONResponse(error.payload(), status_code=error.status)

    async def http_error(request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 400)
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "bad_request")
        return JSONResponse({"error": code}, status_code=status)

    async def internal(request: Request, error: Exception) -> Response:
        return JSONResponse({"error": "internal"}, status_code=500)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:  # uvicorn's graceful shutdown (SIGTERM) ends here: the pool closes
            if close_store:
                store.close()

    middleware = [Middleware(AccessLog), *(extra_middleware or [])]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={ApiError: api_error, HTTPException: http_error,
                                         Exception: internal},
                     lifespan=lifespan)
