"""Figures as they are shown: exact for people who may see children's records (managers), and through the
disclosure-control module for everyone else and for every download. Pages, downloads and exports all build their
rows here, so no figure reaches a person or a file any other way."""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook

from . import disclosure
from .equalities import COLUMN_LABELS, EqualityTable
from .selectors import Breakdown, Durations

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection): such text gets an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


ROW_HEIGHT = 22  # SVG units per bar
BAR_SPACE = 190  # SVG units for the longest bar; the label takes the 170 before it


@dataclass
class ChartRow:
    label: str
    shown: int | str
    fraction: float  # of the largest shown value, for the bar's length; 0 when hidden

    @property
    def bar_width(self) -> float:
        return round(self.fraction * BAR_SPACE, 1)


@dataclass
class ChartView:
    key: str
    title: str
    description: str
    category_heading: str
    rows: list[ChartRow]
    total: int | str
    controlled: bool

    @property
    def height(self) -> int:
        return max(1, len(self.rows)) * ROW_HEIGHT

    @property
    def any_hidden(self) -> bool:
        return any(row.shown == disclosure.SUPPRESSED for row in self.rows)


def chart_view(breakdown: Breakdown, *, exact: bool, rounded: bool = False) -> ChartView:
    """The chart as shown: exact, suppressed (the default for anyone else), or, for published-style tables,
    every count and the total rounded to the nearest 5."""
    if rounded:
        shown = disclosure.round_counts(breakdown.counts)
        total = disclosure.round_to_base(breakdown.total)
    elif exact:
        shown: list[int | str] = list(breakdown.counts)
        total: int | str = breakdown.total
    else:
        safe = disclosure.suppress_table([breakdown.counts], column_totals=False) if breakdown.counts else None
        shown = safe.cells[0] if safe else []
        total = safe.grand_total if safe else 0
    largest = max((value for value in shown if isinstance(value, int)), default=0)
    rows = [
        ChartRow(label, value, (value / largest) if isinstance(value, int) and largest else 0.0)
        for label, value in zip(breakdown.labels, shown, strict=True)
    ]
    return ChartView(
        breakdown.key,
        breakdown.title,
        breakdown.description,
        breakdown.category_heading,
        rows,
        total,
        controlled=rounded or not exact,
    )


@dataclass
class DurationView:
    count: int | str
    median: str
    p90: str


def duration_view(durations: Durations, *, exact: bool) -> DurationView:
    """A median of fewer than 5 children's waits would come close to describing each of them: hidden if controlled."""
    if durations.count == 0:
        return DurationView(0, "z", "z")
    if not exact and disclosure.is_small(durations.count):
        return DurationView(disclosure.SUPPRESSED, disclosure.SUPPRESSED, disclosure.SUPPRESSED)
    return DurationView(durations.count, f"{durations.median:g}", f"{durations.p90:g}")


@dataclass
class EqualityRowView:
    group: str
    cells: list[int | str]
    derived: list[str]


@dataclass
class EqualityView:
    dimension: str
    title: str
    headings: list[str]
    derived_headings: list[str]
    rows: list[EqualityRowView]
    totals: list[int | str]
    overall: list[str]


def _controlled_columns(table: EqualityTable, *, exact: bool) -> dict[str, list[int | str]]:
    return {
        column: (table.column(column) if exact else disclosure.suppress_counts(table.column(column)))
        for column in table.columns
    }


def _difference(rate: str, overall: str) -> str:
    try:
        return f"{float(rate) - float(overall):+.1f}"
    except ValueError:
        return rate if rate in (disclosure.SUPPRESSED, disclosure.LOW, "z") else "z"


def casework_equality_view(table: EqualityTable, *, exact: bool) -> EqualityView:
    """Counts; each group's rate per 1,000 of its school population; and that rate's difference from everyone's."""
    shown = _controlled_columns(table, exact=exact)
    totals = {column: sum(table.column(column)) for column in table.columns}
    overall = [disclosure.safe_rate(totals[c], totals["population"], per=1000) for c in ("missing", "at_risk")]
    rows = []
    for index, row in enumerate(table.rows):
        population = shown["population"][index]
        derived = []
        for position, column in enumerate(("missing", "at_risk")):
            rate = disclosure.safe_rate(shown[column][index], population, per=1000)
            derived += [rate, _difference(rate, overall[position])]
        rows.append(EqualityRowView(row.group, [shown[c][index] for c in table.columns], derived))
    return EqualityView(
        table.dimension,
        table.title,
        [COLUMN_LABELS[c] for c in table.columns],
        [
            "Missing education per 1,000",
            "Difference from all children",
            "At risk per 1,000",
            "Difference from all children",
        ],
        rows,
        [totals[c] for c in table.columns],
        [overall[0], "", overall[1], ""],
    )


def matching_equality_view(table: EqualityTable, *, exact: bool) -> EqualityView:
    """Each group's share of candidates found against its share of the school population (percentage points), and
    the share of its decided candidates confirmed against everyone's: a gap in either would show bias."""
    shown = _controlled_columns(table, exact=exact)
    totals = {column: sum(table.column(column)) for column in table.columns}
    decided_total = totals["confirmed"] + totals["dismissed"]
    overall_confirmed = disclosure.safe_rate(totals["confirmed"], decided_total)
    rows = []
    for index, row in enumerate(table.rows):
        population_share = disclosure.safe_rate(shown["population"][index], totals["population"])
        found_share = disclosure.safe_rate(shown["found"][index], totals["found"])
        confirmed, dismissed = shown["confirmed"][index], shown["dismissed"][index]
        if isinstance(confirmed, int) and isinstance(dismissed, int):
            confirmed_rate = disclosure.safe_rate(confirmed, confirmed + dismissed)
        else:
            confirmed_rate = disclosure.SUPPRESSED
        rows.append(
            EqualityRowView(
                row.group,
                [shown[c][index] for c in table.columns],
                [
                    population_share,
                    found_share,
                    _difference(found_share, population_share),
                    confirmed_rate,
                    _difference(confirmed_rate, overall_confirmed),
                ],
            )
        )
    return EqualityView(
        table.dimension,
        table.title,
        [COLUMN_LABELS[c] for c in table.columns],
        [
            "Share of population (%)",
            "Share of candidates (%)",
            "Difference (points)",
            "Decided candidates confirmed (%)",
            "Difference from all (points)",
        ],
        rows,
        [totals[c] for c in table.columns],
        ["100.0", "100.0", "", overall_confirmed, ""],
    )


def chart_rows(charts: list[ChartView]) -> list[list[object]]:
    """The dashboard as one long table for a download (header first)."""
    rows: list[list[object]] = [["Figure", "Category", "Count"]]
    for chart in charts:
        rows += [[chart.title, row.label, row.shown] for row in chart.rows]
        rows.append([chart.title, "Total", chart.total])
    return rows


def equality_rows(views: list[EqualityView], *, section: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for view in views:
        rows.append([section, view.title, "Group", *view.headings, *view.derived_headings])
        for row in view.rows:
            rows.append([section, view.title, row.group, *row.cells, *row.derived])
        rows.append([section, view.title, "All children", *view.totals, *view.overall])
    return rows


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula is written as text, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)  # "+1.5" and "-2.0" are numbers, not formulas
        except ValueError:
            return "'" + value
    return value


def to_csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[neutralise(value) for value in row] for row in rows])
    return buffer.getvalue()


def to_xlsx(rows: list[list[object]], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
