"""Standardising council records before linkage: names, dates of birth, postcodes, UPRNs, addresses and identifiers.

Why: the same child reaches the council from housing, council tax, GP and school systems, each typing names, dates
and postcodes its own way ("O'BRIEN-NÍ DHÓNAILL", "obrien ni dhonaill"; "04/03/15", "2015-03-04", 42067). Linkage
compares what the records say, not how they were typed, so every value is put in one form first, and the keys the
model compares (canonical spelling, known-as family, phonetic key, postcode sector) are derived here in plain Python,
once per record, rather than in SQL once per pair. Everything here is pure and tested without a database.

Values that cannot be read raise `StandardisationError` with a plain reason; callers (the `cme link` command, the
source imports) say which row and column it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from cme.people import names
from cme.people.identifiers import postcode_clean, uprn_clean

# Values that mean "not known" in council exports; they must not agree with each other as if they were data.
_BLANKS = frozenset({"", "n/a", "na", "nk", "not known", "unknown", "none", "null", "nil", "-", "--", "?", "tbc"})

# A name in brackets or quotes, or after "known as"/"aka", is the name the child goes by: "William (Billy) Smith".
_KNOWN_AS = re.compile(
    r"""\s*(?:\((?P<bracketed>[^)]*)\)|"(?P<quoted>[^"]*)"|'(?P<single>[^']*)'|\b(?:known\s+as|aka|k/a)\b\s*(?P<after>.*))""",
    re.IGNORECASE,
)


class StandardisationError(ValueError):
    """A value that cannot be read: the message says why, in words an analyst can act on."""


def is_blank(value: object) -> bool:
    """True for None, NaN and the words exports use for "not known"."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return str(value).strip().casefold() in _BLANKS


def text(value: object) -> str:
    """The value as stripped text, or "" when it is blank."""
    if isinstance(value, str):
        return _string_text(value)
    return "" if is_blank(value) else str(value).strip()


@lru_cache(maxsize=2**18)
def _string_text(value: str) -> str:
    """`text` of a string: called for every value of every record, and sources repeat their values."""
    stripped = value.strip()
    return "" if stripped.casefold() in _BLANKS else stripped


# Names


def name_clean(value: object) -> str:
    """A name folded for comparison: lower case, accents and apostrophes dropped, other punctuation one space.

    >>> name_clean("  O'Brien-NÍ DHÓNAILL ")
    'obrien ni dhonaill'
    """
    return names.fold(text(value))


def given_name_split(value: object) -> tuple[str, str]:
    """The given name and the known-as name written with it, as typed: "William (Billy)" gives ("William", "Billy").

    >>> given_name_split('Oluwaseun "Seun"'), given_name_split("Jo known as Joanna"), given_name_split("Amy")
    (('Oluwaseun', 'Seun'), ('Jo', 'Joanna'), ('Amy', ''))
    """
    raw = text(value)
    match = _KNOWN_AS.search(raw)
    if not match:
        return raw, ""
    known_as = next((group for group in match.group("bracketed", "quoted", "single", "after") if group), "")
    rest = "" if match.group("after") is not None else raw[match.end() :]
    return f"{raw[: match.start()]} {rest}".strip(), known_as.strip()


@dataclass(frozen=True, slots=True)
class GivenName:
    """A given name as the model compares it.

    `clean` is the folded name; `canonical` its spelling group's first spelling ("aleksandra" -> "alexandra");
    `family` every canonical name it may stand for, known-as forms included ("billy" -> bill, billy, will, william);
    `phonetic` a Metaphone key; `first` the first word, so that "Mary Jane" and "Mary" can agree.
    """

    clean: str
    canonical: str
    family: tuple[str, ...]
    phonetic: str
    first: str


def given_name_standardise(value: object, known_as: object = "") -> GivenName:
    """The comparison keys of a given name, with any known-as name written into it or given separately.

    >>> given_name_standardise("William (Billy)").family
    ('bill', 'billy', 'will', 'william')
    """
    given, written_known_as = given_name_split(value)
    clean = names.fold(given)
    family = set(names.forename_family(given)) if clean else set()
    for other in (written_known_as, text(known_as)):
        if names.fold(other):
            family |= names.forename_family(other)
    if not clean and family:  # only a known-as name was given
        clean = names.fold(written_known_as or text(known_as))
    canonical = names.forename_canonical(clean) if clean else ""
    return GivenName(
        clean=clean,
        canonical=canonical,
        family=tuple(sorted(family)),
        phonetic=names.phonetic_key(canonical) if canonical else "",
        first=clean.split(" ")[0] if clean else "",
    )


@dataclass(frozen=True, slots=True)
class FamilyName:
    """A family name as the model compares it: folded, its canonical parts ("Santos da Silva" -> santos, silva),
    the parts joined (so "Ali-Hassan" and "Ali Hassan" agree), and a Metaphone key of the first and last parts."""

    clean: str
    joined: str
    parts: tuple[str, ...]
    phonetic: str
    last_phonetic: str


def family_name_standardise(value: object) -> FamilyName:
    """The comparison keys of a family name, hyphenated and double-barrelled names split into their parts.

    >>> family_name_standardise("Santos da Silva").parts, family_name_standardise("Ali-Hassan").joined
    (('santos', 'silva'), 'alihassan')
    """
    clean = name_clean(value)
    if not clean:
        return FamilyName("", "", (), "", "")
    parts = names.surname_parts(clean)
    phonetic = names.phonetic_key(parts[0]) if parts else ""
    last = names.phonetic_key(parts[-1]) if len(parts) > 1 else phonetic
    return FamilyName(clean=clean, joined="".join(parts), parts=tuple(parts), phonetic=phonetic, last_phonetic=last)


# Dates of birth

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+\-Z]*)?$")
_YMD_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([A-Za-z]{3,9})\.?[\s\-/.,]*(\d{4}|\d{2})$")
_DIGITS = re.compile(r"^\d+(?:\.0+)?$")
_MONTHS = {
    name: number
    for number, names_of_month in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names_of_month
}  # fmt: skip
# Spreadsheets store dates as days since 30 December 1899; a cell exported without its format arrives as a number.
# Only numbers that land between 1927 and 2119 are read this way: smaller numbers are not dates of birth.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (10_000, 80_000)

DATE_OF_BIRTH_ERROR = (
    "is not a date of birth we can read: use year-month-day (2015-03-04) or day/month/year (04/03/2015)"
)


def date_of_birth_parse(value: object, *, today: date | None = None) -> date | None:
    """The date of birth a council export means, or None when it is blank; StandardisationError when unreadable.

    Reads ISO dates (with or without a time), yyyymmdd, day/month/year with `/`, `-`, `.` or spaces (UK order, never
    American), "4 Mar 2015", and spreadsheet serial numbers. A two-digit year is the most recent year that is not in
    the future: "04/03/15" is 2015 and "04/03/98" is 1998, which is right for children and young people.

    >>> date_of_birth_parse("4/3/15", today=date(2026, 1, 1)), date_of_birth_parse("42067")
    (datetime.date(2015, 3, 4), datetime.date(2015, 3, 4))
    """
    raw = text(value)
    if not raw:
        return None
    today = today or date.today()
    parsed = _date_parse(raw, today)
    if parsed is None:
        raise StandardisationError(f"{raw!r} {DATE_OF_BIRTH_ERROR}")
    if parsed > today:
        raise StandardisationError(f"{raw!r} is a date in the future")
    return parsed


def _date_parse(raw: str, today: date) -> date | None:
    if match := _ISO.match(raw) or _YMD_SLASHED.match(raw):
        return _date_or_none(int(match[1]), int(match[2]), int(match[3]))
    if _DIGITS.match(raw):
        return _digits_date(raw.split(".")[0])
    if match := _DMY.match(raw):
        return _day_first_date(int(match[1]), int(match[2]), match[3], today)
    if match := _D_MONTH_Y.match(raw):
        month = _MONTHS.get(match[2].casefold())
        return _day_first_date(int(match[1]), month, match[3], today) if month else None
    return None


def _day_first_date(day: int, month: int, year: str, today: date) -> date | None:
    """A date from day, month and a year of four digits, or of two meaning the latest such date not after today."""
    if len(year) == 4:
        return _date_or_none(int(year), month, day)
    this_century = today.year - today.year % 100
    recent = _date_or_none(this_century + int(year), month, day)
    if recent is None or recent <= today:
        return recent
    return _date_or_none(this_century - 100 + int(year), month, day)


def _digits_date(digits: str) -> date | None:
    """yyyymmdd, ddmmyyyy, or a spreadsheet serial number."""
    if len(digits) == 8:
        as_ymd = _date_or_none(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if as_ymd and as_ymd.year >= 1900:
            return as_ymd
        return _date_or_none(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    serial = int(digits)
    if EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]:
        return EXCEL_EPOCH + timedelta(days=serial)
    return None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_of_birth_swapped(value: date | None) -> str:
    """The date with day and month exchanged, as ISO text, or "" when that is no date or the same date.

    A date typed in American order ("03/04/2015" for 4 March) agrees with the other record's date swapped.
    """
    if value is None or value.day > 12 or value.day == value.month:
        return ""
    return date(value.year, value.day, value.month).isoformat()


# Postcodes, UPRNs, addresses


@dataclass(frozen=True, slots=True)
class Postcode:
    """A postcode and its parts: "ZY1 2AB" has outward "ZY1", inward "2AB", sector "ZY1 2", district "ZY1", area "ZY".

    A value that is not a UK postcode keeps its cleaned characters in `full` (so records from elsewhere still compare
    exactly) with no parts.
    """

    full: str
    outward: str = ""
    inward: str = ""
    sector: str = ""
    district: str = ""
    area: str = ""


_NOT_POSTCODE_CHARACTERS = re.compile(r"[^A-Z0-9]")
_AREA = re.compile(r"^[A-Z]{1,2}")


def postcode_standardise(value: object) -> Postcode:
    """A postcode in capitals with one space, and its sector, district and area.

    >>> postcode_standardise(" zy12ab ")
    Postcode(full='ZY1 2AB', outward='ZY1', inward='2AB', sector='ZY1 2', district='ZY1', area='ZY')
    """
    compact = _NOT_POSTCODE_CHARACTERS.sub("", text(value).upper())
    if not compact:
        return Postcode("")
    try:
        full = postcode_clean(compact)
    except Exception:  # not a UK postcode: compare it as it is
        return Postcode(compact)
    outward, inward = full.split(" ")
    area = _AREA.match(outward)
    return Postcode(
        full=full,
        outward=outward,
        inward=inward,
        sector=f"{outward} {inward[0]}",
        district=outward,
        area=area[0] if area else "",
    )


UPRN_ERROR = "is not a UPRN: a UPRN is a number of up to 12 digits"


def uprn_standardise(value: object) -> str:
    """A UPRN as digits without leading zeros, "" when blank; StandardisationError when it is not a UPRN.

    >>> uprn_standardise("010023336956"), uprn_standardise("10023336956.0")
    ('10023336956', '10023336956')
    """
    raw = text(value)
    if not raw:
        return ""
    if raw.endswith(".0"):  # a spreadsheet that treated the UPRN as a number
        raw = raw[:-2]
    try:
        return uprn_clean(raw)
    except Exception:
        raise StandardisationError(f"{raw!r} {UPRN_ERROR}") from None


# Common words written several ways in addresses; the first is what the model compares.
_ADDRESS_WORDS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive",
    "cl": "close", "ct": "court", "crt": "court", "cres": "crescent", "cresc": "crescent", "gdns": "gardens",
    "gds": "gardens", "gro": "grove", "gr": "grove", "pl": "place", "sq": "square", "ter": "terrace",
    "terr": "terrace", "tce": "terrace", "pde": "parade", "hse": "house", "ho": "house", "apt": "flat",
    "apartment": "flat", "fl": "flat", "bldg": "building", "mt": "mount", "pk": "park", "wy": "way", "cir": "circuit",
    "cct": "circuit", "hwy": "highway", "est": "estate", "nth": "north", "sth": "south",
}  # fmt: skip
_ADDRESS_TOKEN = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+[a-z]?")


@dataclass(frozen=True, slots=True)
class Address:
    """An address as the model compares it: its words in one spelling, the set of those words, its numbers, and two
    keys for pairing records up: the first number (the house or flat) and the first word of a street or building
    name after it."""

    clean: str
    tokens: tuple[str, ...]
    numbers: tuple[str, ...]
    number: str = ""
    street: str = ""


_NOT_STREET_WORDS = frozenset({"flat", "unit", "room", "floor", "house", "building", "block"})
STREET_KEY_LENGTH = 4


def address_standardise(value: object, postcode: str = "") -> Address:
    """Address words folded and common abbreviations spelt out; the postcode, if repeated in it, left out.

    >>> address_standardise("Flat 3, 12a Acacia Rd., ZY1 2AB", "ZY1 2AB")
    Address(clean='flat 3 12a acacia road', tokens=('12a', '3', 'acacia', 'flat', 'road'), numbers=('12a', '3'), \
number='3', street='acac')
    """
    folded = _fold_address(text(value))
    if postcode:
        folded = folded.replace(postcode.lower(), " ").replace(postcode.replace(" ", "").lower(), " ")
    words = [_ADDRESS_WORDS.get(word, word) for word in _ADDRESS_TOKEN.findall(folded)]
    clean = " ".join(words)
    numbers = [word for word in words if _NUMBER.fullmatch(word)]
    street = next(
        (word for word in words if word.isalpha() and len(word) >= STREET_KEY_LENGTH and word not in _NOT_STREET_WORDS),
        "",
    )
    return Address(
        clean=clean,
        tokens=tuple(sorted(set(words))),
        numbers=tuple(sorted(set(numbers))),
        number=numbers[0] if numbers else "",
        street=street[:STREET_KEY_LENGTH],
    )


def _fold_address(value: str) -> str:
    """Lower case without accents; digits kept (names.fold drops them, as a name has none)."""
    if value.isascii():  # most addresses: nothing to decompose
        return value.casefold().replace("'", "")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().replace("'", "")


# Sex and identifiers

_SEXES = {"f": "F", "female": "F", "girl": "F", "w": "F", "m": "M", "male": "M", "boy": "M"}


def sex_standardise(value: object) -> str:
    """F, M, or another recorded value in capitals ("X", "U"); "" when blank."""
    raw = text(value).casefold()
    return _SEXES.get(raw, raw.upper())


_IDENTIFIER_SEPARATORS = re.compile(r"[\s\-/.]+")


def identifier_standardise(value: object) -> str:
    """An identifier (UPN, NHS number) in capitals without spaces or hyphens; "" when blank or all zeros.

    Identifiers are compared as written, after this: a mistyped check digit still says a great deal, and the
    imports that feed the register check them; here an unusable one simply agrees with nothing.
    """
    compact = _IDENTIFIER_SEPARATORS.sub("", text(value)).upper()
    if compact.endswith("0") and compact.rstrip("0") == "":
        return ""
    return compact
