"""Writes to the council's settings and its school calendar."""

from datetime import date, timedelta

from django.db import transaction

from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale

from .models import ClosureDay, CouncilSettings, RetentionPeriod, TermPeriod

EDITABLE_FIELDS = (
    "council_name",
    "service_email",
    "service_phone",
    "dpo_name",
    "dpo_email",
    "dpo_address",
    "complaints_url",
    "accessibility_contact_email",
    "roll_max_age_days",
    "sign_off_outcomes",
    "sign_off_open_school_days",
    "letterhead_address",
    "letterhead_contact",
    "protective_marking",
    "attendance_order_regime",
)


@transaction.atomic
def council_settings_update(*, actor: User, **changes: str) -> CouncilSettings:
    """Change the named settings (any of EDITABLE_FIELDS); unknown names are a programming error."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not council settings: {sorted(unknown)}")
    council = _settings_row_locked(actor=actor)
    for name, value in changes.items():
        setattr(council, name, value)
    council.full_clean()
    council.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=council, fields=sorted(changes))
    return council


# A single term runs about 16 weeks (autumn: early September to mid December). A longer period is almost always a
# mistyped year, which would silently make a whole year of weekdays into school days.
LONGEST_TERM_PERIOD = timedelta(weeks=18)

ERROR_TERM_NAME_MISSING = "Enter a name for the term period, for example Autumn 1 2026."
ERROR_TERM_ENDS_BEFORE_IT_STARTS = "The last day must be the same as or after the first day."
ERROR_TERM_TOO_LONG = "A term period must be 18 weeks or shorter. Check the year, or enter each term separately."
ERROR_TERM_OVERLAPS = "These dates overlap {name}, {first_day} to {last_day}."
ERROR_CLOSURE_REASON_MISSING = "Enter why schools are closed on this day."
ERROR_CLOSURE_EXISTS = "A closure day is already recorded on {day}: {reason}."


def _format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _settings_row_locked(*, actor: User | None) -> CouncilSettings:
    """The settings row under a row lock, created with the defaults (and audited) if nobody has saved it yet."""
    council, created = CouncilSettings.objects.get_or_create(pk=1)
    if created:
        audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=council, payload={"settings": "created"})
    return CouncilSettings.objects.select_for_update().get(pk=1)


def _lock_calendar(*, actor: User | None) -> None:
    """Serialise writes to the school calendar, so two people cannot both pass the overlap check and then both save.

    The settings row is the lock: there is exactly one. (On SQLite, which allows one writer at a time, this is a
    no-op; PostgreSQL waits here.)
    """
    _settings_row_locked(actor=actor)


@transaction.atomic
def term_period_create(*, actor: User | None, name: str, first_day: date, last_day: date) -> TermPeriod:
    """Record a term period (both days included). Refuses, naming the field, a missing name, a period that ends
    before it starts or is longer than LONGEST_TERM_PERIOD, and one overlapping a period already entered.

    `actor` is None only for the demo loader and the command line, which act for the operator.
    """
    name = name.strip()
    if not name:
        raise ApplicationError(ERROR_TERM_NAME_MISSING, field="name")
    if last_day < first_day:
        raise ApplicationError(ERROR_TERM_ENDS_BEFORE_IT_STARTS, field="last_day")
    if last_day - first_day >= LONGEST_TERM_PERIOD:
        raise ApplicationError(ERROR_TERM_TOO_LONG, field="last_day")
    _lock_calendar(actor=actor)
    clash = TermPeriod.objects.filter(first_day__lte=last_day, last_day__gte=first_day).order_by("first_day").first()
    if clash is not None:
        # Point at the date that falls inside the other period; if the new one encloses it, at the first day.
        field = (
            "last_day" if clash.first_day <= last_day <= clash.last_day and first_day < clash.first_day else "first_day"
        )
        message = ERROR_TERM_OVERLAPS.format(
            name=clash.name, first_day=_format_day(clash.first_day), last_day=_format_day(clash.last_day)
        )
        raise ApplicationError(message, field=field)
    term_period = TermPeriod(name=name, first_day=first_day, last_day=last_day)
    term_period.full_clean()
    term_period.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=term_period, payload={"term_dates": "added"})
    return term_period


@transaction.atomic
def term_period_delete(*, actor: User | None, term_period: TermPeriod) -> None:
    """Remove a term period, e.g. one entered with the wrong dates (delete it, then create it again)."""
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=term_period, payload={"term_dates": "removed"})
    term_period.delete()


@transaction.atomic
def closure_day_create(*, actor: User | None, day: date, reason: str) -> ClosureDay:
    """Record a day in term when schools are closed across the area; refuses a second closure on the same day."""
    reason = require_rationale(reason, message=ERROR_CLOSURE_REASON_MISSING, field="reason")
    _lock_calendar(actor=actor)
    existing = ClosureDay.objects.filter(day=day).first()
    if existing is not None:
        raise ApplicationError(ERROR_CLOSURE_EXISTS.format(day=_format_day(day), reason=existing.reason), field="day")
    closure = ClosureDay(day=day, reason=reason)
    closure.full_clean()
    closure.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=closure, payload={"closure_day": "added"})
    return closure


@transaction.atomic
def closure_day_delete(*, actor: User | None, closure_day: ClosureDay) -> None:
    """Remove a closure day entered by mistake."""
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=closure_day, payload={"closure_day": "removed"})
    closure_day.delete()


MAX_RETENTION_MONTHS = 100 * 12


@transaction.atomic
def retention_periods_set(*, actor: User, periods: dict[str, int | None], defaults: dict[str, int]) -> list[str]:
    """Set the council's own retention periods (months, by disposal rule); None or the default goes back to it.

    `defaults` names the rules and their default months (cme.privacy.retention.RULES); returns the rules changed.
    """
    unknown = set(periods) - set(defaults)
    if unknown:
        raise TypeError(f"Not retention rules: {sorted(unknown)}")
    current = dict(RetentionPeriod.objects.values_list("rule", "months"))
    changed = []
    for rule, months in periods.items():
        if months is not None and not 0 <= months <= MAX_RETENTION_MONTHS:
            raise ApplicationError("Enter a period between 0 and 1,200 months.", field=rule)
        wanted = None if months is None or months == defaults[rule] else months
        if current.get(rule) == wanted:
            continue
        if wanted is None:
            RetentionPeriod.objects.filter(rule=rule).delete()
        else:
            RetentionPeriod.objects.update_or_create(rule=rule, defaults={"months": wanted})
        changed.append(rule)
    if changed:
        audit_record(
            actor=actor,
            event=AuditEvent.SETTINGS_CHANGED,
            target_type="council.retentionperiod",
            target_id="",
            payload={"retention_periods": {rule: periods[rule] for rule in changed}},
        )
    return changed
