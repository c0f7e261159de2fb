"""Disclosure control: no count of 1 to 4 shows, and no hidden count can be worked out from what is shown.

The attack is independent of the module's own reasoning: for each hidden cell, linear programming finds the smallest
and largest value it could take given every figure shown (the cells left visible, the row and column totals, the
grand total) and that counts are never negative. The constraint matrix of a table with margins is totally unimodular,
so these bounds are whole numbers and are reached by real tables: if they differ, the hidden value cannot be known.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from cme.reports.disclosure import (
    LOW,
    SUPPRESSED,
    recoverable_cells,
    round_to_base,
    safe_rate,
    suppress_counts,
    suppress_table,
    suppression_pattern,
)

# Mostly small counts (the interesting ones), some zeros, some large.
count = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 60), st.integers(0, 5000))


@st.composite
def tables(draw, max_rows: int = 6, max_columns: int = 6):
    rows = draw(st.integers(1, max_rows))
    columns = draw(st.integers(1, max_columns))
    return [[draw(count) for _ in range(columns)] for _ in range(rows)]


def attack_bounds(
    values, hidden, *, row_totals: bool, column_totals: bool, grand_total: bool
) -> dict[tuple[int, int], tuple[int, int]]:
    """For each hidden cell, the least and greatest value consistent with everything shown."""
    hidden = sorted(hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    rows, columns = len(values), len(values[0])
    equations, targets = [], []

    def constrain(cells):
        # sum of hidden cells in `cells` = the shown total minus the visible cells in `cells`
        row = np.zeros(len(hidden))
        target = 0
        for r, c in cells:
            if (r, c) in index:
                row[index[(r, c)]] = 1
            target += values[r][c] if (r, c) in index else 0
        if row.any():
            equations.append(row)
            targets.append(target)

    if row_totals:
        for r in range(rows):
            constrain([(r, c) for c in range(columns)])
    if column_totals:
        for c in range(columns):
            constrain([(r, c) for r in range(rows)])
    if grand_total:
        constrain([(r, c) for r in range(rows) for c in range(columns)])
    if not equations:
        return {cell: (0, float("inf")) for cell in hidden}
    bounds = {}
    for cell, i in index.items():
        objective = np.zeros(len(hidden))
        objective[i] = 1
        found = []
        for sign in (1, -1):
            result = linprog(sign * objective, A_eq=np.array(equations), b_eq=np.array(targets), bounds=(0, None))
            assert result.success
            found.append(round(sign * result.fun))
        bounds[cell] = (found[0], found[1])
    return bounds


@settings(max_examples=300, deadline=None)
@given(tables(), st.booleans(), st.booleans(), st.booleans())
def test_no_hidden_count_can_be_worked_out_from_the_figures_shown(values, row_totals, column_totals, grand_total):
    safe = suppress_table(values, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            shown = safe.cells[r][c]
            if 0 < value < 5:
                assert shown == SUPPRESSED, "a count of 1 to 4 is never shown"
            assert shown in (SUPPRESSED, value), "a shown count is the true count"
    if safe.totals_hidden:  # nothing could protect a hidden cell: no total is shown either
        assert safe.grand_total in (SUPPRESSED, None)
        row_totals = column_totals = grand_total = False
    if not safe.suppressed:
        return
    for cell, (least, greatest) in attack_bounds(
        values, safe.suppressed, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    ).items():
        assert least < greatest, f"hidden cell {cell} ({values[cell[0]][cell[1]]}) is pinned to {least} by the totals"
        assert least <= values[cell[0]][cell[1]] <= greatest


@settings(max_examples=200, deadline=None)
@given(tables())
def test_the_pattern_leaves_no_hidden_cell_on_a_bridge_unless_the_totals_are_hidden_too(values):
    hidden = suppression_pattern(values)
    assert recoverable_cells(hidden) == set() or suppress_table(values).totals_hidden


@settings(max_examples=200, deadline=None)
@given(st.lists(count, min_size=1, max_size=12))
def test_a_one_way_table_hides_a_second_count_beside_a_lone_small_one(counts):
    shown = suppress_counts(counts)
    hidden = [i for i, value in enumerate(shown) if value == SUPPRESSED]
    assert all(shown[i] == SUPPRESSED for i, value in enumerate(counts) if 0 < value < 5)
    # With only the total shown, a hidden count is known exactly only when it is the one hidden cell.
    if hidden and len(counts) > 1:
        assert len(hidden) >= 2


def test_a_lone_small_count_takes_the_next_smallest_with_it():
    safe = suppress_table([[3, 40, 12], [20, 30, 50]])
    # 3 is hidden; its row and column each need a second hidden cell, and the four close a rectangle.
    assert safe.suppressed == {(0, 0), (0, 2), (1, 0), (1, 2)}
    assert safe.row_totals == [55, 100] and safe.column_totals == [23, 70, 62] and safe.grand_total == 155


def test_the_property_catches_a_pattern_that_leaks():
    # Hiding only the small count, with its row total shown, gives it away: the check must say so.
    assert recoverable_cells({(0, 0)}) == {(0, 0)}
    assert recoverable_cells({(0, 0), (0, 1)}, column_totals=False) == set()
    assert suppress_table([[3]]).totals_hidden


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [(0, 5, 0), (1, 5, LOW), (2, 5, LOW), (3, 5, 5), (7, 5, 5), (8, 5, 10), (4, 10, LOW), (5, 10, 10), (15, 10, 20)],
)
def test_rounding_to_the_nearest_base(value, base, expected):
    assert round_to_base(value, base) == expected


@given(st.integers(0, 100_000), st.sampled_from([5, 10, 100]))
def test_a_rounded_count_is_within_half_a_base_and_never_reveals_a_small_one(value, base):
    rounded = round_to_base(value, base)
    if rounded == LOW:
        assert 0 < value < base / 2 + 1
    else:
        assert rounded % base == 0 and abs(rounded - value) <= base / 2


def test_rates_of_hidden_figures_are_hidden():
    assert safe_rate(SUPPRESSED, 100) == SUPPRESSED
    assert safe_rate(LOW, 100) == LOW
    assert safe_rate(10, 0) == "z"
    assert safe_rate(10, 200) == "5.0"


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="same number"):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError, match="counts"):
        suppress_table([[-1]])


def test_a_small_count_among_zeros_hides_the_totals_that_would_give_it_away():
    # Row 0 and column 0 total 0, so every hidden cell in them is known to be 0, and then the 1 follows from its
    # row total: hypothesis found this table.
    safe = suppress_table([[0, 0], [0, 1]], row_totals=True, column_totals=True, grand_total=False)
    assert safe.cells[1][1] == SUPPRESSED
    assert safe.totals_hidden and set(safe.row_totals) == set(safe.column_totals) == {SUPPRESSED}
