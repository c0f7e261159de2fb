"""Statistical disclosure control: the one place where figures are made safe to leave the system.

Every aggregate that goes to someone who may not see children's records (the analyst's pages, every download, the
published DfE return) passes through this module. Pure functions over plain numbers: no database, no Django.

Two methods, as the statistics code of practice uses them:

- **Suppression** (`suppress_table`, `suppress_counts`) for operational tables: a cell counting 1 to 4 children is
  hidden (primary suppression), and further cells are hidden (secondary suppression) until no hidden cell can be
  worked out from the totals shown. Zero is shown: "none" identifies nobody. Totals are the true totals.
- **Rounding** (`round_to_base`) for published-style tables: every count, totals included, to the nearest 5 (or the
  base the publication uses: the DfE rounds council figures to the nearest 10); a count that rounds to 0 but is not
  0 shows as "low", so that a real "none" is not confused with a few.

How secondary suppression is guaranteed. Think of the table as a graph: each row whose total is shown is a node,
each column whose total is shown is a node, and one further node stands for "no total" (a one-way table has no
column totals). Each hidden cell is an edge between its row's node and its column's node. Someone who knows the
totals can work out a hidden cell exactly only if its edge is a *bridge* (on no cycle): going round a cycle adding 1
and taking 1 away in turn changes no total, so every cell on a cycle could have been one more or one less. The
algorithm therefore closes a cycle through each bridge along the cheapest path of further cells (the smallest
counts; zeros last) until no hidden cell is a bridge.
`recoverable_cells` is the check, used by the property tests together with an independent linear-programming
attack (tests/reports/test_disclosure.py).
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESSED = "c"  # the GSS symbol for a figure hidden to protect confidentiality
LOW = "low"  # rounds to 0 but is not 0 (the DfE's convention)
SMALLEST_SHOWN = 5  # counts of 1 to 4 are suppressed
DEFAULT_ROUNDING_BASE = 5
EXPLANATION = "c: hidden so that no child can be identified (fewer than 5, or a figure that would reveal one)"

Cell = tuple[int, int]
_FREE = ("free",)  # the node for "no total shown on this side"


@dataclass(frozen=True, slots=True)
class SafeTable:
    """A table ready to leave the system: each cell an int or SUPPRESSED, and the totals shown beside it."""

    cells: list[list[int | str]]
    row_totals: list[int | str] | None
    column_totals: list[int | str] | None
    grand_total: int | str | None
    suppressed: frozenset[Cell]
    totals_hidden: bool = False


def is_small(value: int) -> bool:
    """Whether a count must be hidden on its own (1 to 4)."""
    return 0 < value < SMALLEST_SHOWN


_GRAND = ("grand",)  # the node for the grand total, when it is the only total on the row side


def _sides(row_totals: bool, column_totals: bool, grand_total: bool):
    """How a cell's row and column become nodes: its own total's node, or the grand total's, or the free node."""
    row_side = (
        (lambda r: ("row", r)) if row_totals else (lambda r: _GRAND if grand_total and not column_totals else _FREE)
    )
    column_side = (lambda c: ("column", c)) if column_totals else (lambda c: _FREE)
    return row_side, column_side


def _edges(cells, *, row_totals: bool, column_totals: bool, grand_total: bool = True):
    row_side, column_side = _sides(row_totals, column_totals, grand_total)
    return [(cell, row_side(cell[0]), column_side(cell[1])) for cell in sorted(cells)]


def _connected(edges, start, goal, skip: Cell) -> bool:
    """Whether `goal` can be reached from `start` through the edges other than `skip`."""
    if start == goal:
        return True
    adjacent: dict[object, list[object]] = {}
    for cell, a, b in edges:
        if cell != skip:
            adjacent.setdefault(a, []).append(b)
            adjacent.setdefault(b, []).append(a)
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for neighbour in adjacent.get(node, ()):
            if neighbour == goal:
                return True
            if neighbour not in seen:
                seen.add(neighbour)
                frontier.append(neighbour)
    return False


def recoverable_cells(
    suppressed: frozenset[Cell] | set[Cell],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
) -> set[Cell]:
    """The hidden cells that the totals shown would give away exactly (the bridges of the graph described above).

    With no totals at all nothing can be worked out, so nothing is recoverable."""
    if not (row_totals or column_totals or grand_total):
        return set()
    edges = _edges(frozenset(suppressed), row_totals=row_totals, column_totals=column_totals, grand_total=grand_total)
    return {cell for cell, a, b in edges if not _connected(edges, a, b, skip=cell)}


def _validate(values: Sequence[Sequence[int]]) -> list[list[int]]:
    table = [list(row) for row in values]
    widths = {len(row) for row in table}
    if len(widths) > 1:
        raise ValueError("Every row of a table must have the same number of cells")
    for row in table:
        for value in row:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError("A table's cells must be counts (whole numbers, 0 or more)")
    return table


ZERO_COST = 10**9  # hiding a 0 protects little (nothing can be taken from it), so it is the last resort


def _cheapest_path(edges, *, start, goal, cost) -> list[Cell] | None:
    """The cells (edges) of the cheapest path from `start` to `goal` (Dijkstra), or None if there is none."""
    adjacent: dict[object, list[tuple[object, Cell]]] = {}
    for cell, a, b in edges:
        adjacent.setdefault(a, []).append((b, cell))
        adjacent.setdefault(b, []).append((a, cell))
    best = {start: 0}
    came: dict[object, tuple[object, Cell]] = {}
    queue = [(0, 0, start)]
    order = 0
    while queue:
        spent, _, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, cell = came[node]
                path.append(cell)
            return path
        if spent > best.get(node, spent):
            continue
        for neighbour, cell in adjacent.get(node, ()):
            total = spent + cost(cell)
            if total < best.get(neighbour, total + 1):
                best[neighbour] = total
                came[neighbour] = (node, cell)
                order += 1
                heapq.heappush(queue, (total, order, neighbour))
    return None


def suppression_pattern(
    values: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = True, grand_total: bool = True
) -> frozenset[Cell]:
    """The cells to hide in `values` (rows of counts) so that no count of 1 to 4 shows or can be worked out from the
    totals shown (`row_totals`: each row's total; `column_totals`: each column's; the grand total is always shown)."""
    table = _validate(values)
    hidden = {(r, c) for r, row in enumerate(table) for c, value in enumerate(row) if is_small(value)}
    if not hidden or not (row_totals or column_totals or grand_total):
        return frozenset(hidden)
    row_side, column_side = _sides(row_totals, column_totals, grand_total)
    every_cell = [(r, c) for r, row in enumerate(table) for c in range(len(row))]

    def cost(cell: Cell) -> int:
        value = table[cell[0]][cell[1]]
        return value + 1 if value else ZERO_COST  # hide the smallest counts; a zero only if nothing else will do

    while True:
        edges = _edges(frozenset(hidden), row_totals=row_totals, column_totals=column_totals, grand_total=grand_total)
        bridge = next(((cell, a, b) for cell, a, b in edges if not _connected(edges, a, b, skip=cell)), None)
        if bridge is None:
            return frozenset(hidden)
        cell, a, b = bridge
        # Cells already hidden cost nothing to pass through; the bridge itself is not a way round.
        path = _cheapest_path(
            [(other, row_side(other[0]), column_side(other[1])) for other in every_cell if other != cell],
            start=b,
            goal=a,
            cost=lambda other: 0 if other in hidden else cost(other),
        )
        if path is None:
            # No cells can close a cycle through it (say a table of one cell): suppress_table hides the totals.
            return frozenset(hidden)
        hidden.update(path)


def suppress_table(
    values: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = True, grand_total: bool = True
) -> SafeTable:
    """`values` with small counts hidden (primary and secondary suppression), and the totals to show beside it.

    When no further cell can protect a hidden one (a table of one cell), the totals are hidden too."""
    table = _validate(values)
    shown = {"row_totals": row_totals, "column_totals": column_totals, "grand_total": grand_total}
    hidden = suppression_pattern(table, **shown)
    totals_hidden = bool(recoverable_cells(hidden, **shown)) or _zero_line(table, hidden, **shown)
    cells: list[list[int | str]] = [
        [SUPPRESSED if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(table)
    ]
    width = len(table[0]) if table else 0

    def total(value: int) -> int | str:
        return SUPPRESSED if totals_hidden else value

    return SafeTable(
        cells=cells,
        row_totals=[total(sum(row)) for row in table] if row_totals else None,
        column_totals=[total(sum(row[c] for row in table)) for c in range(width)] if column_totals else None,
        grand_total=total(sum(sum(row) for row in table)) if grand_total else None,
        suppressed=hidden,
        totals_hidden=totals_hidden,
    )


def _zero_line(
    table: list[list[int]], hidden: set[tuple[int, int]], *, row_totals: bool, column_totals: bool, grand_total: bool
) -> bool:
    """Whether a shown total leaves its hidden cells summing to 0. Counts are never negative, so each of those cells
    is then known to be 0, and with them gone the other hidden cells may be worked out (a 1 in a table of zeros):
    the pattern cannot protect them, so the totals are hidden too."""
    lines: list[list[tuple[int, int]]] = []
    width = len(table[0]) if table else 0
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(len(table))]
    if column_totals:
        lines += [[(r, c) for r in range(len(table))] for c in range(width)]
    if grand_total:
        lines.append([(r, c) for r in range(len(table)) for c in range(width)])
    for line in lines:
        in_line = [cell for cell in line if cell in hidden]
        if in_line and sum(table[r][c] for r, c in in_line) == 0:
            return True
    return False


def suppress_counts(counts: Sequence[int], *, total_shown: bool = True) -> list[int | str]:
    """A one-way table (counts by one characteristic, with its total shown): small counts hidden, and another
    count hidden beside a lone one so that the total does not give it away."""
    if not counts:
        return []
    return suppress_table([list(counts)], row_totals=total_shown, column_totals=False, grand_total=total_shown).cells[0]


def round_to_base(value: int, base: int = DEFAULT_ROUNDING_BASE) -> int | str:
    """A count rounded to the nearest `base` (halves up, as the DfE rounds); LOW when it rounds to 0 but is not 0."""
    if value < 0:
        raise ValueError("Only counts can be rounded")
    if value == 0:
        return 0
    rounded = (2 * value + base) // (2 * base) * base
    return rounded if rounded else LOW


def round_counts(counts: Sequence[int], base: int = DEFAULT_ROUNDING_BASE) -> list[int | str]:
    return [round_to_base(value, base) for value in counts]


def safe_rate(numerator: int | str, denominator: int | str, *, per: int = 100, places: int = 1) -> str:
    """A rate from two figures already made safe: hidden or low if either is, so a rate never reveals a count."""
    if numerator == SUPPRESSED or denominator == SUPPRESSED:
        return SUPPRESSED
    if numerator == LOW or denominator == LOW:
        return LOW
    if not denominator:
        return "z"  # not applicable: nothing to divide by
    return f"{per * int(numerator) / int(denominator):.{places}f}"
