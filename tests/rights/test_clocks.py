"""The rights clocks: the ICO's one-month rule, month ends, the next working day, extensions, stopped clocks and the
30-day complaint acknowledgement. Pure date arithmetic: no database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cme.rights import clocks

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def test_a_request_received_on_3_september_is_due_on_3_october():
    # The ICO's worked example: day one is the day of receipt, due on the same date next month.
    assert clocks.one_month_due(date(2026, 9, 3)) == date(2026, 10, 5)  # 3 October 2026 is a Saturday
    assert clocks.one_month_due(date(2025, 9, 3)) == date(2025, 10, 3)  # a Friday


def test_31_january_is_due_on_the_last_day_of_february():
    assert clocks.one_month_due(date(2025, 1, 31)) == date(2025, 2, 28)  # a Friday
    assert clocks.one_month_due(date(2028, 1, 31)) == date(2028, 2, 29)  # a leap year, a Tuesday


def test_a_month_end_on_a_weekend_moves_to_the_monday():
    # 31 January 2026 + 1 month is 28 February 2026, a Saturday.
    assert clocks.one_month_due(date(2026, 1, 31)) == date(2026, 3, 2)


def test_a_due_date_on_a_bank_holiday_monday_moves_to_the_tuesday():
    # Received on Friday 3 April 2026 (Good Friday): due on 3 May, a Sunday; 4 May is the early May bank holiday.
    assert clocks.one_month_due(date(2026, 4, 3)) == date(2026, 5, 5)
    # Received on Friday 25 July 2025: due Monday 25 August 2025, the summer bank holiday.
    assert clocks.one_month_due(date(2025, 7, 25)) == date(2025, 8, 26)


def test_received_on_a_friday_due_on_the_summer_bank_holiday_monday_moves_to_tuesday():
    # Friday 31 July 2026 + 1 month = Monday 31 August 2026, the summer bank holiday.
    assert date(2026, 7, 31).weekday() == 4
    assert clocks.one_month_due(date(2026, 7, 31)) == date(2026, 9, 1)


def test_christmas_and_boxing_day_are_not_working_days():
    # Received 25 November 2026: due Friday 25 December, then Boxing Day (Saturday) and its substitute Monday 28th.
    assert clocks.one_month_due(date(2026, 11, 25)) == date(2026, 12, 29)


def test_an_extension_adds_one_or_two_months_from_receipt():
    received = date(2025, 1, 31)
    assert clocks.one_month_due(received, extension_months=1) == date(2025, 3, 31)
    assert clocks.one_month_due(received, extension_months=2) == date(2025, 4, 30)
    with pytest.raises(ValueError):
        clocks.one_month_due(received, extension_months=3)


def test_days_the_clock_stood_still_move_the_due_date_on():
    received = date(2025, 9, 3)  # due Friday 3 October
    pauses = [clocks.Pause(date(2025, 9, 10), date(2025, 9, 17))]  # seven days waiting for identity
    assert clocks.paused_days(pauses, today=date(2025, 9, 20)) == 7
    assert clocks.one_month_due(received, paused_days=7) == date(2025, 10, 10)


def test_a_clock_still_stopped_counts_up_to_today_and_overlaps_count_once():
    pauses = [clocks.Pause(date(2025, 9, 10), None), clocks.Pause(date(2025, 9, 11), date(2025, 9, 12))]
    assert clocks.paused_days(pauses, today=date(2025, 9, 12)) == 3  # the 10th, 11th and 12th


def test_a_complaint_is_acknowledged_within_30_days_beginning_on_receipt():
    assert clocks.complaint_acknowledge_by(date(2026, 6, 19)) == date(2026, 7, 18)


def test_clock_states():
    today = date(2026, 12, 6)
    assert clocks.clock_state(today - timedelta(days=1), today=today) == "overdue"
    assert clocks.clock_state(today, today=today) == "due_soon"
    assert clocks.clock_state(today + timedelta(days=7), today=today) == "due_soon"
    assert clocks.clock_state(today + timedelta(days=8), today=today) == "on_time"


@given(DAYS)
def test_the_due_date_is_a_working_day_within_a_few_days_of_the_calendar_month(received):
    due = clocks.one_month_due(received)
    plain = clocks.add_months(received, 1)
    assert clocks.is_working_day(due)
    assert plain <= due <= plain + timedelta(days=5)  # at most a weekend plus Christmas, Boxing Day and substitutes
    # Every day between is not a working day: the due date is the first working day on or after the plain date.
    assert all(not clocks.is_working_day(plain + timedelta(days=n)) for n in range((due - plain).days))


@given(DAYS)
def test_add_months_keeps_the_day_or_takes_the_month_end(received):
    later = clocks.add_months(received, 1)
    assert (later.year * 12 + later.month) - (received.year * 12 + received.month) == 1
    if later.day != received.day:
        assert later.day < received.day and (later + timedelta(days=1)).day == 1


@given(DAYS, st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=60))
def test_more_time_never_brings_the_due_date_forward(received, extension, paused):
    base = clocks.one_month_due(received)
    assert clocks.one_month_due(received, extension_months=extension, paused_days=paused) >= base
