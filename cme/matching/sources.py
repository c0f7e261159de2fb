"""Reading a source extract (CSV) into checked record values: one template per kind of source (docs/matching.md).

Every kind shares one column vocabulary (`COLUMNS`); each kind says which columns it cannot do without. Headers are
matched loosely (case, spaces, hyphens, and common aliases such as `surname` or `DOB`), so an extract saved from a
council system usually needs no editing. A fault in the file as a whole (empty, not CSV, a required column missing)
raises SourceFileRefused. A fault in one row holds that row back with its line and every reason; the rest of the file
is still read. Lines count the header as line 1, as a text editor does. Nothing here touches the database.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from cme.common.errors import ApplicationError
from cme.people.identifiers import nhs_number_clean, postcode_clean, upn_clean, uprn_clean

from .enums import SourceKind

# The columns a source file may have, in template order, with what each holds.
COLUMNS: dict[str, str] = {
    "record_id": "The supplier's own reference for this person in this extract; the same person keeps it next time",
    "household_id": "The council tax account, tenancy or claim reference the person belongs to",
    "urn": "School rolls: the school's unique reference number (URN)",
    "given_name": "First name",
    "middle_names": "Middle names",
    "known_as": "The name the person is known by, where it differs (a school's preferred forename)",
    "family_name": "Last name",
    "date_of_birth": "Date of birth: 2015-03-27, 27/03/2015, 27-03-2015, 27.03.2015, 27 Mar 2015 or 27/03/15",
    "sex": "M, F or blank (Male, Female and U are accepted)",
    "address_line1": "First line of the address",
    "address_line2": "Second line of the address",
    "town": "Town",
    "postcode": "Postcode",
    "uprn": "Unique property reference number",
    "upn": "Unique pupil number",
    "nhs_number": "NHS number",
    "from_date": "When the person moved in, registered, was added to the claim or roll (any date format above)",
    "to_date": "When that ended (moved out, deregistered, left the roll); blank if it has not",
}

_RESIDENT = ("record_id", "given_name", "family_name", "address_line1", "postcode")
REQUIRED: dict[str, tuple[str, ...]] = {
    SourceKind.SCHOOL_ROLL: ("urn", "upn", "given_name", "family_name", "date_of_birth"),
    SourceKind.COUNCIL_TAX: (*_RESIDENT, "household_id"),
    SourceKind.HOUSING: (*_RESIDENT, "household_id"),
    SourceKind.BENEFITS: (*_RESIDENT, "household_id", "date_of_birth"),
    SourceKind.GP: (*_RESIDENT, "date_of_birth"),
    SourceKind.ADMISSIONS: (*_RESIDENT, "date_of_birth"),
}

# Other names councils' systems give the same columns (after folding case, spaces and hyphens to underscores).
ALIASES: dict[str, str] = {
    "id": "record_id",
    "person_id": "record_id",
    "person_ref": "record_id",
    "reference": "record_id",
    "account_ref": "household_id",
    "account_reference": "household_id",
    "tenancy_ref": "household_id",
    "claim_ref": "household_id",
    "claim_reference": "household_id",
    "forename": "given_name",
    "first_name": "given_name",
    "firstname": "given_name",
    "legal_forename": "given_name",
    "middle_name": "middle_names",
    "preferred_name": "known_as",
    "preferred_forename": "known_as",
    "preferred_first_name": "known_as",
    "surname": "family_name",
    "last_name": "family_name",
    "lastname": "family_name",
    "legal_surname": "family_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "gender": "sex",
    "address1": "address_line1",
    "address_1": "address_line1",
    "address2": "address_line2",
    "address_2": "address_line2",
    "post_code": "postcode",
    "nhs_no": "nhs_number",
    "start_date": "from_date",
    "entry_date": "from_date",
    "registered_on": "from_date",
    "end_date": "to_date",
    "leaving_date": "to_date",
}

MAX_LENGTHS = {
    "record_id": 64,
    "household_id": 64,
    "given_name": 100,
    "middle_names": 150,
    "known_as": 100,
    "family_name": 100,
    "address_line1": 150,
    "address_line2": 150,
    "town": 100,
}

ERROR_EMPTY = "The file is empty: it has no header line."
ERROR_NO_ROWS = "The file has a header but no records."
ERROR_NOT_CSV = 'The file is {kind}, not CSV: save it as "CSV (Comma delimited)" and try again.'
ERROR_NUL = "The file contains NUL bytes, so it is not CSV text (is it UTF-16, or a spreadsheet?)."
ERROR_MISSING_COLUMNS = "The file has no {columns} column, which a {kind} extract needs (see the template)."
ERROR_DUPLICATE_COLUMN = "Line 1 names the column {column} twice."
ERROR_BAD_CSV = "Line {line} cannot be read as CSV: {problem}."
ERROR_REQUIRED = "{label} is blank"
ERROR_TOO_LONG = "{label} is longer than {limit} characters"
ERROR_DATE = "{label} {value!r} is not a date in a format we read (for example 2015-03-27 or 27/03/2015)"
ERROR_FUTURE = "{label} {value!r} is in the future"
ERROR_SEX = "sex {value!r} is not M, F or U"
ERROR_URN = "urn {value!r} is not a school's 6-digit URN"
ERROR_DUPLICATE_REF = "record_id {value!r} is already used on line {line}"
ERROR_DATES_ORDER = "to_date is before from_date"
ERROR_CTF_NOT_ROLL = (
    "This CTF is {what}, not {school}'s whole roll: {why}. Import it with `cme import ctf` as the school's returns. "
    "A school's roll comes as a full CTF (DocumentQualifier full) sent to the council (DestSchool establishment "
    "LLLL), or as a CSV in the school-roll template."
)
_NOT_ROLL_REASONS = {
    "transfer": "it lists pupils leaving for LA {dest_lea} establishment {dest_estab}",
    "partial": "it carries part of some pupils' records (DocumentQualifier {qualifier!r})",
    "lost_pupil": "it lists pupils who left for a school the sender does not know",
    "destination_unknown": "it names no destination school, so it lists pupils whose destination is not known",
}
ERROR_CTF_SCHOOL = (
    "The CTF's source school, LA {lea} establishment {estab}, is not in the school register: import the register "
    "first, or check the header (/CTfile/Header/SourceSchool)."
)
NOTE_CTF = "Read as a Common Transfer File (version {version}) of the roll of {school} (URN {urn})."
NOTE_IGNORED = "These columns are not in the template and were ignored: {columns}."
NOTE_CP1252 = "The file is not UTF-8; it was read as Windows-1252."

_NOT_CSV_SIGNATURES = {
    codecs.BOM_UTF16_LE: "UTF-16 text",
    codecs.BOM_UTF16_BE: "UTF-16 text",
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)",
    b"%PDF": "a PDF document",
}
_SHOWN = 40
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), start=1)}  # fmt: skip
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_NAMED_MONTH = re.compile(r"^(\d{1,2})[ \-/]([A-Za-z]{3,9})[ \-/](\d{2,4})$")
_COMPACT_ISO = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class SourceFileRefused(ApplicationError):
    """The file as a whole cannot be imported; nothing was written. `message` says what to fix."""


@dataclass
class SourceRow:
    """One data row: `values` keyed by SourceRecord field, or `problems` when it must be held back."""

    line: int
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class SourceExtract:
    """A read file: its rows in order and any notes about how it was read."""

    kind: str
    rows: list[SourceRow]
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[SourceRow]:
        return [row for row in self.rows if row.problems]

    @property
    def accepted(self) -> list[SourceRow]:
        return [row for row in self.rows if not row.problems]


def template_header(kind: str) -> list[str]:
    """The columns of `kind`'s template, in order: the required ones and every optional one that applies."""
    if kind == SourceKind.SCHOOL_ROLL:
        return [c for c in COLUMNS if c not in ("record_id", "household_id", "nhs_number")]
    return [c for c in COLUMNS if c != "urn"]


def extract_read(data: bytes, *, kind: str, today: date) -> SourceExtract:
    """Read a whole extract. Raises SourceFileRefused for a fault in the file as a whole."""
    text, notes = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFileRefused(ERROR_EMPTY) from None
    except csv.Error as error:
        raise SourceFileRefused(ERROR_BAD_CSV.format(line=1, problem=error)) from None
    columns = _columns(header, kind=kind, notes=notes)
    rows: list[SourceRow] = []
    seen_refs: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            raw = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
            row = row_check(SourceRow(line=line, raw=raw), kind=kind, today=today)
            _check_duplicate(row, seen_refs)
            rows.append(row)
    except csv.Error as error:
        raise SourceFileRefused(ERROR_BAD_CSV.format(line=reader.line_num, problem=error)) from None
    if not rows:
        raise SourceFileRefused(ERROR_NO_ROWS)
    return SourceExtract(kind=kind, rows=rows, notes=notes)


def is_xml(data: bytes) -> bool:
    """Whether the file is XML (a Common Transfer File) rather than CSV: its first character is `<`."""
    return data.lstrip(codecs.BOM_UTF8).lstrip()[:1] == b"<"


def ctf_roll_read(data: bytes, *, today: date, school_urn: Callable[[str, str], int | None]) -> SourceExtract:
    """A school's roll sent as a Common Transfer File (read by cme.schools.ctf): each pupil becomes a roll row of the
    file's source school, checked as a CSV row would be. `school_urn(lea, estab)` finds the school in the register.
    A pupil with a problem is held back with its element path. A file that is not a CTF, a CTF that does not say it
    is the school's whole roll (a leavers' transfer, a partial or lost-pupil file, no destination), or an unknown
    source school refuses the whole file, saying what the file is."""
    from cme.schools.ctf import ctf_read
    from cme.schools.returns.files import ReturnFileRejected

    try:
        parsed = ctf_read(data)
    except ReturnFileRejected as error:
        raise SourceFileRefused(error.message) from None
    header = parsed.header
    if not header["full_roll"]:
        from cme.schools.ctf import CtfKind

        kind = CtfKind(header["kind"])
        school = header["source_name"] or f"LA {header['source_lea']} establishment {header['source_estab']}"
        raise SourceFileRefused(
            ERROR_CTF_NOT_ROLL.format(what=kind.label, school=school, why=_NOT_ROLL_REASONS[kind].format(**header))
        )
    urn = school_urn(header["source_lea"], header["source_estab"])
    if urn is None:
        raise SourceFileRefused(ERROR_CTF_SCHOOL.format(lea=header["source_lea"], estab=header["source_estab"]))
    rows: dict[int, SourceRow] = {}
    for pupil in parsed.returns:
        number = _pupil_number(pupil.where)
        row = row_check(
            SourceRow(line=number, raw=_ctf_raw(pupil.values, urn)), kind=SourceKind.SCHOOL_ROLL, today=today
        )
        row.problems[:] = [f"{_ctf_path(pupil.where, problem)}: {problem}" for problem in row.problems]
        rows[number] = row
    for error in parsed.errors:  # pupils the CTF reader could not read (a date or code it refused)
        number = _pupil_number(error.where)
        rows.setdefault(number, SourceRow(line=number, raw={})).problems.append(str(error))
    ordered = [rows[number] for number in sorted(rows)]
    seen: dict[str, int] = {}
    for row in ordered:
        if not row.problems:
            _check_duplicate(row, seen)
    school = header["source_name"] or f"LA {header['source_lea']} establishment {header['source_estab']}"
    return SourceExtract(
        kind=SourceKind.SCHOOL_ROLL,
        rows=ordered,
        notes=[NOTE_CTF.format(version=header["version"], school=school, urn=urn), *parsed.warnings],
    )


def _pupil_number(where: str) -> int:
    """The pupil's position in the file, from an element path such as /CTfile/CTFpupilData/Pupil[3]/DOB."""
    found = re.search(r"/Pupil\[(\d+)\]", where)
    return int(found.group(1)) if found else 0


# The CTF element each roll column is read from, so a problem found by `row_check` names the element.
_CTF_ELEMENTS = {
    "upn": "UPN",
    "given_name": "Forename",
    "family_name": "Surname",
    "date_of_birth": "DOB",
    "sex": "Sex",
    "postcode": "Address/PostCode",
    "address_line1": "Address",
    "address_line2": "Address",
    "town": "Address",
}


def _ctf_path(where: str, problem: str) -> str:
    """The element a problem is about: row_check's messages start with the column's name."""
    column = problem.split(" ", 1)[0]
    return f"{where}/{_CTF_ELEMENTS[column]}" if column in _CTF_ELEMENTS else where


def _ctf_raw(values: dict, urn: int) -> dict[str, str]:
    """A CTF pupil as the raw cells of a school-roll row, so it is checked exactly as a CSV row is."""
    born = values.get("date_of_birth")
    return {
        "urn": str(urn),
        "upn": values.get("upn", ""),
        "given_name": values.get("given_name", ""),
        "family_name": values.get("family_name", ""),
        "date_of_birth": born.isoformat() if born else "",
        "sex": values.get("sex", ""),
        "address_line1": values.get("address_line1", ""),
        "address_line2": values.get("address_line2", ""),
        "town": values.get("address_town", ""),
        "postcode": values.get("address_postcode", ""),
    }


def _decode(data: bytes) -> tuple[str, list[str]]:
    if not data.strip():
        raise SourceFileRefused(ERROR_EMPTY)
    for signature, kind in _NOT_CSV_SIGNATURES.items():
        if data.startswith(signature):
            raise SourceFileRefused(ERROR_NOT_CSV.format(kind=kind))
    if b"\x00" in data[:4096]:
        raise SourceFileRefused(ERROR_NUL)
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [NOTE_CP1252]


def column_name(heading: str) -> str:
    """A heading as a template column name: `Date of Birth` -> `date_of_birth`, `Surname` -> `family_name`."""
    folded = re.sub(r"[\s\-]+", "_", heading.strip().lower()).strip("_")
    return ALIASES.get(folded, folded)


def _columns(header: list[str], *, kind: str, notes: list[str]) -> dict[int, str]:
    """Column index -> template name, for the columns we know; refuse a file missing a required one."""
    columns: dict[int, str] = {}
    ignored = []
    for index, heading in enumerate(header):
        name = column_name(heading)
        if name in COLUMNS:
            if name in columns.values():
                raise SourceFileRefused(ERROR_DUPLICATE_COLUMN.format(column=name))
            columns[index] = name
        elif heading.strip():
            ignored.append(heading.strip()[:_SHOWN])
    missing = [c for c in REQUIRED[kind] if c not in columns.values()]
    if missing:
        raise SourceFileRefused(
            ERROR_MISSING_COLUMNS.format(columns=", ".join(missing), kind=SourceKind(kind).label.split(" (")[0])
        )
    if ignored:
        notes.append(NOTE_IGNORED.format(columns=", ".join(ignored)))
    return columns


def _check_duplicate(row: SourceRow, seen: dict[str, int]) -> None:
    ref = row.values.get("record_ref")
    if not ref:
        return
    if ref in seen:
        row.problems.append(ERROR_DUPLICATE_REF.format(value=_shown(ref), line=seen[ref]))
    else:
        seen[ref] = row.line


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def row_check(row: SourceRow, *, kind: str, today: date) -> SourceRow:
    """Fill `row.values` from `row.raw`, adding a problem for each value that cannot be taken."""
    raw = {name: value.strip() for name, value in row.raw.items()}
    values, problems = row.values, row.problems
    for name in REQUIRED[kind]:
        if not raw.get(name):
            problems.append(ERROR_REQUIRED.format(label=name))
    for name, limit in MAX_LENGTHS.items():
        if len(raw.get(name, "")) > limit:
            problems.append(ERROR_TOO_LONG.format(label=name, limit=limit))
    for name in ("given_name", "middle_names", "known_as", "family_name", "address_line1", "address_line2", "town"):
        values[name] = raw.get(name, "")[: MAX_LENGTHS[name]]
    values["household_ref"] = raw.get("household_id", "")[:64]
    for name, field_name in (("date_of_birth", "date_of_birth"), ("from_date", "valid_from"), ("to_date", "valid_to")):
        values[field_name] = _date_value(raw.get(name, ""), name, problems, today=today, future_ok=name == "to_date")
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        problems.append(ERROR_DATES_ORDER)
    values["sex"] = _sex(raw.get("sex", ""), problems)
    for name, clean in (("postcode", postcode_clean), ("uprn", uprn_clean), ("upn", upn_clean),
                        ("nhs_number", nhs_number_clean)):  # fmt: skip
        values[name] = _identifier(raw.get(name, ""), name, clean, problems)
    values["school_urn"] = _urn(raw.get("urn", ""), problems) if kind == SourceKind.SCHOOL_ROLL else None
    if kind == SourceKind.SCHOOL_ROLL:
        values["record_ref"] = f"{raw.get('urn', '')}:{values['upn'] or raw.get('upn', '')}"
    else:
        values["record_ref"] = raw.get("record_id", "")[:64]
    return row


def _identifier(value: str, name: str, clean, problems: list[str]) -> str:
    if not value:
        return ""
    try:
        return clean(value)
    except ValidationError as error:
        problems.append(f"{name} {_shown(value)!r}: {error.messages[0]}")
        return ""


def _sex(value: str, problems: list[str]) -> str:
    code = value[:1].upper()
    if not value or code == "U":
        return ""
    if code in ("M", "F") and value.lower() in ("m", "f", "male", "female"):
        return code
    problems.append(ERROR_SEX.format(value=_shown(value)))
    return ""


def _urn(value: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if value.isdigit() and len(value) == 6:
        return int(value)
    problems.append(ERROR_URN.format(value=_shown(value)))
    return None


def _date_value(value: str, name: str, problems: list[str], *, today: date, future_ok: bool) -> date | None:
    if not value:
        return None
    parsed = parse_date(value, today=today)
    if parsed is None:
        problems.append(ERROR_DATE.format(label=name, value=_shown(value)))
        return None
    if parsed > today and not future_ok:
        problems.append(ERROR_FUTURE.format(label=name, value=_shown(value)))
        return None
    return parsed


def parse_date(value: str, *, today: date) -> date | None:
    """A date in a format councils send, or None. Day comes before month (UK order) unless the year leads.

    A two-digit year is the most recent year ending in those digits that is not in the future, which is right
    for dates of birth and moves; a time after the date (`2015-03-27 00:00:00`, as Excel writes it) is ignored.

    >>> parse_date("27/03/2015", today=date(2026, 1, 1)), parse_date("27 Mar 15", today=date(2026, 1, 1))
    (datetime.date(2015, 3, 27), datetime.date(2015, 3, 27))
    """
    text = value.strip().split("T")[0].split(" 00:00")[0].strip()
    try:
        if match := _COMPACT_ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.match(text):
            first, second, third = match.groups()
            if len(first) == 4:
                return date(int(first), int(second), int(third))
            return date(_year(third, today), int(second), int(first))
        if match := _NAMED_MONTH.match(text):
            month = _MONTHS.get(match[2][:3].lower())
            if month is None:
                return None
            return date(_year(match[3], today), month, int(match[1]))
    except ValueError:
        return None
    return None


def _year(text: str, today: date) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) != 2:
        raise ValueError(text)
    year = 2000 + int(text)
    return year if year <= today.year else year - 100


def rows_as_records(extract: SourceExtract) -> Iterator[tuple[int, dict]]:
    """(line, SourceRecord field values) for every accepted row."""
    for row in extract.accepted:
        yield row.line, row.values


def csv_template(kind: str) -> str:
    """The header line of `kind`'s template, as a CSV file with no records."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(template_header(kind))
    return out.getvalue()
