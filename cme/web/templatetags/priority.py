"""Safeguarding first on every list and queue (issue 11 point 4): one tag shows a row's flag, how long it has waited
and, while it waits for triage, when triage is due. `{% load priority %}{% priority_tags item %}`.

A tag in Python, like `case_status_tags`, so a page of fifty rows costs no includes; the school calendar is read once
per request.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cme.cases.clocks import CalendarGap
from cme.cases.enums import ReferralStatus, RiskLevel
from cme.cases.models import Case, Referral
from cme.cases.priority import FLAG_HIGH_RISK, FLAG_SAFEGUARDING, priority_for
from cme.council.selectors import school_calendar_get
from cme.matching.enums import ReviewState
from cme.matching.models import MatchCandidate
from cme.schools.enums import TriageState
from cme.schools.models import RollReturn

register = template.Library()


def long_date(day) -> str:
    """ "2 May 2014", as people write dates."""
    return f"{day.day} {day:%B %Y}"


def _calendar(context):
    request = context.get("request")
    holder = request if request is not None else context
    if not hasattr(holder, "_priority_calendar"):
        try:
            holder._priority_calendar = school_calendar_get()
        except CalendarGap:
            holder._priority_calendar = None
    return holder._priority_calendar


def _row(item) -> tuple[str, object, bool]:
    """(flag, when it arrived, whether it still waits for triage) for each kind of row."""
    if isinstance(item, RollReturn):
        flag = FLAG_SAFEGUARDING if item.safeguarding_concern else ""
        return flag, item.created_at, item.triage_state == TriageState.RECEIVED
    if isinstance(item, Referral):
        flag = FLAG_SAFEGUARDING if item.safeguarding_concern else ""
        return flag, item.created_at, item.status == ReferralStatus.RECEIVED
    if isinstance(item, MatchCandidate):
        flag = FLAG_SAFEGUARDING if getattr(item, "flagged", False) else ""
        return flag, item.created_at, item.review_state == ReviewState.TO_REVIEW
    if isinstance(item, Case):
        return (FLAG_HIGH_RISK if item.risk_level == RiskLevel.HIGH else ""), item.opened_on, False
    raise TypeError(f"No priority for {type(item).__name__}")


@register.simple_tag(takes_context=True)
def priority_tags(context, item) -> str:
    """The row's flag (a red tag), "Waiting N hours/days", and "Triage due today" (or overdue) while it waits."""
    flag, arrived, untriaged = _row(item)
    priority = priority_for(flag=flag, arrived=arrived, untriaged=untriaged, calendar=_calendar(context))
    parts = []
    if priority.flagged and not isinstance(item, Case):  # a case's risk tag is among its status tags already
        parts.append(format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', priority.flag))
    if untriaged or priority.flagged:
        parts.append(format_html('<span class="cme-waiting govuk-body-s">{}</span>', priority.waiting))
    if priority.triage_due is not None:
        if priority.triage_overdue:
            words = f"Triage was due {long_date(priority.triage_due)}"
        elif priority.triage_due_today:
            words = "Triage due today"
        else:
            words = f"Triage due {long_date(priority.triage_due)}"
        parts.append(format_html('<strong class="govuk-tag govuk-tag--orange">{}</strong>', words))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part was built by format_html, which escapes
