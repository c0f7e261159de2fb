"""Checking input frames and turning them into the columns the linkage model compares.

An input frame has one row per record with the columns in `REQUIRED_COLUMNS` and any of `OPTIONAL_COLUMNS`; values
may be blank. `frame_prepare` checks it (every problem reported at once, each naming its row and column), then
standardises every value (cme.matching.linkage.standardise) into the model's columns, listed in `MODEL_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from . import standardise as std

REQUIRED_COLUMNS = ("id", "given_name", "family_name", "date_of_birth", "sex", "address", "postcode")
OPTIONAL_COLUMNS = ("middle_names", "known_as", "uprn", "upn", "nhs_number")

# The columns the model reads, made from the input by `frame_prepare`. Lists are Python lists of strings.
MODEL_COLUMNS = (
    "id",
    "given_name",
    "given_name_canonical",
    "given_name_family",
    "given_name_phonetic",
    "given_name_first",
    "middle_names",
    "family_name",
    "family_name_joined",
    "family_name_parts",
    "family_name_phonetic",
    "date_of_birth",
    "date_of_birth_swapped",
    "year_of_birth",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "address_tokens",
    "address_numbers",
    "address_number",
    "address_street",
    "uprn",
    "upn",
    "nhs_number",
)
LIST_COLUMNS = frozenset({"given_name_family", "family_name_parts", "address_tokens", "address_numbers"})
MAX_PROBLEMS_LISTED = 50


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One thing wrong with an input: where (`row` as the file's line number when known, `column`) and why."""

    message: str
    row: int | None = None
    column: str | None = None
    source: str = ""

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class LinkageInputError(ValueError):
    """The input cannot be linked as it is; `problems` lists every reason found, each with its row and column."""

    def __init__(self, problems: Iterable[InputProblem]):
        self.problems = list(problems)
        shown = [str(problem) for problem in self.problems[:MAX_PROBLEMS_LISTED]]
        more = len(self.problems) - len(shown)
        if more:
            shown.append(f"… and {more:,} more problems")
        super().__init__("\n".join(shown))


def frame_check_columns(frame: pd.DataFrame, *, source: str = "") -> None:
    """Refuse a frame without rows or without a required column, naming the missing columns."""
    if frame.empty and not len(frame.columns):
        raise LinkageInputError([InputProblem("has no header row and no records", source=source)])
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise LinkageInputError(
            InputProblem(
                f"required column {column!r} is missing (the columns are: {', '.join(map(str, frame.columns))})",
                column=column,
                source=source,
            )
            for column in missing
        )
    if frame.empty:
        raise LinkageInputError([InputProblem("has a header row but no records", source=source)])


def frame_prepare(
    frame: pd.DataFrame,
    *,
    source: str = "",
    lines: Sequence[int] | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """The model's columns for every record of `frame`, or LinkageInputError listing every bad row.

    `lines` are the file lines of the frame's rows, so that problems name the line an analyst sees in their editor;
    without them, `frame.attrs["lines"]` (set by csvfiles.records_csv_read), else the first row is line 2, as in a
    CSV file with a header and no blank lines. `frame.attrs["source"]`, when set, names the file in problems.
    """
    source = frame.attrs.get("source") or source
    frame_check_columns(frame, source=source)
    lines = lines if lines is not None else frame.attrs.get("lines")
    problems: list[InputProblem] = []
    records = []
    seen_ids: dict[str, int] = {}
    rows = frame.to_dict(orient="records")
    for position, row in enumerate(rows):
        line = lines[position] if lines is not None else position + 2
        record, row_problems = _record_prepare(row, line=line, source=source, today=today)
        problems.extend(row_problems)
        record_id = record["id"]
        if record_id and record_id in seen_ids:
            problems.append(
                InputProblem(
                    f"id {record_id!r} is used again (first on line {seen_ids[record_id]}); each record needs its own",
                    row=line,
                    column="id",
                    source=source,
                )
            )
        elif record_id:
            seen_ids[record_id] = line
        records.append(record)
    if problems:
        raise LinkageInputError(problems)
    prepared = pd.DataFrame.from_records(records, columns=list(MODEL_COLUMNS))
    return prepared.astype(object).where(prepared.notna(), None)


# Sources repeat the same names, postcodes and addresses many times over: standardise each distinct value once.
_given_name = lru_cache(maxsize=2**17)(std.given_name_standardise)
_family_name = lru_cache(maxsize=2**17)(std.family_name_standardise)
_postcode = lru_cache(maxsize=2**17)(std.postcode_standardise)
_address = lru_cache(maxsize=2**17)(std.address_standardise)
_date_of_birth = lru_cache(maxsize=2**17)(std.date_of_birth_parse)
_uprn = lru_cache(maxsize=2**17)(std.uprn_standardise)
_identifier = lru_cache(maxsize=2**17)(std.identifier_standardise)
_sex = lru_cache(maxsize=2**8)(std.sex_standardise)
_middle_names = lru_cache(maxsize=2**17)(std.name_clean)
_swapped = lru_cache(maxsize=2**17)(std.date_of_birth_swapped)


def _record_prepare(row: dict, *, line: int, source: str, today: date | None) -> tuple[dict, list[InputProblem]]:
    problems: list[InputProblem] = []

    def problem(message: str, column: str) -> None:
        problems.append(InputProblem(message, row=line, column=column, source=source))

    record_id = std.text(row.get("id"))
    if isinstance(row.get("id"), float) and row["id"] == int(row["id"]):
        record_id = str(int(row["id"]))
    if not record_id:
        problem("every record needs an id", "id")
    try:
        born = _date_of_birth(std.text(row.get("date_of_birth")), today=today)
    except std.StandardisationError as error:
        problem(str(error), "date_of_birth")
        born = None
    try:
        uprn = _uprn(std.text(row.get("uprn")))
    except std.StandardisationError as error:
        problem(str(error), "uprn")
        uprn = ""
    given = _given_name(std.text(row.get("given_name")), std.text(row.get("known_as")))
    family = _family_name(std.text(row.get("family_name")))
    postcode = _postcode(std.text(row.get("postcode")))
    address = _address(std.text(row.get("address")), postcode.full)
    record = {
        "id": record_id,
        "given_name": given.clean,
        "given_name_canonical": given.canonical,
        "given_name_family": list(given.family),
        "given_name_phonetic": given.phonetic,
        "given_name_first": given.first,
        "middle_names": _middle_names(std.text(row.get("middle_names"))),
        "family_name": family.clean,
        "family_name_joined": family.joined,
        "family_name_parts": list(family.parts),
        "family_name_phonetic": family.phonetic,
        "date_of_birth": born.isoformat() if born else "",
        "date_of_birth_swapped": _swapped(born),
        "year_of_birth": str(born.year) if born else "",
        "sex": _sex(std.text(row.get("sex"))),
        "postcode": postcode.full,
        "postcode_sector": postcode.sector,
        "postcode_district": postcode.district,
        "address": address.clean,
        "address_tokens": list(address.tokens),
        "address_numbers": list(address.numbers),
        "address_number": address.number,
        "address_street": address.street,
        "uprn": uprn,
        "upn": _identifier(std.text(row.get("upn"))),
        "nhs_number": _identifier(std.text(row.get("nhs_number"))),
    }
    # Splink reads NULL as "not known": blanks and empty lists become None so they agree with nothing.
    return {key: (value or None) for key, value in record.items()}, problems
