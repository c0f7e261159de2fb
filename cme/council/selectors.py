"""Reads of the council's settings and its school calendar."""

from datetime import date

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from cme.cases.clocks import SchoolCalendar, default_term_periods, school_year_of

from .models import ClosureDay, CouncilSettings, TermPeriod

# Every page shows the council's name and contact details, so the row is kept in each process's cache for up to a
# minute rather than read on every request. Saving or deleting the row through the model clears this process's copy
# at once; other server processes show the change within COUNCIL_SETTINGS_CACHE_SECONDS.
COUNCIL_SETTINGS_CACHE_KEY = "cme:council-settings"
COUNCIL_SETTINGS_CACHE_SECONDS = 60


def council_settings_get(*, fresh: bool = False) -> CouncilSettings:
    """The settings row, or the defaults (unsaved) until someone saves a change. `fresh` reads the database.

    A read never writes: the row is created by the first change (cme.council.services), with its audit entry.
    """
    if not fresh:
        council = cache.get(COUNCIL_SETTINGS_CACHE_KEY)
        if council is not None:
            return council
    council = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    cache.set(COUNCIL_SETTINGS_CACHE_KEY, council, COUNCIL_SETTINGS_CACHE_SECONDS)
    return council


def council_settings_forget(**kwargs) -> None:
    """Receiver for CouncilSettings' post_save and post_delete (connected in CouncilConfig.ready)."""
    cache.delete(COUNCIL_SETTINGS_CACHE_KEY)


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
