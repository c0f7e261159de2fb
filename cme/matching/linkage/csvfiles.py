"""Reading an analyst's CSV file of records for linkage, and writing the pairs found.

Why not pandas.read_csv: a bad file must be refused with the line an analyst can find in their editor, and pandas
skips blank lines and folds quoted line breaks, so its row numbers drift from the file's. The csv module says which
line each record ended on.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from .frames import InputProblem, LinkageInputError

PAIR_COLUMNS = ("left_id", "right_id", "match_probability", "match_weight")
_HEADER_SEPARATORS = re.compile(r"[\s\-]+")
# File signatures of things people send instead of CSV: spreadsheets (zip or OLE), PDFs, gzip.
_NOT_CSV_SIGNATURES = {
    b"PK\x03\x04": "a zipped file (an .xlsx or .ods spreadsheet?); save it as CSV",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file; save it as CSV",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip file; unzip it first",
}


def records_csv_read(path: Path) -> pd.DataFrame:
    """The records of a CSV file as text columns, the file line of each in `attrs["lines"]`; LinkageInputError if the
    file is not CSV.

    Headers are matched without regard to case, spaces or hyphens ("Given Name" is `given_name`). UTF-8 (with or
    without a byte-order mark) is read, and Windows-1252, which spreadsheets on Windows write, when it is not UTF-8.
    """
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LinkageInputError([InputProblem(f"cannot be read: {error.strerror or error}", source=source)]) from None
    _check_looks_like_text(raw, source)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    try:
        return _parse(content, source)
    except csv.Error as error:
        raise LinkageInputError([InputProblem(f"is not a CSV file we can read: {error}", source=source)]) from None


def _check_looks_like_text(raw: bytes, source: str) -> None:
    if not raw.strip():
        raise LinkageInputError([InputProblem("is empty", source=source)])
    for signature, what in _NOT_CSV_SIGNATURES.items():
        if raw.startswith(signature):
            raise LinkageInputError([InputProblem(f"is not a CSV file: it is {what}", source=source)])
    if b"\x00" in raw[:4096]:
        raise LinkageInputError([InputProblem("is not a CSV file: it holds binary data", source=source)])


def _parse(content: str, source: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise LinkageInputError([InputProblem("is empty", source=source)])
    columns = [_HEADER_SEPARATORS.sub("_", cell.strip().casefold()) for cell in header]
    duplicated = sorted({column for column in columns if columns.count(column) > 1 and column})
    if duplicated:
        raise LinkageInputError(
            InputProblem("the header names this column more than once", column=column, source=source)
            for column in duplicated
        )
    problems: list[InputProblem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a record
        if len(row) != len(columns):
            problems.append(
                InputProblem(
                    f"has {len(row)} fields but the header has {len(columns)} (a stray comma or quote?)",
                    row=reader.line_num,
                    source=source,
                )
            )
            continue
        rows.append(row)
        lines.append(reader.line_num)
    if problems:
        raise LinkageInputError(problems)
    if len(columns) == 1 and not rows:
        raise LinkageInputError([InputProblem("is not a CSV file of records: it has no commas", source=source)])
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame.attrs["lines"] = lines
    frame.attrs["source"] = source
    return frame


def pairs_csv_write(pairs: pd.DataFrame, path: Path) -> None:
    """The pairs with exactly the columns `left_id,right_id,match_probability,match_weight`."""
    pairs.loc[:, list(PAIR_COLUMNS)].to_csv(path, index=False, float_format="%.10g")
