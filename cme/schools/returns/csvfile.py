"""Reading returns from the council's CSV template (docs/returns.md, docs/templates/returns.csv).

One row is one return. Cells are parsed to typed values here (dates, yes/no, numbers, codes); the rules that need
several cells at once are `checks.return_check`'s. A problem is reported as "line N, column: reason", counting the
header as line 1. Nothing here touches the database.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..enums import DeletionGround, ReturnKind
from .files import ParsedFile, ParsedReturn, ReturnError, ReturnFileRejected

# Template column -> RollReturn field. Parents are handled apart: up to two, each name, address and phone.
COLUMNS = {
    "return_type": "kind",
    "upn": "upn",
    "forename": "given_name",
    "surname": "family_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "address_line1": "address_line1",
    "address_line2": "address_line2",
    "town": "address_town",
    "postcode": "address_postcode",
    "event_date": "event_date",
    "deletion_ground": "deletion_ground",
    "future_address": "future_address",
    "future_address_from": "future_address_from",
    "destination_school": "destination_school",
    "destination_start_date": "destination_start_on",
    "info_not_obtained": "info_not_obtained",
    "info_not_obtained_details": "info_not_obtained_details",
    "safeguarding_concern": "safeguarding_concern",
    "safeguarding_details": "safeguarding_details",
    "school_days_absent": "school_days_absent",
    "last_attended": "last_attended_on",
    "hours_per_week": "hours_per_week",
    "timetable_reason": "timetable_reason",
    "parent_agreed": "parent_agreed",
    "planned_end_date": "planned_end_on",
    "next_review_date": "next_review_on",
    "further_information": "further_information",
}
PARENT_COLUMNS = [f"parent{n}_{part}" for n in (1, 2) for part in ("name", "address", "phone")]
# The order the template file and docs/returns.md show.
TEMPLATE_COLUMNS = [
    "return_type",
    "school_urn",
    "upn",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    *PARENT_COLUMNS,
    "event_date",
    "deletion_ground",
    "future_address",
    "future_address_from",
    "destination_school",
    "destination_start_date",
    "info_not_obtained",
    "info_not_obtained_details",
    "safeguarding_concern",
    "safeguarding_details",
    "school_days_absent",
    "last_attended",
    "hours_per_week",
    "timetable_reason",
    "parent_agreed",
    "planned_end_date",
    "next_review_date",
    "further_information",
]
REQUIRED_COLUMNS = ("return_type", "school_urn", "forename", "surname", "date_of_birth", "event_date")
CSV_KINDS = [kind for kind in ReturnKind if kind not in (ReturnKind.CTF_PUPIL, ReturnKind.LOST_PUPIL)]

_DATES = ("%Y-%m-%d", "%d/%m/%Y")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_DATE_FIELDS = {
    "date_of_birth",
    "event_date",
    "future_address_from",
    "destination_start_on",
    "last_attended_on",
    "planned_end_on",
    "next_review_on",
}
_FLAG_FIELDS = {"info_not_obtained", "safeguarding_concern"}

ERROR_EMPTY = "The file is empty: it should start with the template's header line."
ERROR_NOT_TEXT = "The file is not CSV text (is it a spreadsheet? save it as CSV UTF-8)."
ERROR_MISSING = "The header has no {columns} column: start from the template, docs/templates/returns.csv."
ERROR_NO_ROWS = "The file has a header but no returns."
ERROR_BAD_CSV = "Line {line} cannot be read as CSV: {problem}."


class _BadCell(Exception):
    pass


def csv_returns_read(content: bytes) -> ParsedFile:
    """Parse a CSV file in the returns template. Raises ReturnFileRejected when the file as a whole cannot be read."""
    text = _decoded(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ReturnFileRejected(ERROR_EMPTY) from None
    except csv.Error as error:
        raise ReturnFileRejected(ERROR_BAD_CSV.format(line=1, problem=error)) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ReturnFileRejected(ERROR_MISSING.format(columns=", ".join(missing)))
    parsed = ParsedFile()
    unknown = [name for name in header if name and name not in TEMPLATE_COLUMNS]
    if unknown:
        parsed.errors.append(ReturnError("line 1", f"unknown columns {', '.join(unknown)}: see the template"))
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            _row_read(dict(zip(header, cells, strict=False)), line, parsed)
    except csv.Error as error:
        raise ReturnFileRejected(ERROR_BAD_CSV.format(line=reader.line_num, problem=error)) from None
    if not parsed.returns and not parsed.errors:
        raise ReturnFileRejected(ERROR_NO_ROWS)
    return parsed


def _decoded(content: bytes) -> str:
    if not content.strip():
        raise ReturnFileRejected(ERROR_EMPTY)
    if b"\x00" in content[:4096]:
        raise ReturnFileRejected(ERROR_NOT_TEXT)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" writes Windows-1252.
        return content.decode("cp1252", errors="replace")


def _row_read(row: dict[str, str], line: int, parsed: ParsedFile) -> None:
    where = f"line {line}"
    values, problems = {}, []
    for column, field_name in COLUMNS.items():
        raw = (row.get(column) or "").strip()
        try:
            values[field_name] = _cell(field_name, raw)
        except _BadCell as error:
            problems.append(ReturnError(f"{where}, {column}", str(error)))
    values["parents"] = [
        {part: (row.get(f"parent{n}_{part}") or "").strip() for part in ("name", "address", "phone")} for n in (1, 2)
    ]
    urn_text = (row.get("school_urn") or "").strip()
    urn = int(urn_text) if urn_text.isdigit() else None
    if urn is None:
        problems.append(ReturnError(f"{where}, school_urn", f"enter the school's 6-digit URN, not {urn_text!r}"))
    if problems:
        parsed.errors.extend(problems)
        return
    columns = {field_name: column for column, field_name in COLUMNS.items()} | {"parents": "parent1_name"}
    parsed.returns.append(ParsedReturn(where=where, values=values, school_urn=urn, columns=columns))


def _cell(field_name: str, raw: str):
    """The typed value of one cell, or _BadCell saying why it cannot be read."""
    if field_name == "kind":
        if raw.lower() not in CSV_KINDS:
            raise _BadCell(f"unknown return type {raw!r}: use one of {', '.join(CSV_KINDS)}")
        return ReturnKind(raw.lower())
    if field_name == "deletion_ground":
        if raw and raw.upper() not in DeletionGround.values:
            raise _BadCell(f"unknown deletion ground {raw!r}: use a letter from A to O")
        return raw.upper()
    if field_name in _DATE_FIELDS:
        return _date(raw)
    if field_name in _FLAG_FIELDS:
        return bool(_flag(raw))
    if field_name == "parent_agreed":
        return _flag(raw)
    if field_name == "school_days_absent":
        if raw and not raw.isdigit():
            raise _BadCell(f"enter a whole number of school days, not {raw!r}")
        return int(raw) if raw else None
    if field_name == "hours_per_week":
        return _hours(raw)
    return raw


def _date(raw: str) -> date | None:
    if not raw:
        return None
    for pattern in _DATES:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise _BadCell(f"enter a date as YYYY-MM-DD (or DD/MM/YYYY), not {raw!r}")


def _flag(raw: str) -> bool | None:
    if not raw:
        return None
    if raw.lower() in _YES:
        return True
    if raw.lower() in _NO:
        return False
    raise _BadCell(f"enter yes or no, not {raw!r}")


def _hours(raw: str) -> Decimal | None:
    if not raw:
        return None
    try:
        return Decimal(raw).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise _BadCell(f"enter the hours per week as a number, like 12.5, not {raw!r}") from None


def template_csv() -> str:
    """The empty template (the header line), as served to schools and kept in docs/templates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    return out.getvalue()
