"""The relay under load on loopback, as issue 20 asks: N devices of one organisation pushing
and pulling concurrently, then a first sync of 10,000 clients through the relay.

    python3 -m benchmarks relay            # 50 devices, 20 s per run; 10,000 clients
    SHELTERDESK_BENCH_SECONDS=5 SHELTERDESK_BENCH_DEVICES=20 BENCH_RELAY_CLIENTS=2000 \\
        python3 -m benchmarks relay

The relay runs as its own process (``shelterdesk relay``, uvicorn), as in production, so
the devices' threads do not share its interpreter. Each device pushes one envelope, then
lists what is new and fetches it (streamed batches of up to 200 envelopes per request,
on one kept-alive connection); a *delivery* is one envelope received by one device. The
per-envelope run fetches each envelope with its own request, as the relay client did
before issue 20. Every envelope pushed is then checked to be listed exactly once.
PostgreSQL is used when SHELTERDESK_TEST_POSTGRES names a database (as .ci/run sets it).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from shelterdesk.sync import crypto
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.transport import EnvelopeRef

MAX_PUSHES_PER_DEVICE = 100_000  # a bound on the loop besides the clock
ROOT = Path(__file__).resolve().parent.parent
# Issue 20's figures before this work (docs/relay.md): 20 devices, one request per envelope.
BEFORE = {"pushes_per_s": 15.5, "devices": 20}
TARGETS = {"deliveries_per_s": 1000.0, "push_p95_ms": 50.0, "first_sync_s": 20.0}


@dataclass
class Outcome:
    pushes: list[float] = field(default_factory=list)
    pulls: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pushed: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0


def _blob(device: str, seq: int) -> bytes:
    # envelopes are opaque to the relay: bytes of the smallest padded bucket (1 KiB body)
    return hashlib.sha256(f"{device}/{seq}".encode()).digest() * 38


def load(base: str, devices: int, seconds: float, admission: str = "",
         batch: int = 200, pace: float = 0.0) -> Outcome:
    """Drive a relay at ``base`` (loopback) with ``devices`` concurrent devices; ``pace``:
    each device starts a push-and-pull cycle at most every ``pace`` seconds (0: flat out)."""
    org = secrets.token_hex(16)
    keys = [(secrets.token_hex(16), crypto.new_signing_key()) for _ in range(devices)]
    roster = [(d, crypto.signing_public(k), False) for d, k in keys]
    founder = RelayTransport(base, admission_token=admission).as_device(
        org, keys[0][0], keys[0][1], roster)
    founder.list_records("acks")  # registers the organisation and its devices
    outcome = Outcome()
    lock = threading.Lock()
    ready, go = [0], threading.Event()
    deadline = [0.0]
    pushed = [0] * devices

    def device(index: int) -> None:
        device_id, key = keys[index]
        transport = RelayTransport(base, attempts=3, batch=batch).as_device(
            org, device_id, key, roster)
        seen: dict[str, int] = {}
        pushes, pulls, delivered = [], [], 0
        try:
            transport.list_records("acks")  # the session's challenge, before the clock
            with lock:
                ready[0] += 1
            go.wait(timeout=120)
            if pace:  # spread the devices over the period, as laptops' timers are
                time.sleep(pace * index / devices)
            for seq in range(1, MAX_PUSHES_PER_DEVICE + 1):
                if time.monotonic() >= deadline[0]:
                    break
                start = time.perf_counter()
                transport.put_envelope(EnvelopeRef(device_id, seq, seq), _blob(device_id, seq))
                pushed[index] = seq
                seen[device_id] = seq
                mid = time.perf_counter()
                for ref in transport.list_envelopes(seen):
                    if transport.get_envelope(ref) != _blob(ref.device_id, ref.seq_from):
                        raise AssertionError("envelope bytes differ")
                    delivered += 1
                    seen[ref.device_id] = max(seen.get(ref.device_id, 0), ref.seq_to)
                end = time.perf_counter()
                pushes.append((mid - start) * 1000)
                pulls.append((end - mid) * 1000)
                if pace:
                    time.sleep(max(0.0, pace - (end - start)))
        except Exception as error:  # noqa: BLE001 - reported as the benchmark's failure
            with lock:
                outcome.errors.append(f"{type(error).__name__}: {error}")
        finally:
            transport.close()
            with lock:
                outcome.pushes += pushes
                outcome.pulls += pulls
                outcome.delivered += delivered

    threads = [threading.Thread(target=device, args=(i,)) for i in range(devices)]
    for thread in threads:
        thread.start()
    while ready[0] + len(outcome.errors) < devices:
        time.sleep(0.01)
    started = time.monotonic()
    deadline[0] = started + seconds
    go.set()
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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RelayProcess:
    """``shelterdesk relay`` in its own process, with one admission token per org."""

    def __init__(self, url: str, directory: Path, tokens: int = 6) -> None:
        import httpx

        self.tokens = [secrets.token_urlsafe(24) for _ in range(tokens)]
        token_file = directory / f"tokens-{secrets.token_hex(3)}.txt"
        token_file.write_text("\n".join(self.tokens) + "\n")
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        environment = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "shelterdesk", "relay", "--listen", f"127.0.0.1:{port}",
             "--store", url, "--admission-token-file", str(token_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("the relay did not start")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _stores(tmp: Path) -> list[tuple[str, str]]:
    urls = []
    dsn = os.environ.get("SHELTERDESK_TEST_POSTGRES")
    if dsn:
        import psycopg

        schema = "bench_" + secrets.token_hex(4)
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        urls.append(("postgresql", dsn + ("&" if "?" in dsn else "?")
                     + f"options=-csearch_path%3D{schema}"))
    urls.append(("sqlite", f"sqlite:///{tmp / 'relay.db'}"))
    return urls


def first_sync(base: str, token: str, clients: int, root: Path
               ) -> tuple[float, int, float, float, int]:
    """(seconds for the new laptop's whole first sync, clients received, founder's push s,
    seconds to list and fetch every envelope through the relay, envelopes) through the
    relay: the founder's vault holds ``clients`` demo clients."""
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    from shelterdesk.store.records import demo
    from shelterdesk.store.vault import Vault
    from shelterdesk.sync import service

    user, passphrase = "bench", "benchmark passphrase"
    founder = Vault(root / "a")
    founder.create(user, passphrase, prefix="BN")

    def transport() -> RelayTransport:
        return RelayTransport(base, admission_token=token)

    with founder.unlock(user, passphrase) as session:
        demo.generate(session, clients, seed=42)
        start = time.perf_counter()
        invitation = service.invite(session, transport())  # founds the org, pushes it all
        pushed = time.perf_counter() - start
    pending = service.request_join(transport(), invitation.code)
    with founder.unlock(user, passphrase) as session:
        digits = service.answer_join(session, transport(), invitation.code)
        service.confirm_join(session, transport(), invitation.code, digits or "")
        from shelterdesk.sync.binding import place_for

        place = place_for(transport(), session.connection)
    start = time.perf_counter()  # the relay's share: what a new laptop downloads
    refs = place.list_envelopes({})
    assert all(place.get_envelope(ref) for ref in refs)
    download = time.perf_counter() - start
    start = time.perf_counter()
    service.join(root / "b", pending, transport(), user, passphrase)
    took = time.perf_counter() - start
    with Vault(root / "b").unlock(user, passphrase) as session:
        received = session.connection.execute("SELECT count(*) FROM clients").fetchone()[0]
    return took, int(received), pushed, download, len(refs)


def run() -> None:
    seconds = float(os.environ.get("SHELTERDESK_BENCH_SECONDS", "20"))
    devices = int(os.environ.get("SHELTERDESK_BENCH_DEVICES", "50"))
    clients = int(os.environ.get("BENCH_RELAY_CLIENTS", "10000"))
    rows, failed, syncs = [], [], []
    from tests.relay_helpers import drop_schema

    with tempfile.TemporaryDirectory() as tmp:
        stores = _stores(Path(tmp))
        for name, url in stores:
            relay = RelayProcess(url, Path(tmp))
            try:
                runs = [("batched", 200, 0.0), ("batched, 1/s", 200, 1.0)]
                if name == "postgresql":
                    runs.append(("per envelope", 1, 0.0))
                for label, batch, pace in runs:
                    outcome = load(relay.base, devices, seconds, relay.tokens.pop(), batch,
                                   pace)
                    rows.append((name, label, devices, outcome))
                    if outcome.errors or outcome.lost or outcome.duplicated:
                        failed.append((name, label, outcome.errors[:3]))
                if name == stores[0][0]:  # PostgreSQL when there is one
                    root = Path(tmp) / f"first-{name}"
                    syncs.append((name, *first_sync(relay.base, relay.tokens.pop(), clients,
                                                    root)))
            finally:
                relay.close()
                drop_schema(url)
    print(f"\n## Relay on loopback (its own process): {devices} devices pushing and pulling, "
          f"{seconds:g} s per run\n")
    print("| store      | fetch, pace  | devices | deliveries/s | pushes/s | push p50 ms "
          "| push p95 ms | pull p95 ms | errors | lost | dup |")
    print("|------------|--------------|--------:|-------------:|---------:|------------:"
          "|------------:|------------:|-------:|-----:|----:|")
    for name, label, n, o in rows:
        print(f"| {name:<10} | {label:<12} | {n:7d} | {o.delivered / o.seconds:12.1f} "
              f"| {o.pushed / o.seconds:8.1f} | {_p(o.pushes, 50):11.2f} "
              f"| {_p(o.pushes, 95):11.2f} | {_p(o.pulls, 95):11.2f} | {len(o.errors):6d} "
              f"| {o.lost:4d} | {o.duplicated:3d} |")
    print(f"\nBefore issue 20: {BEFORE['pushes_per_s']} envelopes pushed/s with "
          f"{BEFORE['devices']} devices (one request per envelope, relay in the benchmark's "
          f"process). Targets: ≥ {TARGETS['deliveries_per_s']:g} deliveries/s with 50 "
          f"devices on PostgreSQL, push p95 < {TARGETS['push_p95_ms']:g} ms.")
    print(f"\n## First sync of {clients:,} clients through the relay\n")
    print("| store      | new laptop's first sync s | of which download s | envelopes "
          "| clients received | founder's push s | target |")
    print("|------------|--------------------------:|--------------------:|----------:"
          "|-----------------:|-----------------:|--------|")
    for name, took, received, pushed, download, count in syncs:
        print(f"| {name:<10} | {took:25.1f} | {download:19.2f} | {count:9d} "
              f"| {received:16d} | {pushed:16.1f} | < {TARGETS['first_sync_s']:g} s |")
    if failed:
        raise SystemExit(f"relay load test failed: {failed}")

