"""The relay under load on loopback: N devices of one organisation pushing and pulling
concurrently for a bounded time, against each store; then every envelope is checked
(none lost, none duplicated). Prints throughput and p50/p95 latency.

    python3 -m benchmarks relay            # 20 devices, 60 s per store
    SHELTERDESK_BENCH_SECONDS=5 python3 -m benchmarks relay

PostgreSQL is used when SHELTERDESK_TEST_POSTGRES names a database (as .ci/run sets it).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from shelterdesk.sync import crypto
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.transport import EnvelopeRef

MAX_PUSHES_PER_DEVICE = 100_000  # a bound on the loop besides the clock


@dataclass
class Outcome:
    pushes: list[float] = field(default_factory=list)
    pulls: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pushed: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0


def _blob(device: str, seq: int) -> bytes:
    # envelopes are opaque to the relay: random bytes of a typical small size
    return hashlib.sha256(f"{device}/{seq}".encode()).digest() * 64


def load(base: str, devices: int, seconds: float, admission: str = "") -> Outcome:
    """Drive a relay at ``base`` (loopback) with ``devices`` concurrent devices."""
    org = secrets.token_hex(16)
    keys = [(secrets.token_hex(16), crypto.new_signing_key()) for _ in range(devices)]
    roster = [(d, crypto.signing_public(k), False) for d, k in keys]
    founder = RelayTransport(base, admission_token=admission).as_device(
        org, keys[0][0], keys[0][1], roster)
    founder.list_records("acks")  # registers the organisation and its devices
    outcome = Outcome()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    pushed = [0] * devices

    def device(index: int) -> None:
        device_id, key = keys[index]
        transport = RelayTransport(base, attempts=3).as_device(org, device_id, key, roster)
        seen: dict[str, int] = {}
        try:
            for seq in range(1, MAX_PUSHES_PER_DEVICE + 1):
                if time.monotonic() >= deadline:
                    break
                start = time.perf_counter()
                transport.put_envelope(EnvelopeRef(device_id, seq, seq), _blob(device_id, seq))
                pushed[index] = seq
                mid = time.perf_counter()
                refs = transport.list_envelopes(seen)
                for ref in refs[:50]:
                    if transport.get_envelope(ref) != _blob(ref.device_id, ref.seq_from):
                        raise AssertionError("envelope bytes differ")
                for ref in refs:
                    seen[ref.device_id] = max(seen.get(ref.device_id, 0), ref.seq_to)
                end = time.perf_counter()
                with lock:
                    outcome.pushes.append((mid - start) * 1000)
                    outcome.pulls.append((end - mid) * 1000)
        except Exception as error:  # noqa: BLE001 - reported as the benchmark's failure
            with lock:
                outcome.errors.append(f"{type(error).__name__}: {error}")
        finally:
            transport.close()

    started = time.monotonic()
    threads = [threading.Thread(target=device, args=(i,)) for i in range(devices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - started
    refs = founder.list_envelopes({})
    outcome.pushed = sum(pushed)
    expected = {EnvelopeRef(d, s, s) for i, (d, _k) in enumerate(keys)
                for s in range(1, pushed[i] + 1)}
    outcome.duplicated = len(refs) - len(set(refs))
    outcome.lost = len(expected - set(refs))
    founder.close()
    return outcome


def _p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def run() -> None:
    from benchmarks.common import print_relay_table
    from shelterdesk.sync.relay.stores import open_store
    from tests.relay_helpers import drop_schema, running_relay

    seconds = float(os.environ.get("SHELTERDESK_BENCH_SECONDS", "60"))
    devices = int(os.environ.get("SHELTERDESK_BENCH_DEVICES", "20"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        urls = [("sqlite", f"sqlite:///{Path(tmp) / 'relay.db'}")]
        dsn = os.environ.get("SHELTERDESK_TEST_POSTGRES")
        if dsn:
            schema = "bench_" + secrets.token_hex(4)
            import psycopg

            with psycopg.connect(dsn, autocommit=True) as connection:
                connection.execute(f"CREATE SCHEMA {schema}")
            urls.append(("postgresql", dsn + ("&" if "?" in dsn else "?")
                         + f"options=-csearch_path%3D{schema}"))
        for name, url in urls:
            store = open_store(url)
            try:
                with running_relay(store) as base:
                    outcome = load(base, devices, seconds)
            finally:
                store.close()
                drop_schema(url)
            rows.append((name, devices, outcome))
    print_relay_table(f"Relay on loopback: {devices} devices pushing and pulling, "
                      f"{seconds:g} s per store", [
        (name, n, o.pushed / o.seconds, _p(o.pushes, 50), _p(o.pushes, 95), _p(o.pulls, 50),
         _p(o.pulls, 95), len(o.errors), o.lost, o.duplicated) for name, n, o in rows])
    failed = [(name, o.errors[:3]) for name, _n, o in rows if o.errors or o.lost or o.duplicated]
    if failed:
        raise SystemExit(f"relay load test failed: {failed}")
