"""The school-day calendar and statutory clocks: worked examples first, then properties that hold for any calendar."""

import datetime as dt
from datetime import date, timedelta

import holidays
import pytest
import time_machine
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cme.cases.clocks import (
    CASE_REVIEW_DAYS,
    CONTINUOUS_ABSENCE_RETURN_DAYS,
    ENQUIRY_RESPONSE_DAYS,
    GROUND_H_RETURN_DAYS,
    GROUND_I_ABSENCE_DAYS,
    INITIAL_CHECKS_DAYS,
    LONGEST_HOLIDAY_DAYS,
    SICKNESS_RETURN_DAYS,
    CalendarGap,
    ClockStatus,
    SchoolCalendar,
    add_school_days,
    clock_due_date,
    clock_status,
    default_term_periods,
    easter_sunday,
    is_school_day,
    school_days_between,
    school_year_of,
)
from cme.common.errors import ApplicationError

# A council's 2026/27 year as it might publish it: half-terms 26-30 October, 15-19 February and 31 May-4 June;
# Easter holiday 29 March-9 April 2027, so Good Friday (26 March) and Easter Monday (29 March) fall outside term.
TERMS_2026_27 = (
    (date(2026, 9, 3), date(2026, 10, 23)),
    (date(2026, 11, 2), date(2026, 12, 18)),
    (date(2027, 1, 4), date(2027, 2, 12)),
    (date(2027, 2, 22), date(2027, 3, 26)),
    (date(2027, 4, 12), date(2027, 5, 28)),
    (date(2027, 6, 7), date(2027, 7, 21)),
)
CALENDAR_2026_27 = SchoolCalendar(term_periods=TERMS_2026_27)

# A council whose spring 2025 break came before Easter, so Good Friday (18 April) and Easter Monday (21 April) are
# bank holidays inside the summer term.
CALENDAR_EARLY_EASTER_BREAK_2025 = SchoolCalendar(
    term_periods=((date(2025, 2, 24), date(2025, 4, 4)), (date(2025, 4, 14), date(2025, 5, 23)))
)


def _default_calendar(*school_years: int) -> SchoolCalendar:
    return SchoolCalendar(
        term_periods=tuple(term.span for year in school_years for term in default_term_periods(year)), approximate=True
    )


# ---------------------------------------------------------------------------------------------------------------
# Worked examples


def test_ten_school_days_over_the_october_half_term_land_a_week_later():
    # Friday 16 October: 5 school days to Friday 23rd, half-term, then 5 more to Friday 6 November.
    assert add_school_days(date(2026, 10, 16), 10, CALENDAR_2026_27) == date(2026, 11, 6)


def test_ten_school_days_across_easter_skip_good_friday_and_easter_monday():
    # From Friday 11 April (holiday): 14-17 April (4), skip Good Friday and Easter Monday, 22-25 April (8), 28-29 April.
    assert add_school_days(date(2025, 4, 11), 10, CALENDAR_EARLY_EASTER_BREAK_2025) == date(2025, 4, 29)


def test_a_bank_holiday_monday_in_term_is_not_a_school_day():
    calendar = _default_calendar(2025)
    assert calendar.in_term(date(2026, 5, 4))  # the early May bank holiday, inside Summer 1 2026
    assert not is_school_day(date(2026, 5, 4), calendar)
    assert is_school_day(date(2026, 5, 5), calendar)


def test_christmas_day_is_not_a_school_day_even_inside_a_term():
    calendar = SchoolCalendar(term_periods=((date(2026, 12, 1), date(2027, 1, 29)),))
    assert not is_school_day(date(2026, 12, 25), calendar)  # a Friday
    assert not is_school_day(date(2026, 12, 28), calendar)  # Boxing Day, observed on the Monday
    assert is_school_day(date(2026, 12, 29), calendar)


@given(year=st.integers(min_value=2000, max_value=2090))
def test_christmas_day_is_never_a_school_day(year):
    calendar = SchoolCalendar(term_periods=((date(year, 12, 1), date(year, 12, 31)),))
    assert not is_school_day(date(year, 12, 25), calendar)


def test_a_one_off_bank_holiday_known_to_the_holidays_package_is_not_a_school_day():
    calendar = SchoolCalendar(term_periods=((date(2022, 9, 5), date(2022, 10, 21)),))
    assert not is_school_day(date(2022, 9, 19), calendar)  # the state funeral of Queen Elizabeth II
    assert is_school_day(date(2022, 9, 20), calendar)


def test_weekends_holidays_and_closure_days_are_not_school_days():
    calendar = SchoolCalendar(term_periods=TERMS_2026_27, closure_days=frozenset({date(2026, 9, 3)}))
    assert not is_school_day(date(2026, 9, 3), calendar)  # INSET day
    assert is_school_day(date(2026, 9, 4), calendar)
    assert not is_school_day(date(2026, 9, 5), calendar)  # Saturday
    assert not is_school_day(date(2026, 10, 28), calendar)  # half-term


def test_an_explicit_empty_set_of_bank_holidays_overrides_englands():
    calendar = SchoolCalendar(term_periods=((date(2026, 12, 21), date(2026, 12, 31)),), bank_holidays=frozenset())
    assert is_school_day(date(2026, 12, 25), calendar)


def test_bank_holidays_are_englands_for_every_year_the_terms_touch():
    assert date(2026, 12, 25) in CALENDAR_2026_27.bank_holidays
    assert date(2027, 3, 26) in CALENDAR_2026_27.bank_holidays  # Good Friday 2027
    assert date(2027, 8, 2) not in CALENDAR_2026_27.bank_holidays  # Scotland's summer bank holiday, not England's


def test_school_days_between_excludes_the_start_and_includes_the_end():
    assert school_days_between(date(2026, 10, 16), date(2026, 11, 6), CALENDAR_2026_27) == 10
    assert school_days_between(date(2026, 10, 19), date(2026, 10, 20), CALENDAR_2026_27) == 1
    assert school_days_between(date(2026, 10, 19), date(2026, 10, 19), CALENDAR_2026_27) == 0
    assert school_days_between(date(2026, 10, 23), date(2026, 11, 1), CALENDAR_2026_27) == 0  # half-term only


def test_school_days_between_is_negative_when_the_end_comes_first():
    assert school_days_between(date(2026, 11, 6), date(2026, 10, 16), CALENDAR_2026_27) == -10


def test_adding_no_school_days_returns_the_start_even_on_a_weekend():
    assert add_school_days(date(2026, 10, 24), 0, CALENDAR_2026_27) == date(2026, 10, 24)


def test_adding_a_negative_number_of_school_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_school_days(date(2026, 10, 16), -1, CALENDAR_2026_27)


def test_ground_i_twenty_days_counted_from_the_last_day_attended():
    # Last attended Friday 8 January 2027; absent from Monday 11th. The 20th school day of absence is 5 February.
    due = clock_due_date(start=date(2027, 1, 8), school_days=GROUND_I_ABSENCE_DAYS, calendar=CALENDAR_2026_27)
    assert due == date(2027, 2, 5)


def test_clock_due_date_counts_school_days_across_christmas_and_new_year():
    # Wednesday 16 December 2026: 17 and 18 December, then 4-11 January 2027 (Friday 1 January is in the holiday).
    due = clock_due_date(start=date(2026, 12, 16), school_days=INITIAL_CHECKS_DAYS, calendar=CALENDAR_2026_27)
    assert due == date(2027, 1, 13)


# ---------------------------------------------------------------------------------------------------------------
# Clock status


def _status(today: date | None = None) -> ClockStatus:
    # Due Friday 6 November 2026 (see the half-term example above).
    return clock_status(start=date(2026, 10, 16), school_days=10, calendar=CALENDAR_2026_27, today=today)


def test_a_clock_counts_down_the_school_days_left_before_its_due_date():
    assert _status(date(2026, 11, 2)) == ClockStatus(
        due_date=date(2026, 11, 6), school_days_remaining=4, overdue=False, school_days_overdue=0
    )


def test_a_clock_is_not_overdue_on_its_due_date():
    status = _status(date(2026, 11, 6))
    assert (status.overdue, status.school_days_remaining) == (False, 0)


def test_a_clock_is_overdue_the_day_after_its_due_date_even_at_a_weekend():
    status = _status(date(2026, 11, 7))
    assert (status.overdue, status.school_days_remaining, status.school_days_overdue) == (True, 0, 0)


def test_an_overdue_clock_counts_the_school_days_it_is_late():
    assert _status(date(2026, 11, 10)).school_days_overdue == 2


def test_clock_status_before_the_clock_starts_counts_from_today():
    assert _status(date(2026, 10, 14)).school_days_remaining == 12


def test_clock_status_uses_the_councils_local_date_by_default():
    # 23:30 UTC on Friday 6 November is still Friday in London (GMT): due today, not overdue.
    with time_machine.travel(dt.datetime(2026, 11, 6, 23, 30, tzinfo=dt.UTC), tick=False):
        assert not _status().overdue
    # 23:30 UTC on Thursday 1 July 2027 is 00:30 on Friday in London (BST): a clock due on the Thursday is overdue.
    with time_machine.travel(dt.datetime(2027, 7, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        status = clock_status(start=date(2027, 6, 30), school_days=1, calendar=CALENDAR_2026_27)
    assert status.due_date == date(2027, 7, 1)
    assert status.overdue


# ---------------------------------------------------------------------------------------------------------------
# Gaps in the calendar


def test_counting_past_the_last_term_entered_raises_calendar_gap_naming_the_year_to_enter():
    with pytest.raises(CalendarGap) as raised:
        add_school_days(date(2027, 7, 15), 10, CALENDAR_2026_27)
    assert raised.value.day == date(2027, 7, 22)
    assert "after 21 July 2027" in raised.value.message
    assert "Enter the term dates for 2027/28" in raised.value.message


def test_asking_about_a_day_before_the_first_term_raises_calendar_gap():
    with pytest.raises(CalendarGap, match=r"before 3 September 2026.*2025/26"):
        is_school_day(date(2026, 8, 20), CALENDAR_2026_27)


def test_a_calendar_ending_mid_year_asks_for_the_rest_of_that_year():
    calendar = SchoolCalendar(term_periods=TERMS_2026_27[:1])
    with pytest.raises(CalendarGap, match=r"after 23 October 2026.*2026/27"):
        add_school_days(date(2026, 10, 23), 1, calendar)


def test_a_calendar_starting_mid_year_asks_for_the_terms_before_it():
    calendar = SchoolCalendar(term_periods=TERMS_2026_27[2:])
    with pytest.raises(CalendarGap, match=r"before 4 January 2027.*2026/27"):
        school_days_between(date(2026, 12, 1), date(2027, 1, 8), calendar)


def test_a_missing_school_year_between_two_entered_years_raises_calendar_gap():
    calendar = _default_calendar(2025, 2027)
    with pytest.raises(CalendarGap, match=r"on 22 July 2026.*2026/27") as raised:
        add_school_days(date(2026, 7, 15), 20, calendar)
    assert raised.value.day == date(2026, 7, 22)


def test_a_summer_holiday_between_consecutive_years_is_not_a_gap():
    calendar = _default_calendar(2025, 2026)
    assert add_school_days(date(2026, 7, 21), 1, calendar) == date(2026, 9, 3)


def test_calendar_gap_is_an_application_error_so_adapters_show_its_message():
    assert issubclass(CalendarGap, ApplicationError)


def test_clock_status_raises_calendar_gap_when_the_due_date_is_beyond_the_calendar():
    with pytest.raises(CalendarGap):
        clock_status(start=date(2027, 7, 20), school_days=5, calendar=CALENDAR_2026_27, today=date(2027, 7, 20))


# ---------------------------------------------------------------------------------------------------------------
# The calendar itself


def test_term_periods_are_kept_in_date_order_whatever_order_they_are_given_in():
    calendar = SchoolCalendar(term_periods=list(reversed(TERMS_2026_27)))
    assert calendar.term_periods == TERMS_2026_27
    assert calendar == CALENDAR_2026_27
    assert (calendar.first_day, calendar.last_day) == (date(2026, 9, 3), date(2027, 7, 21))


def test_overlapping_term_periods_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        SchoolCalendar(term_periods=((date(2026, 9, 3), date(2026, 10, 23)), (date(2026, 10, 23), date(2026, 12, 18))))


def test_a_term_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        SchoolCalendar(term_periods=((date(2026, 10, 23), date(2026, 9, 3)),))


def test_a_calendar_without_terms_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        SchoolCalendar(term_periods=())


def test_school_year_is_named_by_the_september_it_starts_in():
    assert school_year_of(date(2026, 9, 1)) == 2026
    assert school_year_of(date(2027, 1, 1)) == 2026
    assert school_year_of(date(2027, 8, 31)) == 2026


def test_easter_sunday_matches_good_friday_in_the_holidays_package():
    for year in range(1950, 2100):
        good_fridays = holidays.country_holidays("GB", subdiv="ENG", years=year).get_named("Good Friday")
        assert good_fridays == [easter_sunday(year) - timedelta(days=2)], year


# ---------------------------------------------------------------------------------------------------------------
# The default term pattern


def test_default_term_periods_name_six_half_terms():
    names = [term.name for term in default_term_periods(2026)]
    assert names == [
        "Autumn 1 2026",
        "Autumn 2 2026",
        "Spring 1 2027",
        "Spring 2 2027",
        "Summer 1 2027",
        "Summer 2 2027",
    ]


@pytest.mark.parametrize("school_year", range(2020, 2041))
def test_default_term_periods_look_like_an_english_school_year(school_year):
    terms = default_term_periods(school_year)
    calendar = SchoolCalendar(term_periods=tuple(term.span for term in terms))
    # 190 pupil days plus five INSET days is the usual year; the default leaves INSET days in.
    days = school_days_between(terms[0].first_day - timedelta(days=1), terms[-1].last_day, calendar)
    assert 185 <= days <= 196
    assert date(school_year, 9, 1) <= terms[0].first_day <= date(school_year, 9, 7)
    assert date(school_year + 1, 7, 15) <= terms[-1].last_day <= date(school_year + 1, 7, 21)
    for term in terms:
        assert term.first_day.weekday() < 5 and term.last_day.weekday() < 5
        assert (term.last_day - term.first_day).days >= 4  # at least a week
    # Christmas, Good Friday, Easter Monday and the late May bank holiday always fall in a holiday.
    easter = easter_sunday(school_year + 1)
    last_monday_in_may = max(day for day in _days_of_may(school_year + 1) if day.weekday() == 0)
    for day in (date(school_year, 12, 25), easter - timedelta(days=2), easter + timedelta(days=1), last_monday_in_may):
        assert not calendar.in_term(day), day


def _days_of_may(year: int) -> list[date]:
    return [date(year, 5, day) for day in range(1, 32)]


@pytest.mark.parametrize("school_year", range(2020, 2041))
def test_consecutive_default_years_join_without_a_calendar_gap(school_year):
    this_year, next_year = default_term_periods(school_year), default_term_periods(school_year + 1)
    summer_holiday = (next_year[0].first_day - this_year[-1].last_day).days - 1
    assert 35 <= summer_holiday <= LONGEST_HOLIDAY_DAYS


# ---------------------------------------------------------------------------------------------------------------
# Named clocks


def test_statutory_clock_lengths_match_the_regulations():
    assert (CONTINUOUS_ABSENCE_RETURN_DAYS, SICKNESS_RETURN_DAYS) == (10, 15)
    assert (GROUND_H_RETURN_DAYS, GROUND_I_ABSENCE_DAYS) == (10, 20)


def test_practice_defaults_are_the_agreed_starting_values():
    assert (INITIAL_CHECKS_DAYS, ENQUIRY_RESPONSE_DAYS, CASE_REVIEW_DAYS) == (10, 5, 20)


# ---------------------------------------------------------------------------------------------------------------
# Properties over a three-year default calendar and over arbitrary calendars

THREE_YEARS = _default_calendar(2025, 2026, 2027)
starts_in_first_year = st.dates(min_value=date(2025, 9, 3), max_value=date(2026, 8, 31))
counts = st.integers(min_value=1, max_value=190)


@given(start=starts_in_first_year, n=counts)
def test_adding_school_days_always_lands_on_a_school_day(start, n):
    assert is_school_day(add_school_days(start, n, THREE_YEARS), THREE_YEARS)


@given(start=starts_in_first_year, n=st.integers(min_value=0, max_value=190))
def test_counting_back_the_school_days_added_gives_n(start, n):
    assert school_days_between(start, add_school_days(start, n, THREE_YEARS), THREE_YEARS) == n


@given(start=starts_in_first_year, n=counts)
def test_adding_one_more_school_day_always_gives_a_later_date(start, n):
    assert add_school_days(start, n - 1, THREE_YEARS) < add_school_days(start, n, THREE_YEARS)


@given(
    a=st.dates(min_value=date(2025, 9, 3), max_value=date(2028, 7, 21)),
    b=st.dates(min_value=date(2025, 9, 3), max_value=date(2028, 7, 21)),
    c=st.dates(min_value=date(2025, 9, 3), max_value=date(2028, 7, 21)),
)
@settings(max_examples=50)
def test_school_days_between_adds_up_and_reverses(a, b, c):
    assert school_days_between(a, b, THREE_YEARS) == -school_days_between(b, a, THREE_YEARS)
    assert school_days_between(a, c, THREE_YEARS) == school_days_between(a, b, THREE_YEARS) + school_days_between(
        b, c, THREE_YEARS
    )


@st.composite
def calendars(draw) -> SchoolCalendar:
    """Arbitrary calendars: 1-8 periods of 1-100 days separated by holidays of 1-90 days (some longer than a gap)."""
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 1, 1)))
    periods = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        length = draw(st.integers(min_value=0, max_value=99))
        periods.append((day, day + timedelta(days=length)))
        day += timedelta(days=length + 1 + draw(st.integers(min_value=1, max_value=90)))
    closures = draw(st.frozensets(st.dates(min_value=periods[0][0], max_value=periods[-1][1]), max_size=5))
    return SchoolCalendar(term_periods=tuple(periods), closure_days=closures)


def _school_days_known_after(start: date, calendar: SchoolCalendar) -> int:
    """How many school days follow `start` before the calendar runs into a gap, counted one day at a time."""
    known, day = 0, start
    while True:
        day += timedelta(days=1)
        try:
            known += is_school_day(day, calendar)
        except CalendarGap:
            return known


@given(calendar=calendars(), data=st.data())
def test_in_any_calendar_adding_school_days_lands_on_the_nth_school_day(calendar, data):
    start = data.draw(st.dates(min_value=calendar.first_day, max_value=calendar.last_day))
    known = _school_days_known_after(start, calendar)
    assume(known >= 1)
    n = data.draw(st.integers(min_value=1, max_value=known))
    result = add_school_days(start, n, calendar)
    assert is_school_day(result, calendar)
    assert school_days_between(start, result, calendar) == n
    assert result <= calendar.last_day


@given(calendar=calendars(), data=st.data())
def test_in_any_calendar_running_out_of_known_school_days_raises_rather_than_guessing(calendar, data):
    start = data.draw(st.dates(min_value=calendar.first_day, max_value=calendar.last_day))
    with pytest.raises(CalendarGap):
        add_school_days(start, _school_days_known_after(start, calendar) + 1, calendar)


@given(calendar=calendars(), data=st.data())
def test_in_any_calendar_a_day_inside_a_term_is_always_answered(calendar, data):
    first, last = data.draw(st.sampled_from(calendar.term_periods))
    day = data.draw(st.dates(min_value=first, max_value=last))
    expected = day.weekday() < 5 and day not in calendar.bank_holidays and day not in calendar.closure_days
    assert is_school_day(day, calendar) is expected


@given(calendar=calendars())
def test_in_any_calendar_counting_past_the_last_term_raises_calendar_gap(calendar):
    with pytest.raises(CalendarGap):
        add_school_days(calendar.last_day, 1, calendar)
