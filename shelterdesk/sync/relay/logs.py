"""Structured access logs without payloads: one JSON line per request.

Logged: method, the route's path *template* (never ids or invitation codes from the
path), status, duration, and a short hash of the organisation id. Never bodies,
headers, query strings or addresses of devices.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

logger = logging.getLogger("shelterdesk.relay.access")


class AccessLog:
    """Pure ASGI middleware (it never reads or buffers a body)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def tracking_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            route = scope.get("route")
            org = scope.get("shelterdesk.org")
            logger.info(json.dumps({
                "method": scope.get("method"),
                "path": getattr(route, "path", "unmatched"),
                "status": status["code"],
                "ms": round((time.perf_counter() - start) * 1000, 2),
                "org": hashlib.sha256(org.encode()).hexdigest()[:12] if org else None,
            }))
