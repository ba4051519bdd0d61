"""Laptops syncing through a real relay, on both stores: faults mid-listing lose nothing,
two laptops enroll and converge with the real command in subprocesses, and the relay's
database holds none of the strings written."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shelterdesk.store.replication import snapshot
from shelterdesk.store.vault import Vault
from shelterdesk.sync import service
from shelterdesk.sync.relay.stores import open_store
from shelterdesk.sync.relay_client import RelayTransport
from tests.cli_helpers import ROOT, enroll_with_cli, run_cli
from tests.records_helpers import intake
from tests.relay_helpers import (
    STORE_KINDS,
    admission_token,
    drop_schema,
    free_port,
    raw_dump,
    running_relay,
    store_url,
)
from tests.sync_helpers import join_with_code

PASS = "coordinator passphrase"
SECRETS = ["Zülfiyyə", "Qaraxanlı", "+994 55 777 12 34", "AB9876543", "Sumqayıt Sülh küçəsi 17"]


class Faults:
    """Test-only ASGI middleware: every ``every``-th listing or envelope fetch answers 500,
    or stalls past the client's timeout (the request still runs: a lost answer)."""

    def __init__(self, app, every: int = 3) -> None:
        self.app, self.every, self.seen, self.injected = app, every, 0, []

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == "/v1/envelopes/list" or (
                path.startswith("/v1/envelopes/") and scope["method"] == "GET")):
            self.seen += 1
            if self.seen % self.every == 0:
                kind = "500" if (self.seen // self.every) % 2 else "timeout"
                self.injected.append(kind)
                if kind == "500":
                    await send({"type": "http.response.start", "status": 500,
                                "headers": [(b"content-type", b"application/json")]})
                    await send({"type": "http.response.body", "body": b'{"error":"internal"}'})
                    return
                await asyncio.sleep(1.0)
        await self.app(scope, receive, send)


def _dump(directory: Path) -> bytes:
    with Vault(directory).unlock("aysel", PASS) as session:
        return snapshot.canonical_dump(session.connection)


def test_faults_mid_listing_lose_nothing(relay_store, tmp_path: Path) -> None:
    from starlette.middleware import Middleware

    store, _ = relay_store
    faults: list[Faults] = []

    class Recording(Faults):
        def __init__(self, app) -> None:
            super().__init__(app)
            faults.append(self)

    with running_relay(store, [Middleware(Recording)]) as base:
        token = admission_token(store)

        def transport() -> RelayTransport:
            return RelayTransport(base, timeout=0.4, backoff=0.01, page=3, attempts=8,
                                  admission_token=token, batch=4)

        a, b = tmp_path / "a", tmp_path / "b"
        Vault(a).create("aysel", PASS, org_name="Test NGO", prefix="TU")
        with Vault(a).unlock("aysel", PASS) as session:
            for n in range(12):
                intake(session, given_name=f"Name{n}", document_number=f"AA{n:07d}")
            invitation = service.invite(session, transport())
        # small envelopes: many of them, so listings span pages and faults land mid-way
        join_with_code(Vault(a), invitation.code, transport(), b, "aysel", PASS,
                       inviter_user="aysel", inviter_passphrase=PASS)
        with Vault(b).unlock("aysel", PASS) as session:
            for n in range(5):
                intake(session, given_name=f"Other{n}", document_number=f"BB{n:07d}")
        for laptop in (b, a, b, a):
            with Vault(laptop).unlock("aysel", PASS) as session:
                summary = service.sync_now(session, transport())
            assert not summary.rejected, summary.problems
        assert _dump(a) == _dump(b)
        assert {"500", "timeout"} <= set(faults[0].injected)


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    return result


TOKEN = "operator-token-for-one-org"


def _start_relay(url: str, port: int, log: Path) -> subprocess.Popen:
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    tokens = log.with_name("tokens.txt")
    tokens.write_text(f"# handed to one NGO\n{TOKEN}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "shelterdesk", "relay", "--listen", f"127.0.0.1:{port}",
         "--store", url, "--admission-token-file", str(tokens)], stdout=subprocess.DEVNULL,
        stderr=log.open("wb"), env=environment)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(log.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("kind", STORE_KINDS)
def test_two_laptops_enroll_and_converge_through_a_relay(kind: str, tmp_path: Path) -> None:
    url = store_url(kind, tmp_path)
    port = free_port()
    relay = _start_relay(url, port, tmp_path / "relay.log")
    try:
        _converge(tmp_path, f"http://127.0.0.1:{port}")
    finally:
        relay.terminate()  # SIGTERM: a graceful shutdown
        status = relay.wait(timeout=30)
    log = (tmp_path / "relay.log").read_bytes()
    # uvicorn finishes the requests in flight, closes the store, then re-raises the signal
    assert status in (0, -15) and b"Application shutdown complete" in log
    store = open_store(url)
    try:
        dump = raw_dump(store, url, tmp_path)
        assert store.list_envelopes  # the store opened, the schema is there
    finally:
        store.close()
        drop_schema(url)
    assert len(dump) > 10_000
    for secret in SECRETS + ["Təmiz Ürək", "aysel"]:
        encodings = {secret.encode(), secret.encode("utf-16-le"), secret.encode().hex().encode()}
        for encoded in encodings:
            assert encoded not in dump, secret
            assert encoded not in log, secret
    assert b'"path": "/v1/envelopes/{device}/{seq_from}/{seq_to}"' in log


def _converge(tmp_path: Path, relay: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _ok(run_cli("init", "--data-dir", str(a), "--admin", "aysel", "--org-name", "Təmiz Ürək",
                "--prefix", "TU", passphrase=PASS))
    (tmp_path / "a.csv").write_text(
        "given_name,family_name,sex,date_of_birth,age_estimate,nationality,phone,intake_date,"
        "exploitation_types,recruitment_channel,recruitment_platform,notes,victim_status,"
        "risk_level\n"
        f"{SECRETS[0]},{SECRETS[1]},female,1998-02-03,,AZ,{SECRETS[2]},2026-01-05,sexual,"
        f"dating_app,tinder,{SECRETS[4]} {SECRETS[3]},presumed,high\n")
    _ok(run_cli("import", str(tmp_path / "a.csv"), "--data-dir", str(a), "--user", "aysel",
                passphrase=PASS))
    token = tmp_path / "admission"
    token.write_text(TOKEN)
    invited = _ok(run_cli("device", "invite", "--relay", relay, "--data-dir", str(a),
                          "--user", "aysel", "--json", "--admission-token-file", str(token),
                          passphrase=PASS))
    code = json.loads(invited.stdout)["code"]
    joined = _ok(enroll_with_cli(code, ["--relay", relay], ["--data-dir", str(a), "--user",
                                 "aysel"], ["--data-dir", str(b), "--user", "aysel", "--json"],
                                 passphrase=PASS))
    assert json.loads(joined.stdout)["summary"]["applied_changes"] > 0
    again = run_cli("enroll", "--code", code, "--relay", relay, "--data-dir",
                    str(tmp_path / "c"), "--user", "aysel", passphrase=PASS)
    assert again.returncode != 0 and "Traceback" not in again.stderr  # used up
    _ok(run_cli("org", "add", "--name", "Legal Aid Baku", "--kind", "ngo", "--data-dir", str(b),
                "--user", "aysel", passphrase=PASS))
    for laptop in (b, a, b):
        result = _ok(run_cli("sync", "--relay", relay, "--data-dir", str(laptop), "--user",
                             "aysel", "--json", passphrase=PASS))
        assert json.loads(result.stdout)["rejected"] == 0
    cases = [_ok(run_cli("cases", "list", "--json", "--data-dir", str(d), "--user", "aysel",
                         passphrase=PASS)).stdout for d in (a, b)]
    assert cases[0] == cases[1] and SECRETS[0] in cases[0]
    assert _dump(a) == _dump(b)
