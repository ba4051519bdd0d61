"""The relay's limits: per-device and per-address rate limits answer 429 before any database
work, the laptop's client waits and retries, and retention deletes old envelopes."""

from __future__ import annotations

import httpx
from starlette.middleware import Middleware

from shelterdesk.sync.relay.limits import Buckets, Limits, LimitsMiddleware, sweep_expired
from shelterdesk.sync.relay.storage import Ref
from tests.relay_helpers import Device, running_relay


def test_a_bucket_allows_its_burst_then_refuses_until_it_refills() -> None:
    now = [0.0]
    buckets = Buckets(per_minute=60, burst_seconds=5, clock=lambda: now[0])
    assert [buckets.take("x") for _ in range(5)] == [0.0] * 5
    assert buckets.take("x") > 0  # the burst is spent
    assert buckets.take("y") == 0.0  # another key has its own bucket
    now[0] += 1.0
    assert buckets.take("x") == 0.0  # one a second comes back
    assert Buckets(per_minute=0, burst_seconds=5).take("x") == 0.0  # 0: no limit


def test_one_address_over_its_rate_gets_429_with_retry_after(relay_store, monkeypatch) -> None:
    from shelterdesk.sync.relay import limits as limits_module

    monkeypatch.setattr(limits_module, "_loopback", lambda _address: False)  # as if remote
    store, _url = relay_store
    limits = Limits(per_device_per_minute=0, per_address_per_minute=60, burst_seconds=3)
    with running_relay(store, [Middleware(LimitsMiddleware, store=store, limits=limits)]) as base:
        codes = [httpx.get(base + "/v1/challenge").status_code for _ in range(6)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        refused = httpx.get(base + "/v1/challenge")
        assert refused.status_code == 429 and refused.json() == {"error": "rate_limited"}
        assert int(refused.headers["retry-after"]) >= 1
        assert httpx.get(base + "/health").status_code == 200  # never limited
    monkeypatch.undo()
    with running_relay(store, [Middleware(LimitsMiddleware, store=store, limits=limits)]) as base:
        # Loopback (a proxy on the same host, a benchmark) has no address limit.
        assert {httpx.get(base + "/v1/challenge").status_code for _ in range(6)} == {200}


def test_one_device_over_its_rate_is_refused_while_another_goes_on(relay_store) -> None:
    store, _url = relay_store
    limits = Limits(per_device_per_minute=60, per_address_per_minute=0, burst_seconds=2)
    with running_relay(store, [Middleware(LimitsMiddleware, store=store, limits=limits)]) as base:
        noisy, quiet = Device(base), Device(base)
        headers = {"x-sd-device": noisy.device, "x-sd-org": noisy.org}
        codes = [httpx.post(base + "/v1/envelopes/list", headers=headers).status_code
                 for _ in range(4)]
        assert codes[-1] == 429 and codes[0] != 429
        other = {"x-sd-device": quiet.device, "x-sd-org": quiet.org}
        assert httpx.post(base + "/v1/envelopes/list", headers=other).status_code != 429


def test_retention_deletes_only_envelopes_older_than_the_limit(relay_store) -> None:
    store, _url = relay_store
    org, device = "a" * 32, "b" * 32
    store.put_envelope(org, Ref(device, 1, 1), b"old")
    store.put_envelope(org, Ref(device, 2, 2), b"new")
    with store.transaction() as cursor:
        store._run(cursor, "UPDATE relay_envelopes SET stored_at = stored_at - 40 * 86400"
                   " WHERE seq_from = 1")
    assert sweep_expired(store, 0) == 0  # off
    assert sweep_expired(store, 30) == 1
    assert store.get_envelope(org, Ref(device, 1, 1)) is None
    assert store.get_envelope(org, Ref(device, 2, 2)) == b"new"
