"""Safeguarding first (issue 11 point 4): what is flagged, the order every list and queue shows it in, how long each
item has waited, and when its triage is due.

A return, referral or match candidate with a safeguarding concern, and a case marked high risk, is *flagged*. Every
list and queue puts flagged items first (`flagged_first`), then keeps its own order; each row shows its flag, how
long it has waited (hours on its first day, then days) and, while untriaged, when triage is due: the same school day
(`clocks.triage_due_on`). Reads only: nothing here changes a record.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.utils import timezone

from .clocks import CalendarGap, SchoolCalendar, triage_due_on
from .enums import CaseStatus, ReferralStatus, RiskLevel
from .models import Case, Referral

FLAG_SAFEGUARDING = "Safeguarding concern"
FLAG_HIGH_RISK = "High risk"


def flagged_first(items: QuerySet, flag: Q | Exists, *order: str) -> QuerySet:
    """`items` with flagged ones first (annotated `flagged`), then in `order` (default: the queryset's own)."""
    order = order or tuple(items.query.order_by) or tuple(items.model._meta.ordering)
    flagged = When_(When(flag, then=Value(True)), default=Value(False), output_field=BooleanField())
    return items.annotate(flagged=flagged).order_by("-flagged", *order)


def case_flag() -> Q:
    """A case marked high risk."""
    return Q(risk_level=RiskLevel.HIGH)


def referral_flag() -> Q:
    return Q(safeguarding_concern=True)


def child_flag(child_ref: str = "child") -> Q:
    """A child with an open high-risk case or an untriaged referral raising a safeguarding concern: how a match
    candidate about a known child is flagged (a candidate itself carries no concern until someone raises one)."""
    high_risk = Case.objects.filter(child_id=OuterRef(child_ref), risk_level=RiskLevel.HIGH).exclude(
        status=CaseStatus.CLOSED
    )
    concern = Referral.objects.filter(child_id=OuterRef(child_ref), safeguarding_concern=True).exclude(
        status=ReferralStatus.NO_FURTHER_ACTION
    )
    return Q(Exists(high_risk)) | Q(Exists(concern))


@dataclass(frozen=True)
class Priority:
    """What a row shows: its flag (blank when none), how long it has waited, and when its triage is due."""

    flag: str
    waiting: str
    triage_due: date | None = None
    triage_overdue: bool = False
    triage_due_today: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.flag)


def waiting_words(since: datetime | date, *, now: datetime | None = None) -> str:
    """ "Waiting 3 hours", "Waiting 4 days": hours on the first day, days after."""
    now = now or timezone.now()
    if not isinstance(since, datetime):
        days = (timezone.localdate(now) - since).days
        return "Arrived today" if days <= 0 else f"Waiting {days} day{'s' if days != 1 else ''}"
    seconds = max(0, (now - since).total_seconds())
    if seconds < 3600:
        return "Waiting less than an hour"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"Waiting {hours} hour{'s' if hours != 1 else ''}"
    days = int(seconds // 86400)
    return f"Waiting {days} day{'s' if days != 1 else ''}"


def priority_for(
    *,
    flag: str,
    arrived: datetime,
    untriaged: bool,
    calendar: SchoolCalendar | None,
    now: datetime | None = None,
) -> Priority:
    """The row's priority: flagged items not yet triaged are due the same school day they arrived."""
    now = now or timezone.now()
    due = None
    if flag and untriaged and calendar is not None:
        try:
            due = triage_due_on(arrived_on=timezone.localdate(arrived), calendar=calendar)
        except CalendarGap:
            due = None
    today = timezone.localdate(now)
    return Priority(
        flag=flag,
        waiting=waiting_words(arrived, now=now),
        triage_due=due,
        triage_overdue=bool(due and due < today),
        triage_due_today=bool(due and due == today),
    )
