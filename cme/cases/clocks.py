"""Statutory clocks for CME cases: pure functions over a school-day calendar, no database.

The law and guidance count most CME deadlines in *school days*, not calendar days (domain.md 2.3, 2.4 and 14). A
school day here is a weekday inside one of the council's term periods that is neither an England bank holiday nor a
closure day (an INSET day, or a council-wide closure). The calendar only answers for the dates its terms cover: asking
about a date beyond them raises `CalendarGap`, so an officer is told to enter next year's term dates instead of being
shown a silently wrong due date.

Counting convention, used by every function below: the day a clock starts is day 0 and is never counted. "10 school
days after Friday 17 October" is the 10th school day strictly after that Friday.
"""

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays
from django.utils import timezone

from cme.common.errors import ApplicationError

# ---------------------------------------------------------------------------------------------------------------
# Statutory clocks: lengths fixed by regulation or statutory guidance, in school days.

# Reg 13 (2024 Regs), domain.md 2.3 and 14: a school makes a return to the LA when a pupil has been absent without
# permission for a continuous 10 school days or more.
CONTINUOUS_ABSENCE_RETURN_DAYS = 10

# 2024 Regs, domain.md 2.3 and 14: a return once a pupil is recorded absent through illness for 15 school days, which
# prompts the LA to consider its s19 duty. domain.md marks the regulation paragraph as unconfirmed; the length is not.
SICKNESS_RETURN_DAYS = 15

# Reg 9(1)(i) Ground I, domain.md 2.2, 2.4 and 14: a name may be deleted only after 20 continuous school days of
# absence coded G, N or O, and only once the school and the LA have jointly failed to find the child.
GROUND_I_ABSENCE_DAYS = 20

# Reg 9(1)(h) Ground H, domain.md 2.2 and 14: the pupil has not returned within 10 school days after a leave of absence
# ended (again with joint reasonable enquiries).
GROUND_H_RETURN_DAYS = 10

# Reg 9(1)(i) as summarised in domain.md 2.4 and 14: attendance code N ("reason not yet established") must be replaced
# within 5 school days.
CODE_N_REPLACEMENT_DAYS = 5

# Pupil Information Regulations 2005, domain.md 14: the old school sends the CTF within 15 school days of the pupil
# leaving its roll.
CTF_SEND_DAYS = 15

# ---------------------------------------------------------------------------------------------------------------
# Practice defaults for CME casework. These are NOT law: domain.md 3.1 and 14 list such timers as local authority
# practice ("configurable"). They are cme's starting values until a later issue lets each council set its own.

# Practice default: a CME case's first round of reasonable enquiries (domain.md 3.1: schools and LA checks).
INITIAL_CHECKS_DAYS = 10

# Practice default: how long an agency (another LA, a GP, housing, the police) has to answer an enquiry (domain.md 3.1).
ENQUIRY_RESPONSE_DAYS = 5

# Practice default: how often an open case is reviewed by a manager.
CASE_REVIEW_DAYS = 20

# Practice default (issue 11 point 4): a return, referral or match candidate with a safeguarding concern is triaged the
# same school day it arrives (0 school days after it; the next school day when it arrives on a day schools are shut).
# Working Together to Safeguard Children 2023 asks that a referral about a child at risk of harm be acted on without
# delay; the same day is cme's reading of that for the CME service's own triage.
SAFEGUARDING_TRIAGE_DAYS = 0

# ---------------------------------------------------------------------------------------------------------------
# Calendar

# A holiday longer than this between two term periods means term dates are missing, not that schools are shut: the
# English summer holiday is about six weeks, so nine weeks leaves room for local variation and still catches a
# school year that nobody entered.
LONGEST_HOLIDAY_DAYS = 63


def _format_day(day: date) -> str:
    """GOV.UK style: 3 September 2026."""
    return f"{day.day} {day:%B %Y}"


def school_year_of(day: date) -> int:
    """The school year containing `day`, named by the calendar year it starts in: 1 Jan 2027 is in school year 2026."""
    return day.year if day.month >= 9 else day.year - 1


def _school_year_after(day: date) -> int:
    """The school year whose terms come next after a term ending on `day`: one ending in July leads into September."""
    return day.year if day.month in (7, 8) else school_year_of(day)


def _school_year_before(day: date) -> int:
    """The school year whose terms come just before a term starting on `day`: one starting in September follows July."""
    return day.year - 1 if day.month in (8, 9) else school_year_of(day)


class CalendarGap(ApplicationError):
    """A calculation needed a date the calendar has no term dates for.

    `day` is the first date that could not be answered. The message is safe to show: it says which school year's
    term dates to enter.
    """

    def __init__(self, day: date, message: str):
        super().__init__(message)
        self.day = day


class TermDates(NamedTuple):
    """A named term period, both days included: TermDates("Autumn 1 2026", date(2026, 9, 3), date(2026, 10, 23))."""

    name: str
    first_day: date
    last_day: date

    @property
    def span(self) -> tuple[date, date]:
        return (self.first_day, self.last_day)


@lru_cache(maxsize=32)
def england_bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """England's bank holidays for the given years, inclusive, from the offline `holidays` package.

    A bank holiday announced after the installed `holidays` release (as the 2022 state funeral was, at ten days'
    notice) is missing until the package is upgraded; the council records it as a closure day meanwhile.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)))


@dataclass(frozen=True)
class SchoolCalendar:
    """The school days a council's clocks count: weekdays in a term period, less bank holidays and closure days.

    `term_periods` are (first_day, last_day) pairs, both days included, in any order; they must not overlap. Gaps
    between them are half-terms and holidays. `bank_holidays` defaults to England's for every year the terms touch;
    pass a set to override it (tests, or a future Welsh calendar). `approximate` is True when the terms are cme's
    default pattern rather than dates the council entered, so screens can say a due date is an estimate.

    Raises ValueError for a period that ends before it starts, for overlapping periods, or for no periods at all.
    """

    term_periods: tuple[tuple[date, date], ...]
    closure_days: frozenset[date] = frozenset()
    bank_holidays: frozenset[date] | None = None
    approximate: bool = False

    # Derived in __post_init__: sorted first days for bisecting, and the stretches of dates the calendar can answer for.
    _term_starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _covered: tuple[tuple[date, date], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple(sorted((first, last) for first, last in self.term_periods))
        if not periods:
            raise ValueError("A school calendar needs at least one term period.")
        for first, last in periods:
            if last < first:
                raise ValueError(f"A term period cannot end ({last}) before it starts ({first}).")
        for (_, previous_last), (first, _) in itertools.pairwise(periods):
            if first <= previous_last:
                raise ValueError(f"Term periods overlap: one ends on {previous_last}, the next starts on {first}.")
        # Frozen: set the normalised and derived values through object.__setattr__.
        object.__setattr__(self, "term_periods", periods)
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))
        if self.bank_holidays is None:
            bank_holidays = england_bank_holidays(periods[0][0].year, periods[-1][1].year)
        else:
            bank_holidays = frozenset(self.bank_holidays)
        object.__setattr__(self, "bank_holidays", bank_holidays)
        object.__setattr__(self, "_term_starts", tuple(first for first, _ in periods))
        covered = [periods[0]]
        for first, last in periods[1:]:
            covered_first, covered_last = covered[-1]
            if (first - covered_last).days - 1 <= LONGEST_HOLIDAY_DAYS:
                covered[-1] = (covered_first, last)
            else:
                covered.append((first, last))
        object.__setattr__(self, "_covered", tuple(covered))

    @property
    def first_day(self) -> date:
        """The first day of the first term period."""
        return self.term_periods[0][0]

    @property
    def last_day(self) -> date:
        """The last day of the last term period: the calendar cannot count past it."""
        return self.term_periods[-1][1]

    def covers(self, day: date) -> bool:
        """Whether the calendar knows if `day` is a school day (it lies between known terms, not in a too-long gap)."""
        index = bisect.bisect_right(self._covered, (day, date.max)) - 1
        return index >= 0 and day <= self._covered[index][1]

    def in_term(self, day: date) -> bool:
        """Whether `day` falls inside a term period (weekends and bank holidays included)."""
        index = bisect.bisect_right(self._term_starts, day) - 1
        return index >= 0 and day <= self.term_periods[index][1]

    def check_covers(self, day: date) -> None:
        """Raise CalendarGap, with a message saying which term dates to enter, unless the calendar covers `day`."""
        if self.covers(day):
            return
        if day > self.last_day:
            year = _school_year_after(self.last_day)
            where = f"after {_format_day(self.last_day)}, the last day of term it knows"
        elif day < self.first_day:
            year = _school_year_before(self.first_day)
            where = f"before {_format_day(self.first_day)}, the first day of term it knows"
        else:
            known_until = self._covered[bisect.bisect_right(self._covered, (day, date.max)) - 1][1]
            year = _school_year_after(known_until)
            where = f"on {_format_day(day)}: no term dates are entered for the weeks around it"
        school_year = f"{year}/{(year + 1) % 100:02d}"
        raise CalendarGap(
            day, f"The school calendar cannot count school days {where}. Enter the term dates for {school_year}."
        )


def is_school_day(day: date, calendar: SchoolCalendar) -> bool:
    """Whether `day` is a school day: a weekday in a term period that is not a bank holiday or closure day.

    Raises CalendarGap if the calendar has no term dates around `day`.
    """
    calendar.check_covers(day)
    return (
        day.weekday() < 5
        and calendar.in_term(day)
        and day not in calendar.bank_holidays
        and day not in calendar.closure_days
    )


def school_days_between(start: date, end: date, calendar: SchoolCalendar) -> int:
    """The number of school days after `start` up to and including `end`: start excluded, end included.

    So school_days_between(d, add_school_days(d, n)) == n. If `end` is before `start` the count is negative:
    school_days_between(a, b) == -school_days_between(b, a). Raises CalendarGap if a day counted is not covered.
    """
    if end < start:
        return -school_days_between(end, start, calendar)
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_school_day(day, calendar)
        day += timedelta(days=1)
    return count


def add_school_days(start: date, n: int, calendar: SchoolCalendar) -> date:
    """The date of the `n`th school day after `start` (start itself is never counted); `start` when n is 0.

    The result is always a school day when n >= 1. To count a run that includes its first day, such as 20 days of
    absence beginning on day D, count from the day before D (or from the last day the pupil attended). Raises
    ValueError for negative `n` and CalendarGap if the count runs past the term dates the calendar knows.
    """
    if n < 0:
        raise ValueError(f"Cannot add a negative number of school days ({n}).")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        counted += is_school_day(day, calendar)
    return day


def clock_due_date(*, start: date, school_days: int, calendar: SchoolCalendar) -> date:
    """Return the date `school_days` school days after `start`; raise CalendarGap if `calendar` has a gap.

    The clock is met if the action happens on or before the due date.
    """
    # Statutory guidance counts school days, not calendar days: skip weekends, holidays and closures.
    return add_school_days(start, school_days, calendar)


def triage_due_on(*, arrived_on: date, calendar: "SchoolCalendar") -> date:
    """When triage of something with a safeguarding concern that arrived on `arrived_on` is due: that day if it is a
    school day, else the next school day. Raises CalendarGap beyond the term dates the calendar knows."""
    if is_school_day(arrived_on, calendar):
        return add_school_days(arrived_on, SAFEGUARDING_TRIAGE_DAYS, calendar)
    return add_school_days(arrived_on, 1, calendar)


@dataclass(frozen=True)
class ClockStatus:
    """Where a clock stands on `today`.

    `school_days_remaining` counts school days after today up to and including the due date (0 on the due date
    itself and once overdue). `overdue` means today is after the due date; `school_days_overdue` then counts the school
    days after the due date up to and including today, which is 0 on a weekend straight after a Friday due date.
    """

    due_date: date
    school_days_remaining: int
    overdue: bool
    school_days_overdue: int


def clock_status(*, start: date, school_days: int, calendar: SchoolCalendar, today: date | None = None) -> ClockStatus:
    """The due date of a clock of `school_days` starting on `start`, and how it stands on `today` (default: the
    council's local date). Raises CalendarGap if the due date or the count to `today` needs unknown term dates.
    """
    if today is None:
        today = timezone.localdate()  # Europe/London, so a clock never turns overdue an hour early in summer
    due_date = clock_due_date(start=start, school_days=school_days, calendar=calendar)
    if today > due_date:
        return ClockStatus(
            due_date=due_date,
            school_days_remaining=0,
            overdue=True,
            school_days_overdue=school_days_between(due_date, today, calendar),
        )
    return ClockStatus(
        due_date=due_date,
        school_days_remaining=school_days_between(today, due_date, calendar),
        overdue=False,
        school_days_overdue=0,
    )


# ---------------------------------------------------------------------------------------------------------------
# Default term dates


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return date(year, month, day + 1)


MONDAY, FRIDAY = 0, 4


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else _on_or_after(day, MONDAY)


def _weekday_on_or_before(day: date) -> date:
    return day if day.weekday() < 5 else _on_or_before(day, FRIDAY)


def _christmas_break_up(year: int) -> date:
    # Schools break up by 20 December, but rarely open for a lone Monday: then the Friday before is the last day.
    day = _weekday_on_or_before(date(year, 12, 20))
    return day - timedelta(days=3) if day.weekday() == MONDAY else day


def default_term_periods(school_year: int) -> list[TermDates]:
    """Six term periods for the school year starting in September `school_year`: an APPROXIMATION of the usual
    English pattern, for demo data and for councils that have not yet entered their own term dates.

    The pattern: autumn from the first weekday on or after 3 September, half-term in the week from the Monday on or
    after 24 October, breaking up on the last weekday on or before 20 December (the Friday before, if that is a
    Monday); spring from the first weekday on or after 4 January, half-term in the week from the Monday on or after
    12 February, and a two-week Easter holiday from the Monday before Easter Sunday; summer with half-term in the week
    of the late May bank holiday, ending on the last weekday on or before 21 July. Real dates differ by council and by
    year (many fix Easter to early April), and INSET days are not included, so a calendar built from these is marked
    approximate.
    """
    year, next_year = school_year, school_year + 1
    autumn_half_term = _on_or_after(date(year, 10, 24), MONDAY)
    spring_half_term = _on_or_after(date(next_year, 2, 12), MONDAY)
    easter = easter_sunday(next_year)
    easter_holiday_first, easter_holiday_last = easter - timedelta(days=6), easter + timedelta(days=5)
    summer_half_term = _on_or_before(date(next_year, 5, 31), MONDAY)  # the late May (spring) bank holiday
    return [
        TermDates(f"Autumn 1 {year}", _weekday_on_or_after(date(year, 9, 3)), autumn_half_term - timedelta(days=3)),
        TermDates(f"Autumn 2 {year}", autumn_half_term + timedelta(days=7), _christmas_break_up(year)),
        TermDates(
            f"Spring 1 {next_year}",
            _weekday_on_or_after(date(next_year, 1, 4)),
            spring_half_term - timedelta(days=3),
        ),
        TermDates(
            f"Spring 2 {next_year}", spring_half_term + timedelta(days=7), easter_holiday_first - timedelta(days=3)
        ),
        TermDates(
            f"Summer 1 {next_year}", easter_holiday_last + timedelta(days=3), summer_half_term - timedelta(days=3)
        ),
        TermDates(
            f"Summer 2 {next_year}",
            summer_half_term + timedelta(days=7),
            _weekday_on_or_before(date(next_year, 7, 21)),
        ),
    ]
