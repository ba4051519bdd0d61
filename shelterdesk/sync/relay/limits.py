"""The relay's limits: requests per device and per address, and how long envelopes are kept.

Rate limits are token buckets in the relay process (each process of a pair keeps its own,
so two processes allow up to twice the rate: set the figures per process). A request
over the limit gets ``429 {"error": "rate_limited"}`` with ``Retry-After``, before any
database work; a laptop's sync simply tries again at its next round. The device is the
``x-sd-device`` header (claimed, not yet verified — a forger only spends the bucket of the
id it claims, and the address bucket still holds); the address is the peer's (behind a
proxy, with ``--proxy-headers``, the forwarded one; a loopback address — a proxy on the
same host without ``--proxy-headers``, a benchmark — has no address limit, or one busy
proxy would throttle everyone).

Retention: envelopes older than ``retention_days`` are deleted by a sweep that runs at
most every ``sweep_seconds``. A laptop that has not synced for longer than that misses
them and must be invited again; keep it well above the longest absence (default: off).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.storage import RelayStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
MAX_BUCKETS = 100_000  # forgotten oldest-first beyond this (a flood of made-up ids)


@dataclass(frozen=True)
class Limits:
    per_device_per_minute: int = 3000  # 0: no limit
    per_address_per_minute: int = 30000  # loopback (a proxy without --proxy-headers): none
    burst_seconds: int = 10  # how much unused rate a bucket may save up
    retention_days: int = 0  # 0: envelopes are kept until pruned otherwise
    sweep_seconds: int = 3600


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class Buckets:
    """Token buckets by key, refilled at ``per_minute``; ``take`` says how long to wait."""

    per_minute: int
    burst_seconds: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """0 if the request may go, else the seconds until a token is there."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        capacity = max(1.0, rate * self.burst_seconds)
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            wait = 0.0
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
            else:
                wait = (1.0 - bucket.tokens) / rate
            self._buckets[key] = bucket  # most recent last
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.pop(next(iter(self._buckets)))
        return wait


def sweep_expired(store: RelayStore, retention_days: int, now: int | None = None) -> int:
    """Delete envelopes stored more than ``retention_days`` ago; returns how many."""
    if retention_days <= 0:
        return 0
    cutoff = (int(time.time()) if now is None else now) - retention_days * 86400
    with store.transaction() as cursor:
        return int(store._run(cursor, "DELETE FROM relay_envelopes WHERE stored_at < ?",
                              (cutoff,)).rowcount)


class LimitsMiddleware:
    """ASGI middleware: rate limits first, and now and then the retention sweep."""

    def __init__(self, app: ASGIApp, *, store: RelayStore, limits: Limits) -> None:
        self.app = app
        self.store = store
        self.limits = limits
        self.devices = Buckets(limits.per_device_per_minute, limits.burst_seconds)
        self.addresses = Buckets(limits.per_address_per_minute, limits.burst_seconds)
        self.last_sweep = 0.0
        self._sweeping = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/health":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        client = scope.get("client") or ("", 0)
        address = str(client[0])
        wait = 0.0 if _loopback(address) else self.addresses.take("a:" + address)
        device = headers.get(p.H_DEVICE, "")
        if not wait and p.HEX32.match(device):
            wait = self.devices.take(f"d:{headers.get(p.H_ORG, '')}:{device}")
        if wait:
            await _refuse(send, wait)
            return
        if self.limits.retention_days > 0 and \
                time.monotonic() - self.last_sweep > self.limits.sweep_seconds:
            self.last_sweep = time.monotonic()
            await run_in_threadpool(self._sweep)
        await self.app(scope, receive, send)

    def _sweep(self) -> None:
        if self._sweeping.acquire(blocking=False):
            try:
                sweep_expired(self.store, self.limits.retention_days)
            finally:
                self._sweeping.release()


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


async def _refuse(send: Send, wait: float) -> None:
    body = b'{"error":"rate_limited"}'
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(max(1, math.ceil(wait))).encode())]})
    await send({"type": "http.response.body", "body": body})
