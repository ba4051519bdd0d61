"""A few seconds of the relay load benchmark on both stores: concurrent devices, nothing
lost or duplicated, no error (the 60-second, 20-device run is ``python -m benchmarks relay``)."""

from __future__ import annotations

from benchmarks.relay import load
from tests.relay_helpers import admission_token, running_relay


def test_concurrent_devices_lose_and_duplicate_nothing(relay_store) -> None:
    store, _ = relay_store
    with running_relay(store) as base:
        outcome = load(base, devices=6, seconds=3, admission=admission_token(store))
    assert outcome.errors == [] and outcome.pushed > 6
    assert (outcome.lost, outcome.duplicated) == (0, 0)
