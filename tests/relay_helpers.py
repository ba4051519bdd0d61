"""Relay test harness: a fresh store of each kind, a real uvicorn server on loopback in a
thread, and raw signed requests for the attacks."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn
from starlette.middleware import Middleware

from shelterdesk.sync import crypto
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.app import build_app
from shelterdesk.sync.relay.storage import RelayStore
from shelterdesk.sync.relay.stores import open_store

POSTGRES_ENV = "SHELTERDESK_TEST_POSTGRES"
STORE_KINDS = ["sqlite", "postgres"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def store_url(kind: str, tmp_path: Path) -> str:
    """A store URL with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'relay.db'}"
    dsn = os.environ.get(POSTGRES_ENV)
    if not dsn:
        pytest.skip(f"{POSTGRES_ENV} is not set (.ci/run always sets it)")
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return dsn + ("&" if "?" in dsn else "?") + f"options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    if url.startswith("sqlite"):
        return
    schema = url.rsplit("search_path%3D", 1)[1].split("&")[0]
    with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def raw_dump(store: RelayStore, url: str, tmp_path: Path) -> bytes:
    """Every byte the relay's database holds: the SQLite files, or COPY of every table."""
    if url.startswith("sqlite"):
        return b"".join(f.read_bytes() for f in tmp_path.glob("relay.db*"))
    out = bytearray()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table in store.iter_tables():
            with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for chunk in copy:
                    out += bytes(chunk)
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:  # text (bytea as hex)
                for chunk in copy:
                    out += bytes(chunk)
    return bytes(out)


@contextmanager
def running_relay(store: RelayStore, middleware: list[Middleware] | None = None
                  ) -> Iterator[str]:
    """A real relay on 127.0.0.1 in a thread; yields its base URL."""
    port = free_port()
    app = build_app(store, extra_middleware=middleware, close_store=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("relay did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(params=STORE_KINDS)
def relay_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[RelayStore,
                                                                                  str]]:
    url = store_url(request.param, tmp_path)
    try:
        store = open_store(url)
        try:
            yield store, url
        finally:
            store.close()
    finally:
        drop_schema(url)


class Device:
    """A device key and raw signed requests (to forge, replay and cross organisations)."""

    def __init__(self, base: str, org: str | None = None) -> None:
        self.base = base
        self.org = org or secrets.token_hex(16)
        self.device = secrets.token_hex(16)
        self.key = crypto.new_signing_key()
        self.nonce = ""
        self.counter = 0

    @property
    def pub_b64(self) -> str:
        return base64.b64encode(crypto.signing_public(self.key)).decode()

    def headers(self, method: str, path: str, body: bytes, *, counter: int | None = None,
                key: bytes | None = None, org: str | None = None) -> dict[str, str]:
        if not self.nonce:
            self.nonce = httpx.get(self.base + "/v1/challenge").json()["nonce"]
        if counter is None:
            self.counter += 1
            counter = self.counter
        org = org or self.org
        message = p.signing_input(nonce=self.nonce, counter=counter, org=org,
                                  device=self.device, method=method, path=path,
                                  body_sha256=p.body_hash(body))
        signature = crypto.sign(key or self.key, message)
        return {p.H_ORG: org, p.H_DEVICE: self.device, p.H_NONCE: self.nonce,
                p.H_COUNTER: str(counter), p.H_SIGNATURE: base64.b64encode(signature).decode()}

    def request(self, method: str, path: str, body: bytes = b"", **kwargs: object
                ) -> httpx.Response:
        headers = self.headers(method, path, body, **kwargs)  # type: ignore[arg-type]
        return httpx.request(method, self.base + path, content=body or None, headers=headers)

    def register(self, token: str = "") -> httpx.Response:
        """Found this device's organisation (with an operator's token from
        :func:`admission_token`)."""
        import json

        return self.request("POST", "/v1/register", json.dumps(
            {"sign_pub": self.pub_b64, "admission_token": token}).encode())


def admission_token(store: RelayStore) -> str:
    """A fresh single-use token, as `relay --admission-token-file` would add it."""
    token = "adm-" + secrets.token_urlsafe(18)
    store.add_admission_tokens([p.hash_id(token)])
    return token
