"""Running the relay: ``shelterdesk relay --listen HOST:PORT --store URL`` (uvicorn).

uvicorn handles SIGTERM and SIGINT gracefully: it stops accepting, lets
requests in flight finish, then runs the app's lifespan end, which closes the
store (and with it the PostgreSQL pool).
"""

from __future__ import annotations

import logging
import sys

import uvicorn
from starlette.middleware import Middleware

from shelterdesk.sync.relay.app import build_app
from shelterdesk.sync.relay.limits import Limits, LimitsMiddleware
from shelterdesk.sync.relay.stores import open_store


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ValueError("listen")
    return host.strip("[]"), int(port)


def serve(listen: str, store_url: str, *, proxy_headers: bool = False,
          limits: Limits | None = None) -> None:
    """Open the store (migrating it) and serve until told to stop."""
    host, port = parse_listen(listen)
    store = open_store(store_url)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    app = build_app(store, extra_middleware=[
        Middleware(LimitsMiddleware, store=store, limits=limits or Limits())])
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info",
                            proxy_headers=proxy_headers, server_header=False,
                            timeout_graceful_shutdown=20, limit_concurrency=512)
    uvicorn.Server(config).run()
