"""Tasks from the front door: a report from the public or a professional waiting for an officer to say which child
it is about. Like referrals and returns, triage is the whole service's work (no assignee): every caseworker sees
these tasks, a safeguarding concern due the day it arrived and first in the list, any other report within the
triage days of cme.tasks.sources. Registered with the task list (cme.tasks.sources imports this module)."""

from datetime import date

from django.utils import timezone

from cme.tasks.registry import Task, TaskScope, link_maker, register, school_days_after

from .enums import ReportKind, ReportState
from .models import FrontDoorReport

KIND = "front_door_report"
KIND_LABEL = "Reports from the front door to triage"


@register
def front_door_reports_to_triage(scope: TaskScope, today: date):
    from cme.tasks.sources import SAFEGUARDING_TRIAGE_SCHOOL_DAYS, TRIAGE_SCHOOL_DAYS

    waiting = (
        FrontDoorReport.objects.filter(state=ReportState.RECEIVED)
        .values_list("pk", "reference", "kind", "received_at", "safeguarding_concern")
        .order_by()
    )
    decide = link_maker("web:frontdoor-staff:decide")
    kinds = dict(ReportKind.choices)
    memo: dict = {}
    for pk, reference, kind, received_at, safeguarding in waiting:
        received_on = timezone.localdate(received_at)
        days = SAFEGUARDING_TRIAGE_SCHOOL_DAYS if safeguarding else TRIAGE_SCHOOL_DAYS
        due = received_on if days == 0 else school_days_after(received_on, days, today, memo)
        who = kinds.get(kind, kind).lower()
        yield Task(
            kind=KIND,
            kind_label=KIND_LABEL,
            label=f"Report {reference} from {who}" + (": worry about the child's safety" if safeguarding else ""),
            due=due,
            link=decide(pk),
            today=today,
            safeguarding=safeguarding,
            record=f"frontdoor.frontdoorreport:{pk}",
        )
