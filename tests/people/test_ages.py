"""Compulsory school age and national curriculum year: worked examples and properties over any date of birth."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cme.people.ages import (
    birthday,
    compulsory_school_age_end,
    compulsory_school_age_start,
    is_compulsory_school_age,
    national_curriculum_year,
    school_year_start,
    year_group_label,
)

PRESCRIBED_DAYS = {(3, 31), (8, 31), (12, 31)}
FRIDAY = 4
dates_of_birth = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


# -- Worked examples -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (date(2021, 9, 1), date(2026, 12, 31)),  # fifth birthday 1 Sep 2026: the next prescribed day is 31 Dec
        (date(2021, 8, 31), date(2026, 8, 31)),  # fifth birthday on a prescribed day: from that very day
        (date(2021, 12, 31), date(2026, 12, 31)),
        (date(2022, 1, 1), date(2027, 3, 31)),
        (date(2022, 1, 15), date(2027, 3, 31)),
        (date(2022, 3, 31), date(2027, 3, 31)),
        (date(2022, 4, 1), date(2027, 8, 31)),
        (date(2020, 2, 29), date(2025, 3, 31)),  # a leap-day child is five on 1 March 2025
    ],
)
def test_compulsory_school_age_starts_on_the_prescribed_day_on_or_after_the_fifth_birthday(born, starts):
    assert compulsory_school_age_start(born) == starts


@pytest.mark.parametrize(
    ("born", "ends"),
    [
        (date(2010, 9, 1), date(2027, 6, 25)),  # oldest in the year: 16 in September 2026, leaves June 2027
        (date(2011, 6, 25), date(2027, 6, 25)),  # 16 on the school leaving date itself
        (date(2011, 6, 26), date(2027, 6, 25)),  # 16 the day after: leaves aged 15, s8(3)(a)
        (date(2011, 7, 1), date(2027, 6, 25)),  # summer-born: leaves aged 15, not a year later
        (date(2011, 8, 31), date(2027, 6, 25)),  # youngest in the year
        (date(2011, 9, 1), date(2028, 6, 30)),  # the next school year; 30 June 2028 is a Friday
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_school_year_the_child_turns_16(born, ends):
    assert compulsory_school_age_end(born) == ends


def test_a_child_is_of_compulsory_school_age_from_the_first_to_the_last_day_inclusive():
    born = date(2015, 5, 20)
    first, last = compulsory_school_age_start(born), compulsory_school_age_end(born)
    assert (first, last) == (date(2020, 8, 31), date(2031, 6, 27))
    assert not is_compulsory_school_age(born, first - timedelta(days=1))
    assert is_compulsory_school_age(born, first)
    assert is_compulsory_school_age(born, last)
    assert not is_compulsory_school_age(born, last + timedelta(days=1))


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        (date(2015, 9, 1), date(2026, 11, 1), 6),
        (date(2016, 8, 31), date(2026, 11, 1), 6),
        (date(2016, 9, 1), date(2026, 11, 1), 5),
        (date(2021, 8, 31), date(2025, 9, 1), 0),  # the youngest start reception aged four
        (date(2021, 9, 1), date(2025, 9, 1), -1),  # born a day later: nursery
        (date(2021, 9, 1), date(2025, 8, 31), -2),
        (date(2010, 9, 1), date(2026, 9, 1), 11),
    ],
)
def test_the_national_curriculum_year_follows_the_1_september_cut_off(born, on, year):
    assert national_curriculum_year(born, on) == year


@pytest.mark.parametrize(
    ("year", "label"),
    [(-2, "Below nursery age"), (-1, "Nursery"), (0, "Reception"), (1, "Year 1"), (6, "Year 6"), (13, "Year 13")],
)
def test_year_groups_are_labelled_as_people_say_them(year, label):
    assert year_group_label(year) == label


# -- Properties ----------------------------------------------------------------------------------------------------


@given(born=dates_of_birth)
def test_compulsory_school_age_starts_on_the_first_prescribed_day_from_the_fifth_birthday(born):
    start = compulsory_school_age_start(born)
    fifth = birthday(born, 5)
    assert (start.month, start.day) in PRESCRIBED_DAYS
    assert fifth <= start
    # No prescribed day is skipped: none falls between the fifth birthday and the start.
    between = (fifth + timedelta(days=n) for n in range((start - fifth).days))
    assert not any((day.month, day.day) in PRESCRIBED_DAYS for day in between)


@given(born=dates_of_birth)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_in_the_school_year_of_the_16th_birthday(born):
    end = compulsory_school_age_end(born)
    sixteenth = birthday(born, 16)
    assert end.weekday() == FRIDAY and end.month == 6 and end.day > 30 - 7
    assert end.year == school_year_start(sixteenth) + 1
    # Summer-born children (16 between the leaving date and 31 August) leave before their birthday, aged 15;
    # everyone else leaves within the year after turning 16.
    if sixteenth > end:
        assert sixteenth.month in (6, 7, 8) and school_year_start(sixteenth) == school_year_start(end)
    else:
        assert end - sixteenth < timedelta(days=366)


@given(born=dates_of_birth)
def test_compulsory_school_age_covers_reception_to_year_11(born):
    start, end = compulsory_school_age_start(born), compulsory_school_age_end(born)
    assert national_curriculum_year(born, start) == 0  # by age, still in reception (summer-born: its last day)
    assert national_curriculum_year(born, end) == 11


@given(born=dates_of_birth, school_year=st.integers(min_value=1990, max_value=2060))
def test_the_national_curriculum_year_goes_up_by_exactly_one_each_1_september(born, school_year):
    before = national_curriculum_year(born, date(school_year, 8, 31))
    after = national_curriculum_year(born, date(school_year, 9, 1))
    assert after == before + 1
    assert national_curriculum_year(born, date(school_year + 1, 8, 31)) == after


@given(born=dates_of_birth)
def test_children_born_in_one_school_year_share_a_year_group(born):
    first_of_cohort = date(school_year_start(born), 9, 1)
    on = date(2030, 1, 1)
    assert national_curriculum_year(born, on) == national_curriculum_year(first_of_cohort, on)


@given(born=dates_of_birth, on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_being_of_compulsory_school_age_is_one_unbroken_stretch(born, on):
    inside = compulsory_school_age_start(born) <= on <= compulsory_school_age_end(born)
    assert is_compulsory_school_age(born, on) == inside
