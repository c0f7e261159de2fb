"""Checking input frames and turning them into the columns the linkage model compares.

An input frame has one row per record with the columns in `REQUIRED_COLUMNS` and any of `OPTIONAL_COLUMNS`; values
may be blank. `frame_prepare` checks it (every problem reported at once, each naming its row and column), then
standardises every value (cme.matching.linkage.standardise) into the model's columns, listed in `MODEL_COLUMNS`.
"""

from __future__ import annotations

import zlib
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
    "given_name_family_mask",
    "given_name_phonetic",
    "given_name_first",
    "middle_names",
    "family_name",
    "family_name_joined",
    "family_name_parts",
    "family_name_parts_mask",
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
    "address_tokens_mask",
    "address_tokens_common",
    "address_numbers",
    "address_number",
    "address_street",
    "uprn",
    "upn",
    "nhs_number",
)
LIST_COLUMNS = frozenset({"given_name_family", "family_name_parts", "address_tokens", "address_numbers"})
# Each list the model intersects also has a mask: one bit (of 63) per word, as decimal text. Two lists with a word in
# common always share a bit, so `bit_count(mask_l & mask_r) >= 1` is a cheap test that must pass before the lists are
# intersected: intersecting lists is the slowest comparison Splink makes, and most pairs share no word at all.
MASKED_LIST_COLUMNS = ("given_name_family", "family_name_parts", "address_tokens")
# Addresses share common words (the town, "road", "flat") far more often than names do, so address words are split:
# the 63 commonest words of the run's records each get a bit of their own in `address_tokens_common` (an exact count
# of common words shared), the rest are hashed into `address_tokens_mask`. Two addresses with k words in common share
# k common bits or at least one hashed bit (`address_masks`).
COMMON_ADDRESS_WORDS = 63
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

    Works column by column, standardising each distinct value once: sources repeat the same names, dates, postcodes
    and addresses many times over, and a borough's quarter of a million records must not wait on Python per row.
    """
    source = frame.attrs.get("source") or source
    frame_check_columns(frame, source=source)
    lines = list(lines if lines is not None else frame.attrs.get("lines") or range(2, len(frame) + 2))
    values = _Columns(frame)
    ids = values.text("id", _id_text)
    born = values.checked("date_of_birth", lambda value: std.date_of_birth_parse(value, today=today))
    uprns = values.checked("uprn", std.uprn_standardise)
    problems = _problems(ids, born, uprns, lines=lines, source=source)
    if problems:
        raise LinkageInputError(problems)
    given = values.distinct_pairs("given_name", "known_as", std.given_name_standardise)
    family = values.distinct("family_name", std.family_name_standardise)
    postcode = values.distinct("postcode", std.postcode_standardise)
    address = _distinct_pairs(values.text("address"), [p.full for p in postcode], std.address_standardise)
    dates = [value.result for value in born]
    columns = {
        "id": ids,
        "given_name": [g.clean for g in given],
        "given_name_canonical": [g.canonical for g in given],
        "given_name_family": [list(g.family) for g in given],
        "given_name_family_mask": [_mask(g.family) for g in given],
        "given_name_phonetic": [g.phonetic for g in given],
        "given_name_first": [g.first for g in given],
        "middle_names": values.distinct("middle_names", std.name_clean),
        "family_name": [f.clean for f in family],
        "family_name_joined": [f.joined for f in family],
        "family_name_parts": [list(f.parts) for f in family],
        "family_name_parts_mask": [_mask(f.parts) for f in family],
        "family_name_phonetic": [f.phonetic for f in family],
        "date_of_birth": [d.isoformat() if d else "" for d in dates],
        "date_of_birth_swapped": [std.date_of_birth_swapped(d) for d in dates],
        "year_of_birth": [str(d.year) if d else "" for d in dates],
        "sex": values.distinct("sex", std.sex_standardise),
        "postcode": [p.full for p in postcode],
        "postcode_sector": [p.sector for p in postcode],
        "postcode_district": [p.district for p in postcode],
        "address": [a.clean for a in address],
        "address_tokens": [list(a.tokens) for a in address],
        "address_tokens_mask": [_mask(a.tokens) for a in address],
        "address_tokens_common": ["" for _ in address],
        "address_numbers": [list(a.numbers) for a in address],
        "address_number": [a.number for a in address],
        "address_street": [a.street for a in address],
        "uprn": [r.result for r in uprns],
        "upn": values.distinct("upn", std.identifier_standardise),
        "nhs_number": values.distinct("nhs_number", std.identifier_standardise),
    }
    # Splink reads NULL as "not known": blanks and empty lists become None so they agree with nothing.
    return pd.DataFrame({name: [value or None for value in columns[name]] for name in MODEL_COLUMNS}, dtype=object)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A distinct value's standardised form, or why it could not be read."""

    result: object = None
    error: str = ""


class _Columns:
    """The input's columns as text, each distinct value standardised once and spread back over the rows."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.size = frame, len(frame)

    def text(self, column: str, read=std.text) -> list[str]:
        if column not in self.frame.columns:
            return [""] * self.size
        return [read(value) for value in self.frame[column].tolist()]

    def checked(self, column: str, standardise) -> list[_Outcome]:
        """Each row's outcome: its value's standardised form, or why it could not be read."""
        texts = self.text(column)
        return _spread(texts, {value: _attempt(standardise, value) for value in set(texts)})

    def distinct(self, column: str, standardise) -> list:
        """Each row's standardised value, for standardisations that cannot fail."""
        texts = self.text(column)
        return _spread(texts, {value: standardise(value) for value in set(texts)})

    def distinct_pairs(self, first: str, second: str, standardise) -> list:
        return _distinct_pairs(self.text(first), self.text(second), standardise)


def _distinct_pairs(firsts: list[str], seconds: list[str], standardise) -> list:
    pairs = list(zip(firsts, seconds, strict=True))
    return _spread(pairs, {pair: standardise(*pair) for pair in set(pairs)})


def _spread(keys: list, outcomes: dict) -> list:
    return [outcomes[key] for key in keys]


def _attempt(standardise, *values) -> _Outcome:
    try:
        return _Outcome(standardise(*values))
    except std.StandardisationError as error:
        return _Outcome(error=str(error))


def address_masks(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The frames with their address masks made from one vocabulary: the COMMON_ADDRESS_WORDS commonest words across
    all of them get exact bits, the others are hashed. Every frame of one run must share the vocabulary."""
    counts = pd.concat([frame["address_tokens"].dropna().explode() for frame in frames]).value_counts()
    common = {word: 1 << position for position, word in enumerate(counts.index[:COMMON_ADDRESS_WORDS])}

    @lru_cache(maxsize=65536)
    def masks(words: tuple[str, ...]) -> tuple[str | None, str | None]:
        exact = sum(common[word] for word in words if word in common)
        hashed = _mask(tuple(word for word in words if word not in common))
        return (str(exact) if exact else None), (hashed or None)

    updated = []
    for frame in frames:
        pairs = [masks(tuple(words)) if words is not None else (None, None) for words in frame["address_tokens"]]
        updated.append(
            frame.assign(
                address_tokens_common=pd.Series([pair[0] for pair in pairs], index=frame.index, dtype=object),
                address_tokens_mask=pd.Series([pair[1] for pair in pairs], index=frame.index, dtype=object),
            )
        )
    return updated


@lru_cache(maxsize=65536)
def _mask(words: tuple[str, ...]) -> str:
    """One bit of 63 for each word (a stable hash: Python's own differs from one process to the next), as text."""
    mask = 0
    for word in words:
        mask |= 1 << (zlib.crc32(word.encode()) % 63)
    return str(mask) if mask else ""


def _id_text(value: object) -> str:
    """An id as text; a whole number that a spreadsheet or pandas turned into a float ("12.0") loses its ".0"."""
    if isinstance(value, float) and value == value and value == int(value):
        return str(int(value))
    return std.text(value)


def _problems(ids: list[str], born: list[_Outcome], uprns: list[_Outcome], *, lines: list[int], source: str):
    """Every reason the rows cannot be linked, in file order: blank or repeated ids, unreadable dates and UPRNs."""
    found: list[tuple[int, int, InputProblem]] = []

    def add(position: int, order: int, message: str, column: str) -> None:
        found.append((position, order, InputProblem(message, row=lines[position], column=column, source=source)))

    first_line: dict[str, int] = {}
    for position, record_id in enumerate(ids):
        if not record_id:
            add(position, 0, "every record needs an id", "id")
        elif record_id in first_line:
            first = first_line[record_id]
            add(position, 3, f"id {record_id!r} is used again (first on line {first}); each record needs its own", "id")
        else:
            first_line[record_id] = lines[position]
        if born[position].error:
            add(position, 1, born[position].error, "date_of_birth")
        if uprns[position].error:
            add(position, 2, uprns[position].error, "uprn")
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]
