"""Compulsory school age and national curriculum year from a date of birth (domain.md 1.4): pure date arithmetic."""

from datetime import date, timedelta

__all__ = [
    "birthday",
    "child_birth_earliest",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "is_compulsory_school_age",
    "last_friday_in_june",
    "national_curriculum_year",
    "school_year_start",
    "year_group_label",
]

# The Education (Start of Compulsory School Age) Order 1998 prescribes these days; the school leaving date is the
# last Friday in June (Education (School Leaving Date) Order 1997).
PRESCRIBED_DAYS = ((3, 31), (8, 31), (12, 31))
# The oldest child this service could deal with: a sixth-form pupil a school reports is at most 19.
CHILD_MAX_AGE_YEARS = 19
FRIDAY = 4
NURSERY = -1
RECEPTION = 0


def school_year_start(day: date) -> int:
    """The calendar year in which the school year containing `day` began.

    For age purposes a school year runs from 1 September to 31 August; this is the cut-off that decides a child's
    national curriculum year.

    >>> school_year_start(date(2026, 8, 31)), school_year_start(date(2026, 9, 1))
    (2025, 2026)
    """
    return day.year if day.month >= 9 else day.year - 1


def birthday(date_of_birth: date, years: int) -> date:
    """The day a child born on `date_of_birth` reaches `years` years of age.

    A child born on 29 February reaches an age on 1 March in a year that is not a leap year (the usual reading of
    s9 Family Law Reform Act 1969, which counts from the anniversary of the birth).
    """
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)


def compulsory_school_age_start(date_of_birth: date) -> date:
    """The first prescribed day (31 March, 31 August or 31 December) on or after the child's fifth birthday.

    A child whose fifth birthday is itself a prescribed day is of compulsory school age from that day; otherwise from
    the next prescribed day (s8(2) Education Act 1996).

    >>> compulsory_school_age_start(date(2021, 9, 1)), compulsory_school_age_start(date(2021, 8, 31))
    (datetime.date(2026, 12, 31), datetime.date(2026, 8, 31))
    """
    fifth = birthday(date_of_birth, 5)
    candidates = [date(year, month, day) for year in (fifth.year, fifth.year + 1) for month, day in PRESCRIBED_DAYS]
    return min(day for day in candidates if day >= fifth)


def compulsory_school_age_end(date_of_birth: date) -> date:
    """The school leaving date (last Friday in June) of the school year, 1 September to 31 August, in which the child
    turns 16. The child is of compulsory school age until the end of that day.

    Summer-born children: domain.md (1.4) says the end is that last Friday in June "provided the birthday falls before
    the next school year starts". We read this with s8(3)(a) Education Act 1996: a child who turns 16 after the
    school leaving date but before the next school year (from the Saturday after the last Friday in June to
    31 August) also leaves on that last Friday in June, aged 15. They do not stay of compulsory school age for
    another year. Every birthday from 1 September to 31 August therefore maps to the June inside the same school
    year, which is what counting the school year from 1 September gives. (The Act times the next school year from
    the first term after July; we take 1 September, the DfE's age cut-off, so a birthday between 1 September and
    the first day of the autumn term counts in the new school year.)

    >>> compulsory_school_age_end(date(2010, 9, 1)), compulsory_school_age_end(date(2011, 8, 31))
    (datetime.date(2027, 6, 25), datetime.date(2027, 6, 25))
    """
    leaving_year = school_year_start(birthday(date_of_birth, 16)) + 1
    return last_friday_in_june(leaving_year)


def last_friday_in_june(year: int) -> date:
    """The school leaving date of `year`."""
    june_30 = date(year, 6, 30)
    return june_30 - timedelta(days=(june_30.weekday() - FRIDAY) % 7)


def is_compulsory_school_age(date_of_birth: date, on: date) -> bool:
    """True if a child born on `date_of_birth` is of compulsory school age on `on` (both ends included)."""
    return compulsory_school_age_start(date_of_birth) <= on <= compulsory_school_age_end(date_of_birth)


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """The national curriculum year for the child's age on `on`: -1 nursery, 0 reception, 1 for Year 1, and so on.

    This is the year group by age (children born 1 September to 31 August share one), not the class a school has
    placed the child in: a child taught out of their year group still has this year for the DfE's returns.
    Values below -1 are younger than nursery; above 13 are past Year 13.

    >>> national_curriculum_year(date(2015, 9, 1), date(2026, 11, 1)), national_curriculum_year(date(2016, 8, 31), date(2026, 11, 1))
    (6, 6)
    """  # noqa: E501 - a doctest line reads better unwrapped
    return school_year_start(on) - school_year_start(date_of_birth) - 5


def year_group_label(year: int) -> str:
    """How people say a national curriculum year: "Nursery", "Reception", "Year 6".

    >>> year_group_label(0), year_group_label(6)
    ('Reception', 'Year 6')
    """
    if year < NURSERY:
        return "Below nursery age"
    if year == NURSERY:
        return "Nursery"
    if year == RECEPTION:
        return "Reception"
    return f"Year {year}"


def child_birth_earliest(today: date) -> date:
    """The earliest date of birth of a child the service could deal with on `today` (19 years before it).

    >>> child_birth_earliest(date(2026, 12, 7)), child_birth_earliest(date(2028, 2, 29))
    (datetime.date(2007, 12, 7), datetime.date(2009, 3, 1))
    """
    return birthday(today, -CHILD_MAX_AGE_YEARS)
