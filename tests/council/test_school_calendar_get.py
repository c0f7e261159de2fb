"""The calendar clocks count over: the council's own term dates, or an approximate default until it enters them."""

import datetime as dt
from datetime import date

import pytest
import time_machine

from cme.cases.clocks import CalendarGap, add_school_days, default_term_periods, is_school_day
from cme.council.selectors import school_calendar_get
from cme.council.services import closure_day_create, term_period_create

pytestmark = pytest.mark.django_db


def test_without_term_dates_the_calendar_is_the_default_for_this_school_year_and_next():
    calendar = school_calendar_get(today=date(2026, 11, 29))

    assert calendar.approximate
    expected = [term.span for year in (2026, 2027) for term in default_term_periods(year)]
    assert list(calendar.term_periods) == expected


def test_without_term_dates_the_default_follows_the_local_date():
    # In August 2027 the school year is still 2026/27, so the default runs from September 2026 to July 2028.
    with time_machine.travel(dt.datetime(2027, 8, 15, 12, tzinfo=dt.UTC), tick=False):
        calendar = school_calendar_get()
    assert calendar.first_day == default_term_periods(2026)[0].first_day
    assert calendar.last_day == default_term_periods(2027)[-1].last_day


def test_entered_term_dates_replace_the_default_entirely(sysadmin):
    term_period_create(actor=sysadmin, name="Autumn 1 2026", first_day=date(2026, 9, 2), last_day=date(2026, 10, 16))
    term_period_create(actor=sysadmin, name="Autumn 2 2026", first_day=date(2026, 11, 2), last_day=date(2026, 12, 18))

    calendar = school_calendar_get(today=date(2026, 11, 29))

    assert not calendar.approximate
    assert calendar.term_periods == ((date(2026, 9, 2), date(2026, 10, 16)), (date(2026, 11, 2), date(2026, 12, 18)))
    # This council's two-week October break: 10 school days from Friday 9 October end on Friday 6 November.
    assert add_school_days(date(2026, 10, 9), 10, calendar) == date(2026, 11, 6)


def test_a_clock_running_past_the_entered_term_dates_asks_for_the_next_ones(sysadmin):
    term_period_create(actor=sysadmin, name="Autumn 2 2026", first_day=date(2026, 11, 2), last_day=date(2026, 12, 18))

    with pytest.raises(CalendarGap, match="after 18 December 2026"):
        add_school_days(date(2026, 12, 14), 10, school_calendar_get())


def test_closure_days_are_not_school_days_in_entered_or_default_calendars(sysadmin):
    closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="INSET day across the borough")
    assert not is_school_day(date(2026, 11, 20), school_calendar_get(today=date(2026, 11, 1)))

    term_period_create(actor=sysadmin, name="Autumn 2 2026", first_day=date(2026, 11, 2), last_day=date(2026, 12, 18))
    calendar = school_calendar_get()
    assert not is_school_day(date(2026, 11, 20), calendar)
    assert is_school_day(date(2026, 11, 19), calendar)
