"""Hybrid logical clocks: one integer ``wall_ms << 16 | counter``, compared with the device id.

A local write takes ``max(last + 1, now << 16)``: the wall clock when it moves
on, the counter when it does not (the capture triggers do this in SQL). A
received change moves the clock up to it, so a write made after seeing
another always sorts after it, whatever the wall clocks say. Changes stamped
more than :data:`MAX_DRIFT_MS` ahead of this device's clock are quarantined,
not applied: a laptop whose clock is a year ahead cannot make its writes win
for a year, nor drag everyone's clocks along.
"""

from __future__ import annotations

from datetime import UTC, datetime

COUNTER_BITS = 16
MAX_DRIFT_MS = 24 * 60 * 60 * 1000
# Beyond this difference between two devices' clocks, the sync summary warns.
CLOCK_WARNING_MS = 5 * 60 * 1000


def pack(wall_ms: int, counter: int = 0) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def counter(hlc: int) -> int:
    return hlc & ((1 << COUNTER_BITS) - 1)


def horizon(now_ms: int, drift_ms: int = MAX_DRIFT_MS) -> int:
    """The largest clock this device accepts now."""
    return pack(now_ms + drift_ms, (1 << COUNTER_BITS) - 1)


def to_datetime(hlc: int) -> datetime:
    return datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC)


def describe(hlc: int) -> str:
    return f"{to_datetime(hlc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z+{counter(hlc)}"
