"""Small-cell suppression: primary (<k), complementary and rounded totals, audited cell by cell.

A published table is a set of entries (cells and totals) that lie on lines whose
sums a reader knows: each row of a two-way table adds up to its row total, each
column to its column total, the totals to the grand total. A reader who sees
"<5" knows the hidden value is 1..4, one who sees "x" (suppressed to protect a
small cell) knows it is at least k, and one who sees a rounded total knows it to
within half the rounding base. A small cell is protected when those facts still
allow it two different values.

Because every entry lies on exactly two lines (a one-way table's cells lie on
its single line and on a line nobody knows the sum of), the tables are
networks: a small cell can move by one exactly when a cycle of alternating
increases and decreases runs through it within the bounds. The audit is a
breadth-first search per small cell, exact for integers (network matrices are
totally unimodular), so no linear-programming library is needed at run time.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

UNBOUNDED = 10**12
ROUNDING_BASE = 5


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 0 < value < k: shown as "<k"
    HIDDEN = "hidden"  # suppressed so that a small cell cannot be worked out: shown as "x"
    ROUNDED = "rounded"  # a total shown rounded to the base


class Unprotectable(Exception):
    """No further suppression or rounding within the table can protect a small cell."""


def round_to(value: int, base: int = ROUNDING_BASE) -> int:
    """Round half up to a multiple of ``base``."""
    return int(base * math.floor(value / base + 0.5))


def reader_bounds(mark: Mark, value: int, k: int, base: int = ROUNDING_BASE) -> tuple[int, int]:
    """What a reader can tell about an entry's true value from the way it is shown."""
    if mark is Mark.SHOWN:
        return value, value
    if mark is Mark.SMALL:
        return 1, k - 1
    if mark is Mark.HIDDEN:
        return k, UNBOUNDED
    shown = round_to(value, base)
    return max(0, shown - base // 2), shown + base // 2


@dataclass
class Grid:
    """Entries of one table, each between a row-side and a column-side node (a known sum)."""

    values: list[int]
    ends: list[tuple[int, int]]
    signs: list[int]  # +1 for cells and the grand total, -1 for row and column totals
    margin: list[bool]
    k: int
    base: int = ROUNDING_BASE
    marks: list[Mark] = field(default_factory=list)
    fixed: list[bool] = field(default_factory=list)
    free_nodes: frozenset[int] = frozenset()  # lines whose sum nobody knows

    def __post_init__(self) -> None:
        if self.k < 3:
            raise ValueError("k must be at least 3: with k = 2 a cell shown as <2 is exactly 1")
        if not self.marks:
            self.marks = [Mark.SHOWN] * len(self.values)
        if not self.fixed:
            self.fixed = [False] * len(self.values)

    # --- what a reader knows --------------------------------------------------------
    def uncertain(self, index: int) -> bool:
        return self.marks[index] is not Mark.SHOWN

    def _signed_bounds(self, index: int) -> tuple[int, int, int]:
        low, high = reader_bounds(self.marks[index], self.values[index], self.k, self.base)
        if self.signs[index] > 0:
            return self.values[index], low, high
        return -self.values[index], -high, -low

    def movable(self, index: int) -> bool:
        """True when the reader's facts allow this entry at least two values."""
        value, low, high = self._signed_bounds(index)
        row, col = self._node_pair(index)
        if value + 1 <= high and self._reaches(col, row, index):
            return True
        return value - 1 >= low and self._reaches(row, col, index)

    def _node_pair(self, index: int) -> tuple[int, int]:
        """The entry's two lines; every line of unknown sum is one node (-1), the ground."""
        row, col = self.ends[index]
        return (-1 if row in self.free_nodes else row, -1 if col in self.free_nodes else col)

    def _reaches(self, start: int, goal: int, skip: int) -> bool:
        arcs: dict[int, list[int]] = {}
        for other in range(len(self.ends)):
            if other == skip or not self.uncertain(other):
                continue
            row, col = self._node_pair(other)
            value, low, high = self._signed_bounds(other)
            if value + 1 <= high:
                arcs.setdefault(row, []).append(col)
            if value - 1 >= low:
                arcs.setdefault(col, []).append(row)
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for following in arcs.get(node, ()):
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return False

    def exposed(self) -> list[int]:
        """Small entries a reader could work out exactly."""
        return [i for i, mark in enumerate(self.marks)
                if mark is Mark.SMALL and not self.movable(i)]

    # --- protection -----------------------------------------------------------------
    def protect(self) -> None:
        """Primary and complementary suppression, then rounding where needed, until audited."""
        for i, value in enumerate(self.values):
            if not self.fixed[i] and 0 < value < self.k:
                self.marks[i] = Mark.SMALL
        self._complete_lines()
        while exposed := self.exposed():
            if not self._protect_one(exposed[0]):
                raise Unprotectable()

    def _nodes(self) -> set[int]:
        return {node for ends in self.ends for node in ends} - self.free_nodes

    def _candidates(self, index: int | None = None) -> list[int]:
        """Entries that may still be hidden: free, shown, non-zero (so at least k)."""
        lines = set(self.ends[index]) if index is not None else set()
        found = [i for i, value in enumerate(self.values)
                 if not self.fixed[i] and self.marks[i] is Mark.SHOWN and value > 0]
        return sorted(found, key=lambda i: (not lines & set(self.ends[i]), self.margin[i],
                                            self.values[i], i))

    def _complete_lines(self) -> None:
        """No line may hold exactly one uncertain entry: hide its smallest other entry."""
        changed = True
        while changed:
            changed = False
            for node in self._nodes():
                members = [i for i, ends in enumerate(self.ends) if node in ends]
                if sum(self.uncertain(i) for i in members) != 1:
                    continue
                choices = [i for i in self._candidates() if node in self.ends[i]]
                if choices:
                    self.marks[choices[0]] = Mark.HIDDEN
                    changed = True

    def _protect_one(self, index: int) -> bool:
        """Hide or round one more entry so that ``index`` can move; False if nothing is left."""
        candidates = self._candidates(index)
        for candidate in candidates:
            options = (Mark.ROUNDED, Mark.HIDDEN) if self.margin[candidate] else (Mark.HIDDEN,)
            for option in options:
                self.marks[candidate] = option
                if self.movable(index):
                    return True
            self.marks[candidate] = Mark.SHOWN
        if not candidates:
            return False
        self.marks[candidates[0]] = Mark.HIDDEN  # no single step suffices: widen and go on
        return True


def one_way(cells: list[int], k: int, *, total: bool = True, fixed_total: Mark | None = None,
            base: int = ROUNDING_BASE) -> Grid:
    """A list of counts and (if published) their total; node 1 is a sum nobody knows."""
    values = list(cells) + ([sum(cells)] if total else [])
    count = len(values)
    grid = Grid(values, [(0, 1)] * count, [1] * len(cells) + [-1] * (count - len(cells)),
                [False] * len(cells) + [True] * (count - len(cells)), k, base,
                free_nodes=frozenset({1} if total else {0, 1}))
    if total and fixed_total is not None:
        grid.marks[-1], grid.fixed[-1] = fixed_total, True
    return grid


def two_way(cells: list[list[int]], k: int, *, width: int | None = None,
            fixed_column_totals: list[Mark] | None = None,
            fixed_grand_total: Mark | None = None, base: int = ROUNDING_BASE) -> Grid:
    """Rows × columns with row totals, column totals and the grand total (last row, column).

    Entry (i, j) of the extended (rows + 1) × (columns + 1) table has index
    i * (columns + 1) + j. Column totals published elsewhere are passed fixed; ``width``
    gives the number of columns when there may be no rows.
    """
    rows = len(cells)
    cols = width if width is not None else (len(cells[0]) if cells else 0)
    values, ends, signs, margin = [], [], [], []
    for i in range(rows + 1):
        for j in range(cols + 1):
            if i < rows and j < cols:
                value = cells[i][j]
            elif i < rows:
                value = sum(cells[i])
            elif j < cols:
                value = sum(row[j] for row in cells)
            else:
                value = sum(map(sum, cells))
            values.append(value)
            ends.append((i, rows + 1 + j))
            on_edge = (i == rows) + (j == cols)
            signs.append(-1 if on_edge == 1 else 1)
            margin.append(on_edge > 0)
    grid = Grid(values, ends, signs, margin, k, base)
    if fixed_column_totals is not None:
        for j, mark in enumerate(fixed_column_totals):
            index = rows * (cols + 1) + j
            grid.marks[index], grid.fixed[index] = mark, True
    if fixed_grand_total is not None:
        grid.marks[-1], grid.fixed[-1] = fixed_grand_total, True
    return grid


def shown_as(value: int, mark: Mark, k: int, base: int = ROUNDING_BASE,
             number: type[str] | None = None, rounded_prefix: str = "~") -> str:
    """The text a reader sees: the number, "<k", "x" or a rounded total."""
    fmt = number or str
    if mark is Mark.SHOWN:
        return fmt(value)
    if mark is Mark.SMALL:
        return f"<{k}"
    if mark is Mark.HIDDEN:
        return "x"
    return rounded_prefix + fmt(round_to(value, base))
