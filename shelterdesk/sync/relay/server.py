"""Running the relay: ``shelterdesk relay --listen HOST:PORT --store URL`` (uvicorn).

uvicorn handles SIGTERM and SIGINT gracefully: it stops accepting, lets
requests in flight finish, then runs the app's lifespan end, which closes the
store (and with it the PostgreSQL pool).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import uvicorn
from starlette.middleware import Middleware

from shelterdesk.sync.relay.app import build_app
from shelterdesk.sync.relay.limits import Limits, LimitsMiddleware
from shelterdesk.sync.relay.protocol import hash_id
from shelterdesk.sync.relay.stores import open_store

MIN_TOKEN = 16


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ValueError("listen")
    return host.strip("[]"), int(port)


def read_admission_tokens(path: Path) -> list[str]:
    """The tokens in an operator's file (one a line, ``#`` comments), as SHA-256 hashes.
    ValueError for a token shorter than 16 characters (guessable)."""
    tokens = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith("#")]
    if any(len(token) < MIN_TOKEN for token in tokens):
        raise ValueError("token")
    return [hash_id(token) for token in tokens]


def serve(listen: str, store_url: str, *, proxy_headers: bool = False,
          admission_token_file: Path | None = None, limits: Limits | None = None) -> None:
    """Open the store (migrating it), take the operator's admission tokens, and serve until
    told to stop."""
    host, port = parse_listen(listen)
    hashes = read_admission_tokens(admission_token_file) if admission_token_file else []
    store = open_store(store_url)
    store.add_admission_tokens(hashes)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    app = build_app(store, extra_middleware=[
        Middleware(LimitsMiddleware, store=store, limits=limits or Limits())])
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info",
                            proxy_headers=proxy_headers, server_header=False,
                            timeout_graceful_shutdown=20, limit_concurrency=512)
    uvicorn.Server(config).run()
