"""Cell-key perturbation (the ABS TableBuilder method): the same people always give the same number.

Every counted record carries a random key in [0, KEY_MODULUS) kept in the vault
(``stat_key``). A cell's key is the sum of its records' keys modulo KEY_MODULUS,
so it depends only on *which* records are in the cell: a total has the same key,
and so the same published value, wherever it appears, and a cell made again
from the same people is published the same. A fixed perturbation table, looked
up by the true count and the cell key, gives the published value.

Our table is unbiased random rounding to a multiple of BASE: a count n with
remainder r = n mod BASE is published as n - r or n - r + BASE, rounded up in
the share r / BASE of cell-key positions. Zero stays zero (no records, no key).
Consequences a reader can rely on, and an attacker cannot get round:

* every published count is a multiple of BASE, so two published numbers never
  differ by one (or by anything but a multiple of BASE): adding or removing one
  person changes a cell by 0 or by BASE, never by exactly one;
* a published value v is consistent with every true count from v - BASE + 1 to
  v + BASE - 1 (a published 0 with 0, 1 or 2): from any pair of published
  numbers, "one more person" and "the same people" both remain possible.
"""

from __future__ import annotations

from collections.abc import Iterable

KEY_MODULUS = 1 << 24  # record keys are the low 24 bits of a random UUID
POSITIONS = 256  # columns of the perturbation table
BASE = 3


def cell_key(record_keys: Iterable[int]) -> int:
    """The key of a cell: its records' keys summed modulo KEY_MODULUS."""
    return sum(record_keys) % KEY_MODULUS


def combine(*cell_keys: int) -> int:
    """The key of a union of disjoint cells (a row or column total)."""
    return sum(cell_keys) % KEY_MODULUS


def _table() -> tuple[tuple[int, ...], ...]:
    """PTABLE[r][p]: the perturbation for remainder r at cell-key position p."""
    rows = []
    for remainder in range(BASE):
        up = round(POSITIONS * remainder / BASE)  # positions that round up: share r / BASE
        rows.append(tuple((BASE - remainder) if p < up else -remainder
                          for p in range(POSITIONS)))
    return tuple(rows)


PTABLE = _table()


def position(key: int) -> int:
    """The table column of a cell key (its top bits: evenly spread for random keys)."""
    return (key % KEY_MODULUS) * POSITIONS // KEY_MODULUS


def perturb(count: int, key: int) -> int:
    """The published value of a cell holding ``count`` records whose keys sum to ``key``."""
    if count <= 0:
        return 0
    return count + PTABLE[count % BASE][position(key)]


def consistent_counts(published: int) -> range:
    """Every true count that could have been published as ``published``."""
    if published <= 0:
        return range(0, BASE)
    return range(published - BASE + 1, published + BASE)
