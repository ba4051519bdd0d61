"""The relay tried as an attacker would: squatting an organisation without the operator's
token, telling real from unknown organisations, reading its database file, taking an
enrollment twice, opening what it stores with a code; and two relay processes on one
PostgreSQL database serving one organisation."""

from __future__ import annotations

import os
import secrets
import stat
import statistics
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.middleware import Middleware

from shelterdesk.store.replication import registry, snapshot
from shelterdesk.store.replication.changes import Change
from shelterdesk.store.vault import Vault
from shelterdesk.sync import crypto, envelope, service
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.sqlite_store import SqliteStore
from shelterdesk.sync.relay.stores import open_store
from shelterdesk.sync.relay_client import (
    RelayAdmissionRefused,
    RelayNotKnown,
    RelayTooOld,
    RelayTransport,
)
from shelterdesk.sync.transport import EnvelopeRef
from tests.cli_helpers import run_cli
from tests.records_helpers import intake
from tests.relay_helpers import (
    Device,
    admission_token,
    drop_schema,
    raw_dump,
    running_relay,
    store_url,
)
from tests.sync_helpers import ADMIN, PASSPHRASE, join_with_code
from tests.test_enrollment import _code_key_plaintexts, _values


def test_founding_an_organisation_needs_a_single_use_token(relay_store, tmp_path) -> None:
    store, url = relay_store
    with running_relay(store) as base:
        squatter = Device(base)
        refused = squatter.register()
        assert (refused.status_code, refused.json()) == (403, {"error": "admission_required"})
        assert squatter.register("a-guessed-token-0000").status_code == 403
        token = admission_token(store)
        assert squatter.register(token).status_code == 201
        assert Device(base).register(token).status_code == 403  # spent on one organisation
        # a laptop without a token is told to ask the operator; with a bad one, why it failed
        org, device, key = secrets.token_hex(16), secrets.token_hex(16), crypto.new_signing_key()
        with pytest.raises(RelayNotKnown):
            RelayTransport(base).as_device(org, device, key).list_records("acks")
        with pytest.raises(RelayAdmissionRefused):
            RelayTransport(base, admission_token=token).as_device(
                org, device, key).list_records("acks")
    assert token.encode() not in raw_dump(store, url, tmp_path)  # only its hash is kept


def _timed(device: Device, path: str) -> tuple[int, bytes, list[float]]:
    times = []
    answer = None
    for _ in range(40):
        headers = device.headers("GET", path, b"")
        start = time.perf_counter()
        answer = httpx.get(device.base + path, headers=headers)
        times.append(time.perf_counter() - start)
    assert answer is not None
    return answer.status_code, answer.content, times


def test_unknown_organisation_and_unknown_device_get_the_same_answer(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        owner = Device(base)
        owner.register(admission_token(store))
        path = "/v1/records/acks"
        in_real_org = _timed(Device(base, owner.org), path)
        in_no_org = _timed(Device(base), path)
    assert in_real_org[:2] == in_no_org[:2] == (401, b'{"error":"unknown_device"}')
    # the same work on both paths (one lookup): medians within noise of each other
    a, b = statistics.median(in_real_org[2]), statistics.median(in_no_org[2])
    assert abs(a - b) < 0.5 * max(a, b) + 0.002, (a, b)


def test_the_sqlite_store_is_created_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "relay" / "relay.db"
        store = SqliteStore(str(path))
        store.add_admission_tokens([p.hash_id("x" * 20)])
        files = [f for f in path.parent.iterdir() if f.name.startswith("relay.db")]
        assert len(files) >= 2  # the database and its write-ahead log
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        store.close()
        path.chmod(0o644)  # an existing file is narrowed when the relay opens it
        SqliteStore(str(path)).close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_an_enrollment_request_is_taken_once(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        owner = Device(base)
        owner.register(admission_token(store))
        invite_id = secrets.token_hex(16)
        request = f"/v1/invitations/{invite_id}/request"
        assert httpx.post(base + request, content=b"first").status_code == 404  # no invitation
        assert owner.request("PUT", f"/v1/invitations/{invite_id}", b"offer").status_code == 201
        assert httpx.post(base + request, content=b"first").status_code == 201
        assert httpx.post(base + request, content=b"first").status_code == 201  # a retry
        taken = httpx.post(base + request, content=b"second")
        assert (taken.status_code, taken.json()) == (409, {"error": "request_exists"})
        assert httpx.get(base + request).content == b"first"
        owner.request("PUT", f"/v1/invitations/{invite_id}", b"answer")  # keeps the request
        assert httpx.get(base + request).content == b"first"
        httpx.delete(base + f"/v1/invitations/{invite_id}")
        assert httpx.get(base + request).status_code == 404


class Counting:
    """Counts requests per route path prefix (to see batching at work)."""

    seen: list[str] = []

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            Counting.seen.append(scope["method"] + " " + scope["path"])
        await self.app(scope, receive, send)


def test_envelopes_come_in_streamed_batches(relay_store) -> None:
    store, _ = relay_store
    Counting.seen = []
    with running_relay(store, [Middleware(Counting)]) as base:
        token = admission_token(store)
        one = Device(base)
        a = RelayTransport(base, admission_token=token, batch=200).as_device(
            one.org, one.device, one.key)
        blobs = {n: secrets.token_bytes(100 + n) for n in range(1, 451)}
        for n, blob in blobs.items():
            a.put_envelope(EnvelopeRef(one.device, n, n), blob)
        missing = EnvelopeRef(one.device, 999, 999)
        got = a.get_envelopes([EnvelopeRef(one.device, n, n) for n in (5, 1, 450)] + [missing])
        assert got == [(EnvelopeRef(one.device, 5, 5), blobs[5]),
                       (EnvelopeRef(one.device, 1, 1), blobs[1]),
                       (EnvelopeRef(one.device, 450, 450), blobs[450]), (missing, None)]
        Counting.seen = []
        refs = a.list_envelopes({})
        assert [a.get_envelope(ref) for ref in refs] == [blobs[n] for n in range(1, 451)]
    fetches = [s for s in Counting.seen if s == "POST /v1/envelopes/fetch"]
    singles = [s for s in Counting.seen if s.startswith("GET /v1/envelopes/")]
    assert (len(fetches), len(singles)) == (3, 0)  # 450 envelopes in three requests


def test_a_short_admission_token_file_is_refused(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("short\n")
    result = run_cli("relay", "--listen", "127.0.0.1:1", "--store",
                     f"sqlite:///{tmp_path / 'r.db'}", "--admission-token-file", str(tokens))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--admission-token-file" in result.stderr


def test_the_code_and_the_relay_database_open_nothing(relay_store, tmp_path: Path) -> None:
    """Issue 20's attack through a relay: the code plus every byte of the relay's database
    (during and after the exchange) yields no key that opens any envelope."""
    store, url = relay_store
    with running_relay(store) as base:
        token = admission_token(store)

        def transport() -> RelayTransport:
            return RelayTransport(base, admission_token=token)

        founder = Vault(tmp_path / "a")
        founder.create(ADMIN, PASSPHRASE, org_name="NGO", prefix="TU")
        with founder.unlock(ADMIN, PASSPHRASE) as session:
            intake(session, given_name="Nargiz", document_number="AA7654321")
            invitation = service.invite(session, transport())
            epoch_keys = list(registry.epoch_keys(session.connection).values())
        pending = service.request_join(transport(), invitation.code)
        held: list[bytes] = []

        def keep() -> None:  # every value the relay's tables hold, at each step
            for table in store.iter_tables():
                for row in store._rows(f"SELECT * FROM {table}"):  # noqa: S608
                    held.extend(bytes(v) if isinstance(v, bytes | memoryview) else
                                str(v).encode() for v in row if v is not None)

        keep()
        with founder.unlock(ADMIN, PASSPHRASE) as session:
            digits = service.answer_join(session, transport(), invitation.code)
            keep()
            service.confirm_join(session, transport(), invitation.code, digits or "")
        keep()
        service.join(tmp_path / "b", pending, transport(), ADMIN, PASSPHRASE)
        keep()
        assert b"Nargiz" not in raw_dump(store, url, tmp_path)
    opened = _code_key_plaintexts(invitation.code, held)
    assert len(opened) >= 3  # offer or answer, request, package wrapping
    for key in epoch_keys:  # ... and no organisation key is in them
        assert all(key not in blob for blob in opened)
    candidates = [c for c in _values(opened) if len(c) == crypto.KEY_BYTES]
    rows = store._rows("SELECT blob FROM relay_envelopes")
    assert rows
    for (blob,) in rows:
        header = envelope.parse_header(bytes(blob))
        for candidate in candidates:
            with pytest.raises(Exception):  # noqa: B017,PT011 - any refusal will do
                envelope.open_body(bytes(blob), header, candidate)


@pytest.mark.slow
def test_two_relay_processes_on_one_database_serve_one_organisation(tmp_path: Path) -> None:
    """Laptops alternate between two relays over one PostgreSQL database and converge."""
    url = store_url("postgres", tmp_path)
    first, second = open_store(url), open_store(url)
    try:
        with running_relay(first) as one, running_relay(second) as two:
            token = admission_token(first)
            bases = [one, two]

            def transport(turn: int) -> RelayTransport:
                return RelayTransport(bases[turn % 2], admission_token=token, batch=5)

            a = Vault(tmp_path / "a")
            a.create(ADMIN, PASSPHRASE, org_name="NGO", prefix="TU")
            with a.unlock(ADMIN, PASSPHRASE) as session:
                for n in range(6):
                    intake(session, given_name=f"Name{n}", document_number=f"AA{n:07d}")
                invitations = [service.invite(session, transport(n)) for n in range(2)]
            laptops = [tmp_path / "a"]
            for n, invitation in enumerate(invitations):
                directory = tmp_path / f"laptop{n}"
                join_with_code(a, invitation.code, transport(n + 1), directory)
                laptops.append(directory)
            for turn in range(len(laptops) * 3):
                laptop = laptops[turn % len(laptops)]
                with Vault(laptop).unlock(ADMIN, PASSPHRASE) as session:
                    if turn < len(laptops):
                        intake(session, given_name=f"Turn{turn}",
                               document_number=f"BB{turn:07d}")
                    summary = service.sync_now(session, transport(turn))
                    assert not summary.rejected, summary.problems
        dumps = []
        for laptop in laptops:
            with Vault(laptop).unlock(ADMIN, PASSPHRASE) as session:
                dumps.append(snapshot.canonical_dump(session.connection))
        assert dumps[0] == dumps[1] == dumps[2]
        assert b"Turn2" in dumps[0] and b"Name5" in dumps[0]
    finally:
        first.close()
        second.close()
        drop_schema(url)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=3000), min_size=1, max_size=12))
def test_envelope_sizes_fall_in_power_of_two_buckets(values: list[str]) -> None:
    """The relay learns a size bucket, not a size: the body is padded inside the AEAD."""
    changes = [Change("a" * 32, n, n, "clients", f"row{n}", "notes", value, 0)
               for n, value in enumerate(values, start=1)]
    key, signer = crypto.random_key(), crypto.new_signing_key()
    blob = envelope.seal(changes, org_id="b" * 32, sender="a" * 32, epoch=1, epoch_key=key,
                         prev_hash=None, schema=1, signing_key=signer)
    bucket = len(blob) - envelope.HEADER_BYTES - 16 - crypto.SIGNATURE_BYTES
    assert bucket >= 1024 and bucket & (bucket - 1) == 0, bucket
    header = envelope.parse_header(blob)
    assert envelope.open_body(blob, header, key) == changes


class OldRelay:
    """A relay of the first protocol: no batch route."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/envelopes/fetch":
            from starlette.responses import JSONResponse

            await JSONResponse({"error": "not_found"}, status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def test_an_older_relay_is_named_as_such(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store, [Middleware(OldRelay)]) as base:
        one = Device(base)
        a = RelayTransport(base, admission_token=admission_token(store)).as_device(
            one.org, one.device, one.key)
        a.put_envelope(EnvelopeRef(one.device, 1, 1), b"x")
        with pytest.raises(RelayTooOld):
            a.get_envelopes([EnvelopeRef(one.device, 1, 1)])


def test_the_sync_page_keeps_the_admission_token_and_founds_with_it(
        qtbot, admin_session, relay_store) -> None:
    """The window's twin of --admission-token-file: typed on the Sync page, saved in the
    encrypted vault, used by the next sync to found the organisation on the relay."""
    from shelterdesk.sync import setup
    from shelterdesk.ui.sync.sync_status_tab import SyncStatusTab

    store, _ = relay_store
    with running_relay(store) as base:
        tab = SyncStatusTab(admin_session, None)
        qtbot.addWidget(tab)
        tab.relay_radio.setChecked(True)
        tab.relay_edit.setText(base)
        tab.admission_edit.setText("  " + admission_token(store) + " ")
        assert tab.admission_edit.echoMode() == tab.admission_edit.EchoMode.Password
        assert tab.admission_edit.accessibleName()
        setup.save_place(admin_session, tab.place())
        summary = service.sync_now(admin_session, setup.saved_transport(admin_session))
        assert summary.org_id and store.org_exists(summary.org_id)
