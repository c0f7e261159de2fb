"""Reads of the council's settings and its school calendar."""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from cme.cases.clocks import SchoolCalendar, default_term_periods, school_year_of

from .models import ClosureDay, CouncilSettings, TermPeriod


def council_settings_get() -> CouncilSettings:
    """The settings row, created with defaults on first use."""
    council, _ = CouncilSettings.objects.get_or_create(pk=1)
    return council


def term_period_list() -> QuerySet[TermPeriod]:
    """The term periods the council has entered, earliest first."""
    return TermPeriod.objects.order_by("first_day")


def closure_day_list() -> QuerySet[ClosureDay]:
    """The closure days the council has entered, earliest first."""
    return ClosureDay.objects.order_by("day")


def school_calendar_get(*, today: date | None = None) -> SchoolCalendar:
    """The calendar the school-day clocks count over: the council's term periods and closure days.

    Until the council enters any term periods, the calendar uses cme's approximate default pattern for the school year
    containing `today` (default: the local date) and the next one, and says so (`approximate=True`). Once any period
    is entered only the entered ones count, so clocks beyond them raise CalendarGap rather than mixing in guesses.
    """
    periods = list(TermPeriod.objects.values_list("first_day", "last_day"))
    approximate = not periods
    if approximate:
        year = school_year_of(today or timezone.localdate())
        periods = [term.span for school_year in (year, year + 1) for term in default_term_periods(school_year)]
    closures = frozenset(ClosureDay.objects.values_list("day", flat=True))
    return SchoolCalendar(term_periods=tuple(periods), closure_days=closures, approximate=approximate)
