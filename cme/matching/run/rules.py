"""The rules that keep one child apart from another whatever the model's score: brothers and sisters share a surname,
an address and often a middle name, and twins a date of birth too. They read any two rows (`rows.Details`): two
records of a cluster, or a child's record and a roll entry."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from cme.people import names
from cme.people.names import forename_likeness, surname_likeness

from .rows import Details

# Dates of birth this close are one date recorded twice (19th and 20th); a brother or sister is never born so close,
# and twins born either side of midnight are kept apart by their given names.
NEAR_DAYS = 2
# A given name at least this alike (same, other spelling, known-as form, a typing slip) stands on its own.
STRONG_GIVEN_NAME = 0.9
# Family names at least this alike are one family name (a slip, a hyphenated name cut short).
SURNAME_ALIKE = 0.9

# Names folded once each: a run compares a few thousand distinct names hundreds of thousands of times.
fold = lru_cache(maxsize=2**18)(names.fold)


def dates_could_be_one(a: date | None, b: date | None) -> bool:
    """Whether two dates of birth could be one date as two systems recorded it: within two days, day and month
    swapped, or one digit mistyped or two neighbouring digits transposed. Blank agrees with anything.

    >>> dates_could_be_one(date(2016, 3, 4), date(2016, 4, 3)), dates_could_be_one(date(2016, 3, 4), date(2013, 9, 6))
    (True, False)
    """
    if a is None or b is None or abs((a - b).days) <= NEAR_DAYS:
        return True
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return True
    left, right = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    differ = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
    if len(differ) == 1:
        return True
    first, second = differ[0], differ[-1]
    return len(differ) == 2 and second == first + 1 and left[first] == right[second] and left[second] == right[first]


def given_names_could_be_one(a: Details, b: Details) -> bool:
    """Whether two rows' given names could name one child: alike (spelling, known-as, typing slip), or one row gives
    as its first name a name the other has among its names. Blank agrees with anything."""
    first, second = a.given_name, b.given_name
    if not fold(first) or not fold(second) or forename_likeness(first, second).score > 0:
        return True
    names_a = set(fold(f"{first} {a.middle_names} {a.known_as}").split())
    names_b = set(fold(f"{second} {b.middle_names} {b.known_as}").split())
    # A shared middle name alone proves nothing: Somali brothers and sisters all carry their father's name.
    return bool(set(fold(first).split()) & names_b or set(fold(second).split()) & names_a)


def names_could_be_one(a: Details, b: Details) -> bool:
    """Given names that could be one name, and, where the family names are not alike at all, given names that are
    plainly the same name (spelling, known-as form, a slip): twins Gurpreet Singh and Harpreet Kaur, or Alicja
    Krawczyk and Hanna Grabowska born the same day at one address, are two children."""
    if not given_names_could_be_one(a, b):
        return False
    if not fold(a.family_name) or not fold(b.family_name) or surname_likeness(a.family_name, b.family_name).score > 0:
        return True
    return forename_likeness(a.given_name, b.given_name).score >= STRONG_GIVEN_NAME


def same_identifier(a: Details, b: Details) -> bool:
    """The same NHS number or UPN."""
    return bool((a.nhs_number and a.nhs_number == b.nhs_number) or (a.upn and a.upn == b.upn))


def one_child(a: Details, b: Details) -> bool:
    """The rules that keep a cluster to one child, whatever the model's score: the same NHS number or UPN says so;
    otherwise the dates of birth must be one date recorded twice and the given names one name. Brothers and sisters
    share a surname, an address and often a middle name, and twins a date of birth too; these rules keep them apart,
    so that a child on no roll is never hidden inside a sibling who is on one."""
    if same_identifier(a, b):
        return True
    if a.born == b.born and a.given_name == b.given_name and a.family_name == b.family_name:
        return True  # most pairs the model joins: the same name and date (a name is always like itself)
    return dates_could_be_one(a.born, b.born) and names_could_be_one(a, b)


def could_be_this_pupil(record: Details, entry: Details) -> bool:
    """Whether a child's record could be a roll entry the model scored: the same NHS number or UPN; or dates of
    birth that could be one date and, unless the dates are equal, the same postcode sector. A pupil elsewhere in the
    borough who shares a common name (Gurpreet Singh, Mohammed Khan) and a date one digit away is another child, and
    counting them would hide a child on no roll, more often in communities where a few names are widely shared."""
    if same_identifier(record, entry):
        return True
    if not dates_could_be_one(record.born, entry.born) or not names_could_be_pupil(record, entry):
        return False
    return record.born == entry.born or sector(record.postcode) == sector(entry.postcode)


def names_could_be_pupil(record: Details, entry: Details) -> bool:
    """A roll entry whose family name is unlike the record's, and whose given name is not plainly the same name, is
    another child at the address (a twin with her own surname, as Sikh sisters have Kaur and brothers Singh; a
    step-brother or sister born the same day), however well the address agrees."""
    return names_could_be_one(record, entry) or surname_likeness(record.family_name, entry.family_name).score > 0


def surely_this_pupil(record: Details, entry: Details) -> bool:
    """The safety net's test, for a child the model matched to no roll entry (the caller has found `entry` at the
    same postcode): a surname alike, a date of birth that could be the same date recorded twice, and given names
    that could be one name (a typing slip, a known-as name). Twins share the rest and are kept apart by the given
    name."""
    return (
        surname_likeness(record.family_name, entry.family_name).score >= SURNAME_ALIKE
        and record.born is not None
        and dates_could_be_one(record.born, entry.born)
        and given_names_could_be_one(record, entry)
    )


def compact_postcode(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def sector(postcode: str) -> str:
    """The postcode sector (`ZY1 2`), or the compact postcode without its last two letters."""
    return compact_postcode(postcode)[:-2]
