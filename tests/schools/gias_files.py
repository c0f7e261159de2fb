"""Helpers that write GIAS register extracts for the import tests, from the demo generator's schools."""

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from cme.demo.gias import GIAS_COLUMNS
from cme.schools.models import School


def line_of(index: int) -> int:
    """The line a person sees row `index` (0-based, one physical line per row) on: the header is line 1."""
    return index + 2


def gias_bytes(
    rows: Iterable[dict[str, str] | list[str]], *, columns: Iterable[str] = GIAS_COLUMNS, encoding: str = "cp1252"
) -> bytes:
    """A CSV extract: a dict row is laid out under `columns`; a list row is written as it is, to break the layout."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row.get(column, "") for column in columns])
    return buffer.getvalue().encode(encoding)


def write_rows(path: Path, rows: Iterable[dict[str, str] | list[str]], **options) -> Path:
    path.write_bytes(gias_bytes(rows, **options))
    return path


def schools_snapshot() -> list[dict]:
    """Every stored value of every school, timestamps included, to show an import left the table as it was."""
    return list(School.objects.order_by("urn").values())
