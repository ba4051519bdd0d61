"""The relay's referral-mailbox routes (issue 22; docs/referral-exchange.md, "Relay mailbox").

``PUT /v1/mailboxes/{id}`` (a device of the owning organisation opens it),
``PUT /v1/mailboxes/{id}/items/{item}`` (anyone who knows the mailbox id drops a sealed,
size-bucketed file: the file's own signature says who sent it, so the relay asks nothing),
``GET /v1/mailboxes/{id}/items`` (the owner lists ids and arrival times),
``GET`` and ``DELETE /v1/mailboxes/{id}/items/{item}`` (the owner collects).
Ids are 32 hex digits; the relay keeps only their SHA-256.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shelterdesk.sync.relay import mailbox_store as mb
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.auth import ApiError, authenticate
from shelterdesk.sync.relay.storage import RelayStore

OCTETS = "application/octet-stream"


def _hashed(request: Request, name: str) -> str:
    value = request.path_params[name]
    if not p.HEX32.match(value):
        raise ApiError(400, "bad_field", field=name)
    return p.hash_id(value)


def mailbox_routes(store: RelayStore, db: Callable[..., Awaitable[Any]],
                   read_body: Callable[[Request, int], Awaitable[bytes]]) -> list[Route]:
    """The routes, over the app's store, thread-pool runner and size-limited body reader."""
    mb.ensure_schema(store)

    async def owned(request: Request) -> str:
        mailbox = _hashed(request, "mailbox")
        org, _device = await authenticate(request, store, b"")
        if await db(mb.owner, store, mailbox) != org:
            raise ApiError(404, "not_found")  # someone else's and unknown look alike
        return mailbox

    async def open_mailbox(request: Request) -> Response:
        mailbox = _hashed(request, "mailbox")
        org, _device = await authenticate(request, store, await read_body(request, 0))
        outcome = await db(mb.open_mailbox, store, org, mailbox)
        if outcome == mb.TAKEN:
            raise ApiError(409, "mailbox_taken")
        return JSONResponse({"opened": outcome == mb.OPENED},
                            status_code=201 if outcome == mb.OPENED else 200)

    async def deposit(request: Request) -> Response:
        mailbox, item = _hashed(request, "mailbox"), _hashed(request, "item")
        blob = await read_body(request, mb.BUCKETS[-1])
        if len(blob) not in mb.BUCKETS:
            raise ApiError(400, "size_not_bucketed")
        outcome = await db(mb.deposit, store, mailbox, item, blob)
        if outcome == "unknown":
            raise ApiError(404, "not_found")
        if outcome == "full":
            raise ApiError(507, "mailbox_full")
        return JSONResponse({"stored": outcome == "stored"}, status_code=201)

    async def list_items(request: Request) -> Response:
        mailbox = await owned(request)
        items = await db(mb.list_items, store, mailbox)
        return JSONResponse({"items": [[item, at] for item, at in items]})

    async def get_item(request: Request) -> Response:
        mailbox = await owned(request)
        item = request.path_params["item"]
        if not p.HEX64.match(item):
            raise ApiError(400, "bad_field", field="item")
        blob = await db(mb.get_item, store, mailbox, item)
        if blob is None:
            raise ApiError(404, "not_found")
        return Response(blob, media_type=OCTETS)

    async def delete_item(request: Request) -> Response:
        mailbox = await owned(request)
        item = request.path_params["item"]
        if not p.HEX64.match(item):
            raise ApiError(400, "bad_field", field="item")
        await db(mb.delete_item, store, mailbox, item)
        return JSONResponse({"deleted": True})

    box = "/v1/mailboxes/{mailbox}"
    return [
        Route(box, open_mailbox, methods=["PUT"]),
        Route(box + "/items", list_items, methods=["GET"]),
        Route(box + "/items/{item}", deposit, methods=["PUT"]),
        Route(box + "/items/{item}", get_item, methods=["GET"]),
        Route(box + "/items/{item}", delete_item, methods=["DELETE"]),
    ]
