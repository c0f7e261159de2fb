"""Reading the national school register extract (GIAS `edubasealldataYYYYMMDD.csv`) into checked School values.

The download is Windows-1252 and is decoded strictly as that. A council that opened the file in Excel and saved it
again may hand us UTF-8 instead, with or without a byte-order mark, and decoding that as Windows-1252 would quietly
turn each curly apostrophe in "St Mary's" into three characters of mojibake. So the first line holding a byte outside
ASCII decides: if it is valid UTF-8 the file is read as UTF-8 and the report says so (Windows-1252 text with accents
or curly quotes is, in practice, never valid UTF-8); otherwise it is Windows-1252. Plain ASCII reads the same in both.

A fault in the file as a whole (empty, not CSV, a required column missing) raises RegisterFileRejected. A fault in
one row rejects that row only: its problems are reported against the line it starts on, counting the header as line 1
and every physical line after it, as a text editor would. Nothing here touches the database.
"""

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, BinaryIO

from cme.common.errors import ApplicationError

from .models import School

CP1252 = "Windows-1252"
UTF8 = "UTF-8"
_CODECS = {CP1252: "cp1252", UTF8: "utf-8"}

ERROR_EMPTY = "The file is empty: it has no header line and no schools."
ERROR_BLANK_HEADER = "Line 1 is blank: it should be the header naming the GIAS columns."
ERROR_NO_ROWS = "The file has a header but no schools."
ERROR_NUL_HEADER = "Line 1 contains NUL bytes, so the file is not CSV text (is it UTF-16, or a spreadsheet?)."
ERROR_UNREADABLE_HEADER = "Line 1 cannot be read as text: {reason}."
ERROR_NOT_COMMA_SEPARATED = (
    "Line 1 has only one column, so the file is not comma-separated: save it from Excel as "
    '"CSV (Comma delimited)", or download the extract again.'
)
ERROR_NOT_GIAS = (
    "Line 1 is not the header of the GIAS extract: none of the columns {columns} is there. "
    "Is this the edubasealldata CSV file from Get Information about Schools?"
)
ERROR_MISSING_COLUMNS = "The file has no {columns} column, which the import needs."
ERROR_NOT_CSV = "The file is {kind}, not the CSV extract: download edubasealldata.csv again, or save the sheet as CSV."
ERROR_BAD_CSV = "Line {line} cannot be read as CSV: {problem}."
NOTE_UTF8 = (
    "The file is UTF-8, not the Windows-1252 of the GIAS download (perhaps it was saved again from Excel); "
    "it was read as UTF-8."
)

# Leading bytes of files people upload by mistake, and what to call them in the message.
_NOT_CSV_SIGNATURES = {
    codecs.BOM_UTF16_LE: 'UTF-16 text (Excel\'s "Unicode Text")',
    codecs.BOM_UTF16_BE: "UTF-16 text",
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)",
    b"%PDF": "a PDF document",
}

# Longest raw value quoted back in a message: enough to recognise it, short enough to read.
_SHOWN_LENGTH = 40
# Values GIAS leaves in the head's title when there is none to give.
_NO_TITLE = {"not applicable", "not recorded"}


class RegisterFileRejected(ApplicationError):
    """The file as a whole cannot be imported; `message` names the problem in words a council officer can act on."""


class _BadCell(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem with one row. `line` is where the row starts; `end_line` differs when a quoted value ran on."""

    line: int
    message: str
    end_line: int | None = None

    def __str__(self) -> str:
        if self.end_line and self.end_line != self.line:
            return f"lines {self.line}-{self.end_line}: {self.message}"
        return f"line {self.line}: {self.message}"


@dataclass
class RegisterRow:
    """One data row: `values` keyed by School field, or `problems` (messages) when the row must be rejected."""

    line: int
    end_line: int
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    def errors(self) -> list[RowError]:
        return [RowError(self.line, problem, self.end_line) for problem in self.problems]


@dataclass
class ImportReport:
    """What an import did. Every data row lands in exactly one of the five counts, so they add up to `rows`.

    `closed` counts schools already in cme whose status became Closed in this import; they are not also counted
    as updated. A school new to cme that arrives already closed counts as created.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    encoding: str = CP1252
    notes: list[str] = field(default_factory=list)
    # Rows imported with a value a spreadsheet damaged left as it was (the row is reported, the stored value kept).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.closed + self.rejected


# Cell parsers: each takes the column and the stripped cell, returns the School value or raises _BadCell.


def _shown(raw: str) -> str:
    return raw if len(raw) <= _SHOWN_LENGTH else raw[: _SHOWN_LENGTH - 1] + "…"


@cache
def _max_length(field_name: str) -> int | None:
    return School._meta.get_field(field_name).max_length


def _text(column: "Column", raw: str) -> str:
    limit = _max_length(column.field)
    if limit is not None and len(raw) > limit:
        raise _BadCell(f"{column.header} is longer than {limit} characters")
    return raw


def _required_text(column: "Column", raw: str) -> str:
    if not raw:
        raise _BadCell(f"{column.header} is blank")
    return _text(column, raw)


def _digits(column: "Column", raw: str, pattern: str, what: str) -> str:
    # [0-9] rather than \d: \d also matches digits of other scripts, which int() would accept.
    if not re.fullmatch(pattern, raw):
        raise _BadCell(f'{column.header} "{_shown(raw)}" is not {what}')
    return raw


def _urn(column: "Column", raw: str) -> int:
    if not raw:
        raise _BadCell(f"{column.header} is blank")
    # URNs run from 100000: a leading zero means the value is not a URN.
    return int(_digits(column, raw, r"[1-9][0-9]{5}", "a 6-digit number"))


def _ukprn(column: "Column", raw: str) -> str:
    return _digits(column, raw, r"[0-9]{8}", "an 8-digit number") if raw else ""


def _la_code(column: "Column", raw: str) -> str:
    if not raw:
        raise _BadCell(f"{column.header} is blank")
    # A spreadsheet drops leading zeros too: "0" is GIAS's "000" (establishments outside any authority).
    return _digits(column, raw, r"[0-9]{1,3}", "a 3-digit number").zfill(3)


def _establishment_number(column: "Column", raw: str) -> str:
    if not raw:
        return ""
    # A spreadsheet drops leading zeros; LAESTAB needs all four digits to join UPNs and CTF headers.
    return _digits(column, raw, r"[0-9]{1,4}", "a number of up to 4 digits").zfill(4)


def _date(column: "Column", raw: str) -> date | None:
    if not raw:
        return None
    # GIAS writes dd-mm-yyyy; Excel in a UK locale saves the same dates as dd/mm/yyyy; other tools write ISO
    # yyyy-mm-dd (with a time, as Excel's ISO format adds), as cme's other importers accept.
    match = re.fullmatch(r"([0-9]{1,2})[-/]([0-9]{1,2})[-/]([0-9]{4})", raw)
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]00:00(?::00)?)?", raw)
    try:
        if match is not None:
            day, month, year = (int(part) for part in match.groups())
        elif iso is not None:
            year, month, day = (int(part) for part in iso.groups())
        else:
            raise ValueError(raw)
        return date(year, month, day)
    except ValueError:
        raise _BadCell(f'{column.header} "{_shown(raw)}" is not a date (dd-mm-yyyy or yyyy-mm-dd)') from None


def telephone_lost_leading_zero(raw: str) -> bool:
    """Whether a telephone number looks like one a spreadsheet took for a number and dropped its leading 0 from:
    digits only (spaces allowed), 9 or 10 of them, the first not 0. UK numbers dialled in full start with 0."""
    digits = raw.replace(" ", "")
    return digits.isdigit() and len(digits) in (9, 10) and not digits.startswith("0")


def _age(column: "Column", raw: str) -> int | None:
    return int(_digits(column, raw, r"[0-9]{1,2}", "an age in whole years")) if raw else None


def _count(column: "Column", raw: str) -> int | None:
    # Nine digits stay inside a PositiveIntegerField on every database.
    return int(_digits(column, raw, r"[0-9]{1,9}", "a whole number")) if raw else None


@dataclass(frozen=True)
class Column:
    """A GIAS column cme keeps: its header as spelt in the download, the School field, and how to read a cell."""

    header: str
    field: str
    parse: Callable[["Column", str], Any] = _text


COLUMNS: tuple[Column, ...] = (
    Column("URN", "urn", _urn),
    Column("UKPRN", "ukprn", _ukprn),
    Column("LA (code)", "la_code", _la_code),
    Column("LA (name)", "la_name", _required_text),
    Column("EstablishmentNumber", "establishment_number", _establishment_number),
    Column("EstablishmentName", "name", _required_text),
    Column("TypeOfEstablishment (code)", "type_code"),
    Column("TypeOfEstablishment (name)", "type_name"),
    Column("EstablishmentTypeGroup (name)", "type_group"),
    Column("EstablishmentStatus (name)", "status", _required_text),
    Column("OpenDate", "open_date", _date),
    Column("CloseDate", "close_date", _date),
    Column("PhaseOfEducation (code)", "phase_code"),
    Column("PhaseOfEducation (name)", "phase_name"),
    Column("StatutoryLowAge", "statutory_low_age", _age),
    Column("StatutoryHighAge", "statutory_high_age", _age),
    Column("Gender (name)", "gender"),
    Column("OfficialSixthForm (name)", "sixth_form"),
    Column("Street", "street"),
    Column("Locality", "locality"),
    Column("Address3", "address3"),
    Column("Town", "town"),
    Column("Postcode", "postcode"),
    Column("TelephoneNum", "telephone"),
    Column("SchoolWebsite", "website"),
    Column("NumberOfPupils", "number_of_pupils", _count),
    Column("SchoolCapacity", "capacity", _count),
)
# Without these a school cannot be identified, named or placed in its authority, or its closure seen.
REQUIRED_COLUMNS: tuple[str, ...] = ("URN", "LA (code)", "LA (name)", "EstablishmentName", "EstablishmentStatus (name)")
# School.head_name is these three joined; GIAS keeps them apart.
HEAD_COLUMNS: tuple[str, ...] = ("HeadTitle (name)", "HeadFirstName", "HeadLastName")


def status_is_closed(status: str) -> bool:
    """GIAS statuses are Open, Closed, "Open, but proposed to close" and "Proposed to open"; only one is closed."""
    return status.strip().casefold() == "closed"


def _head_name(title: str, first: str, last: str) -> str:
    if not (first or last):
        return ""
    if title.casefold() in _NO_TITLE:
        title = ""
    return " ".join(part for part in (title, first, last) if part)


class _Lines:
    """The file's physical lines as text, decoded as Windows-1252 unless the file shows itself to be UTF-8."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.number = 0
        self.bytes_read = 0
        self.encoding: str | None = None  # decided at the first line holding a byte outside ASCII
        # Line number -> why it could not be read; the row containing it is rejected.
        self.unreadable: dict[int, str] = {}

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        # readline splits on b"\n" only, which never occurs inside a Windows-1252 or UTF-8 character.
        raw = self._stream.readline()
        if not raw:
            raise StopIteration
        self.number += 1
        self.bytes_read += len(raw)
        if self.number == 1:
            raw = self._first_line(raw)
        if self.encoding is None and not raw.isascii():
            self.encoding = UTF8 if _is_utf8(raw) else CP1252
        if b"\x00" in raw:
            # PostgreSQL cannot store NUL in text, and no register value contains one.
            self.unreadable[self.number] = "it contains a NUL byte"
        try:
            return raw.decode(_CODECS.get(self.encoding, "ascii"))
        except UnicodeDecodeError as error:
            self.unreadable[self.number] = f"byte 0x{raw[error.start]:02X} is not {self.encoding} text"
            return raw.decode(_CODECS[self.encoding], errors="replace")

    def _first_line(self, raw: bytes) -> bytes:
        for signature, kind in _NOT_CSV_SIGNATURES.items():
            if raw.startswith(signature):
                raise RegisterFileRejected(ERROR_NOT_CSV.format(kind=kind))
        if b"\x00" in raw:
            raise RegisterFileRejected(ERROR_NUL_HEADER)
        if raw.startswith(codecs.BOM_UTF8):
            self.encoding = UTF8
            return raw[len(codecs.BOM_UTF8) :]
        return raw


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RegisterExtract:
    """A GIAS extract opened for reading: the header is checked on construction; iterate for RegisterRows.

    Raises RegisterFileRejected from the constructor for a bad header, and while iterating if the file stops being
    readable CSV. `fields` lists the School fields the file carries (URN aside): a column left out of a trimmed
    file leaves that field as it is.
    """

    def __init__(self, stream: BinaryIO):
        self._lines = _Lines(stream)
        self._reader = csv.reader(self._lines)
        header = self._read_header()
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            positions.setdefault(name.strip().casefold(), index)
        _check_required(header, positions)
        self._width = len(header)
        self._columns = [
            (column, positions[column.header.casefold()]) for column in COLUMNS if column.header.casefold() in positions
        ]
        self._head = [positions.get(name.casefold()) for name in HEAD_COLUMNS]
        self.fields: list[str] = [column.field for column, _ in self._columns if column.field != "urn"]
        if any(index is not None for index in self._head):
            self.fields.append("head_name")

    @property
    def encoding(self) -> str:
        return self._lines.encoding or CP1252

    @property
    def notes(self) -> list[str]:
        return [NOTE_UTF8] if self.encoding == UTF8 else []

    @property
    def bytes_read(self) -> int:
        return self._lines.bytes_read

    def _read_header(self) -> list[str]:
        header = self._next_record()
        if header is None:
            raise RegisterFileRejected(ERROR_EMPTY)
        if 1 in self._lines.unreadable:
            raise RegisterFileRejected(ERROR_UNREADABLE_HEADER.format(reason=self._lines.unreadable[1]))
        if not any(cell.strip() for cell in header):
            raise RegisterFileRejected(ERROR_BLANK_HEADER)
        return header

    def _next_record(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as error:
            raise RegisterFileRejected(ERROR_BAD_CSV.format(line=self._lines.number, problem=error)) from error

    def __iter__(self) -> Iterator[RegisterRow]:
        seen: dict[int, int] = {}  # URN -> the line it was first on
        rows = 0
        while True:
            start = self._lines.number + 1
            record = self._next_record()
            if record is None:
                break
            if not record:
                continue  # a blank line, such as one left at the end of the file
            rows += 1
            row = self._row(record, start)
            urn = row.values.get("urn")
            if urn is not None:
                if urn in seen:
                    row.problems.append(f"URN {urn} is already on line {seen[urn]}")
                else:
                    seen[urn] = start
            yield row
        if rows == 0:
            raise RegisterFileRejected(ERROR_NO_ROWS)

    def _row(self, record: list[str], start: int) -> RegisterRow:
        end = self._lines.number
        row = RegisterRow(line=start, end_line=end, values={})
        unreadable = [self._lines.unreadable[n] for n in range(start, end + 1) if n in self._lines.unreadable]
        if unreadable:
            row.problems.extend(unreadable)
            return row
        if len(record) != self._width:
            row.problems.append(f"it has {len(record)} fields where the header has {self._width}")
            return row
        for column, index in self._columns:
            try:
                row.values[column.field] = column.parse(column, record[index].strip())
            except _BadCell as bad:
                row.problems.append(bad.message)
        if "head_name" in self.fields:
            parts = [record[index].strip() if index is not None else "" for index in self._head]
            row.values["head_name"] = _head_name(*parts)
            if len(row.values["head_name"]) > _max_length("head_name"):
                row.problems.append(f"the head's name is longer than {_max_length('head_name')} characters")
        return row


def _check_required(header: list[str], positions: dict[str, int]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name.casefold() not in positions]
    if not missing:
        return
    if len(header) == 1:
        raise RegisterFileRejected(ERROR_NOT_COMMA_SEPARATED)
    if len(missing) == len(REQUIRED_COLUMNS):
        raise RegisterFileRejected(ERROR_NOT_GIAS.format(columns=_listed(missing)))
    raise RegisterFileRejected(ERROR_MISSING_COLUMNS.format(columns=_listed(missing)))


def _listed(names: list[str]) -> str:
    quoted = [f'"{name}"' for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
