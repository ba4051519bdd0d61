"""Small-cell suppression, proved on random tables by solving the reader's linear bounds.

For each published table the test builds, independently of the implementation,
the linear system a reader has: the row, column and grand-total equations, the
values shown, "<k" as 1..k-1, "x" as at least k, a rounded total as ±2. Then
for every small cell it minimises and maximises that cell (scipy's HiGHS): the
two must differ, or the cell could be recomputed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from shelterdesk.reports.statistics.disclosure import (
    UNBOUNDED,
    Mark,
    Unprotectable,
    one_way,
    reader_bounds,
    round_to,
    shown_as,
    two_way,
)

COUNTS = st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 5, 5, 6, 7, 9, 12, 20, 41])


def feasible_range(equations: list[dict[int, int]], bounds: list[tuple[int, int]],
                   target: int) -> tuple[float, float]:
    """Min and max of one variable subject to sum equations (coefficients) and bounds."""
    n = len(bounds)
    a_eq = np.zeros((len(equations), n))
    for row, coefficients in enumerate(equations):
        for index, coefficient in coefficients.items():
            a_eq[row, index] = coefficient
    b_eq = np.zeros(len(equations))
    lp_bounds = [(low, None if high >= UNBOUNDED else high) for low, high in bounds]
    objective = np.zeros(n)
    objective[target] = 1
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=lp_bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=lp_bounds, method="highs")
    assert low.status == 0 and high.status == 0, "the truth must be feasible"
    return low.fun, -high.fun


def two_way_equations(rows: int, cols: int) -> list[dict[int, int]]:
    """Row i adds up to its total, column j to its total, the totals to the grand total."""
    width = cols + 1
    equations = []
    for i in range(rows + 1):
        equation = {i * width + j: 1 for j in range(cols)}
        equation[i * width + cols] = -1
        equations.append(equation)
    for j in range(cols + 1):
        equation = {i * width + j: 1 for i in range(rows)}
        equation[rows * width + j] = -1
        equations.append(equation)
    return equations


def assert_protected(grid, equations: list[dict[int, int]]) -> None:
    bounds = [reader_bounds(m, v, grid.k) for m, v in zip(grid.marks, grid.values, strict=True)]
    for index, (mark, value) in enumerate(zip(grid.marks, grid.values, strict=True)):
        low, high = bounds[index]
        assert low <= value <= high, "what is shown must be true"
        if mark is Mark.HIDDEN:
            assert value >= grid.k
        if mark is Mark.SMALL:
            assert 0 < value < grid.k
            least, most = feasible_range(equations, bounds, index)
            assert most - least >= 1 - 1e-7, f"cell {index} = {value} recomputable"
        if not grid.fixed[index] and 0 < value < grid.k:
            assert mark is Mark.SMALL, "every small cell is suppressed"


tables = st.integers(1, 5).flatmap(lambda rows: st.integers(1, 6).flatmap(
    lambda cols: st.lists(st.lists(COUNTS, min_size=cols, max_size=cols), min_size=rows,
                          max_size=rows)))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, k=st.integers(3, 6))
def test_no_suppressed_cell_of_a_two_way_table_can_be_recomputed(cells, k) -> None:
    grid = two_way(cells, k)
    try:
        grid.protect()
    except Unprotectable:
        return  # the caller withholds the table: nothing of it is published
    assert_protected(grid, two_way_equations(len(cells), len(cells[0])))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, k=st.integers(3, 6))
def test_fixed_column_totals_published_elsewhere_are_respected(cells, k) -> None:
    """Monthly tables share their month totals with the new-cases series: fixed there."""
    column_totals = [sum(row[j] for row in cells) for j in range(len(cells[0]))]
    series = one_way(column_totals, k)
    try:
        series.protect()
    except Unprotectable:
        return
    grid = two_way(cells, k, fixed_column_totals=series.marks[:-1],
                   fixed_grand_total=series.marks[-1])
    try:
        grid.protect()
    except Unprotectable:
        return  # the caller withholds the table: nothing of it is published
    assert grid.marks[-1] is series.marks[-1]
    assert_protected(grid, two_way_equations(len(cells), len(cells[0])))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(COUNTS, min_size=1, max_size=12), k=st.integers(3, 6))
def test_no_suppressed_cell_of_a_one_way_table_can_be_recomputed(cells, k) -> None:
    grid = one_way(cells, k)
    try:
        grid.protect()
    except Unprotectable:
        return  # withheld
    n = len(cells)
    equation = {i: 1 for i in range(n)}
    equation[n] = -1
    assert_protected(grid, [equation])


def test_a_cell_of_three_beside_its_row_and_column_totals() -> None:
    cells = [[3, 10, 12], [8, 9, 20]]
    grid = two_way(cells, 5)
    grid.protect()
    assert grid.marks[0] is Mark.SMALL
    # its row and its column each hold another suppressed entry
    assert sum(grid.uncertain(i) for i in (0, 1, 2, 3)) >= 2
    assert sum(grid.uncertain(i) for i in (0, 4, 8)) >= 2
    assert_protected(grid, two_way_equations(2, 3))


def test_one_way_total_shown_hides_the_next_smallest() -> None:
    grid = one_way([3, 7, 40, 12], 5)
    grid.protect()
    assert [m.value for m in grid.marks] == ["small", "hidden", "shown", "shown", "shown"]


def test_a_one_beside_cells_of_exactly_k_needs_a_rounded_total() -> None:
    """1 + 5 + 5 = 11: "<5, x, x" with a total of 11 would give the 1 away."""
    grid = one_way([1, 5, 5], 5)
    grid.protect()
    assert grid.marks[-1] in (Mark.ROUNDED, Mark.HIDDEN)
    assert_protected(grid, [{0: 1, 1: 1, 2: 1, 3: -1}])


def test_fixed_total_that_pins_a_cell_is_unprotectable() -> None:
    grid = one_way([1, 5, 5], 5, fixed_total=Mark.SHOWN)
    with pytest.raises(Unprotectable):
        grid.protect()


def test_shown_as_and_rounding() -> None:
    assert [round_to(v) for v in (0, 2, 3, 12, 13, 17, 18)] == [0, 0, 5, 10, 15, 15, 20]
    assert shown_as(3, Mark.SMALL, 5) == "<5"
    assert shown_as(13, Mark.HIDDEN, 5) == "x"
    assert shown_as(13, Mark.ROUNDED, 5) == "~15"
    assert shown_as(13, Mark.SHOWN, 5) == "13"


def test_k_below_three_is_refused() -> None:
    with pytest.raises(ValueError):
        one_way([1, 2], 2)


def test_counts_without_a_published_total_need_no_complement() -> None:
    grid = one_way([3, 7, 40], 5, total=False)
    grid.protect()
    assert [m.value for m in grid.marks] == ["small", "shown", "shown"]
    assert grid.movable(0)
