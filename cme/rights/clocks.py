"""The clocks of rights requests: pure date arithmetic, no ORM.

- One month (UK GDPR Art. 12(3)), as the ICO counts it: from the day the request is received (day one, whether a
  working day or not) to the same date next month; the month's last day when next month has no such date (31 January
  -> 28 or 29 February); then, if that day is a weekend or a bank holiday, the next working day.
- An extension of up to two further months (Art. 12(3)) counts on from the same day of receipt: one month plus the
  extension, clamped and moved to a working day the same way.
- The clock stops (Art. 12A, inserted by the Data (Use and Access) Act 2025) while the council waits for the
  requester's identity or for clarification: every whole day paused moves the due date on by a day, before the
  working-day rule is applied.
- A complaint to the council (DPA 2018 s.164A, inserted by DUAA 2025 s.103, in force 19 June 2026) is acknowledged
  "within the period of 30 days beginning when the complaint is received": the day of receipt is the first of the 30.

A working day is Monday to Friday, except England and Wales bank holidays (the offline `holidays` package, as the
school calendar uses) and any extra non-working days the council records.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

MAX_EXTENSION_MONTHS = 2
COMPLAINT_ACKNOWLEDGE_DAYS = 30
COMPLAINT_DUTY_FROM = date(2026, 6, 19)  # DUAA 2025 s.103 in force
DUE_SOON_DAYS = 7  # a request due within this many days is listed as due soon


def add_months(day: date, months: int) -> date:
    """`day` moved on by `months`, on the month's last day when the target month is shorter (31 January + 1 month is
    28 February, or 29 in a leap year)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last = (next_first - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in `year` (the `holidays` package, offline)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date, extra_closed: Iterable[date] = ()) -> bool:
    """Monday to Friday, not a bank holiday, not one of `extra_closed`."""
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in set(extra_closed)


def next_working_day(day: date, extra_closed: Iterable[date] = ()) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    closed = frozenset(extra_closed)
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def one_month_due(received: date, *, extension_months: int = 0, paused_days: int = 0, extra_closed=()) -> date:
    """The date a request received on `received` must be answered by: see the module's docstring."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is of 0 to {MAX_EXTENSION_MONTHS} months, not {extension_months}")
    if paused_days < 0:
        raise ValueError("A pause cannot be negative")
    return next_working_day(add_months(received, 1 + extension_months) + timedelta(days=paused_days), extra_closed)


def complaint_acknowledge_by(received: date) -> date:
    """The last day of the 30 days beginning on the day a complaint is received."""
    return received + timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS - 1)


@dataclass(frozen=True)
class Pause:
    started: date
    ended: date | None  # None: still paused


def paused_days(pauses: Iterable[Pause], *, today: date) -> int:
    """Whole days the clock stood still: from each pause's first day up to (not including) the day it resumed, or
    up to and including `today` for a pause still running. Overlapping pauses count each day once."""
    days: set[date] = set()
    for pause in pauses:
        end = pause.ended if pause.ended is not None else today + timedelta(days=1)
        day = pause.started
        while day < end:
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def clock_state(due: date, *, today: date, soon_days: int = DUE_SOON_DAYS) -> str:
    """ "overdue", "due_soon" or "on_time" for a due date seen on `today`."""
    if due < today:
        return "overdue"
    if (due - today).days <= soon_days:
        return "due_soon"
    return "on_time"
