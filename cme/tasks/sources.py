"""The task sources built from what cme records today: enquiry answers due, case reviews due, returns and referrals
waiting for triage, and part-time timetable reviews. Each is one or two queries, whatever the caseload.

Triage is the whole service's work (cme.cases.selectors.referral_list_for_user): every caseworker sees returns and
referrals waiting for triage in their list, with no assignee. A part-time timetable's review is the task of the
officer whose open case is about the pupil; with no such case it is the service's.
"""

from datetime import date

from cme.cases.clocks import ENQUIRY_RESPONSE_DAYS
from cme.cases.enums import CaseStatus, EnquiryAgency, EnquiryResult, ReferralSource, ReferralStatus
from cme.cases.models import Case, Enquiry, Referral
from cme.schools.enums import ReturnKind, TriageState
from cme.schools.models import RollReturn

from .registry import Task, TaskScope, link_maker, register, school_days_after

# Practice defaults, not law (like the casework timers in cme.cases.clocks): how soon intake should be triaged.
TRIAGE_SCHOOL_DAYS = 2
SAFEGUARDING_TRIAGE_SCHOOL_DAYS = 0  # the day it arrives

KIND_LABELS = {
    "enquiry_answer": "Enquiry answers due",
    "case_review": "Case reviews due",
    "return_triage": "Schools' returns to triage",
    "referral_triage": "Referrals to triage",
    "timetable_review": "Part-time timetable reviews",
}


def _reference(case_id: int) -> str:
    return f"CME-{case_id:06d}"


@register
def enquiry_answers_due(scope: TaskScope, today: date):
    """An agency's answer to an enquiry on an open case, due `ENQUIRY_RESPONSE_DAYS` school days after asking."""
    awaiting = (
        scope.owned(
            Enquiry.objects.filter(result=EnquiryResult.AWAITING).exclude(case__status=CaseStatus.CLOSED),
            "case__officer",
        )
        .values_list("pk", "case_id", "agency", "requested_on", "response_due_on", "case__officer_id")
        .order_by()
    )
    link_enquiry_response = link_maker("web:cases:enquiry-response")
    agencies = dict(EnquiryAgency.choices)
    memo: dict = {}
    for pk, case_id, agency, requested_on, due, officer_id in awaiting:
        if due is None:
            due = school_days_after(requested_on, ENQUIRY_RESPONSE_DAYS, today, memo)
        yield Task(
            kind="enquiry_answer",
            kind_label=KIND_LABELS["enquiry_answer"],
            label=f"Case {_reference(case_id)}: answer from {agencies.get(agency, agency)}",
            due=due,
            link=link_enquiry_response(case_id, pk),
            today=today,
            assignee_id=officer_id,
            record=f"cases.enquiry:{pk}",
        )


@register
def case_reviews_due(scope: TaskScope, today: date):
    """An open case's current stage, due on its `due_on` (set in school days when the stage began)."""
    cases = (
        scope.owned(Case.objects.exclude(status=CaseStatus.CLOSED).filter(due_on__isnull=False))
        .values_list("pk", "status", "due_on", "officer_id")
        .order_by()
    )
    link_detail = link_maker("web:cases:detail")
    statuses = dict(CaseStatus.choices)
    for pk, status, due, officer_id in cases:
        yield Task(
            kind="case_review",
            kind_label=KIND_LABELS["case_review"],
            label=f"Case {_reference(pk)}: review ({statuses.get(status, status).lower()})",
            due=due,
            link=link_detail(pk),
            today=today,
            assignee_id=officer_id,
            record=f"cases.case:{pk}",
        )


@register
def returns_to_triage(scope: TaskScope, today: date):
    """A school's return waiting for triage: `TRIAGE_SCHOOL_DAYS` after it arrived, the same day if safeguarding."""
    waiting = (
        RollReturn.objects.filter(triage_state=TriageState.RECEIVED)
        .values_list("pk", "kind", "received_on", "safeguarding_concern")
        .order_by()
    )
    link_detail = link_maker("web:returns:detail")
    kinds = dict(ReturnKind.choices)
    memo: dict = {}
    for pk, kind, received_on, safeguarding in waiting:
        days = SAFEGUARDING_TRIAGE_SCHOOL_DAYS if safeguarding else TRIAGE_SCHOOL_DAYS
        due = received_on if days == 0 else school_days_after(received_on, days, today, memo)
        what = "safeguarding concern" if safeguarding else kinds.get(kind, kind).lower()
        yield Task(
            kind="return_triage",
            kind_label=KIND_LABELS["return_triage"],
            label=f"Return {pk}: {what}",
            due=due,
            link=link_detail(pk),
            today=today,
            safeguarding=safeguarding,
            record=f"schools.rollreturn:{pk}",
        )


@register
def referrals_to_triage(scope: TaskScope, today: date):
    """A referral waiting for triage, `TRIAGE_SCHOOL_DAYS` school days after it was received."""
    waiting = (
        Referral.objects.filter(status=ReferralStatus.RECEIVED).values_list("pk", "source", "received_on").order_by()
    )
    link_detail = link_maker("web:referrals:detail")
    memo: dict = {}
    sources = dict(ReferralSource.choices)
    for pk, source, received_on in waiting:
        yield Task(
            kind="referral_triage",
            kind_label=KIND_LABELS["referral_triage"],
            label=f"Referral {pk}: from {sources.get(source, source).lower()}",
            due=school_days_after(received_on, TRIAGE_SCHOOL_DAYS, today, memo),
            link=link_detail(pk),
            today=today,
            record=f"cases.referral:{pk}",
        )


@register
def timetable_reviews(scope: TaskScope, today: date):
    """An open part-time timetable's next review, on the date the school gave: the case officer's, or the service's.

    Two queries: the timetables' starting returns (which say which child, once matched), then the open cases of
    those children.
    """
    starts = list(
        RollReturn.objects.filter(
            kind=ReturnKind.PART_TIME_TIMETABLE,
            timetable__ended_on__isnull=True,
            timetable__next_review_on__isnull=False,
        ).values_list("pk", "timetable_id", "timetable__next_review_on", "child_id")
    )
    child_ids = {child_id for *_, child_id in starts if child_id}
    officer_of: dict[int, int] = {}
    if child_ids:
        cases = Case.objects.exclude(status=CaseStatus.CLOSED).filter(child_id__in=child_ids, officer__isnull=False)
        for child_id, officer_id in cases.order_by("-opened_on", "-pk").values_list("child_id", "officer_id"):
            officer_of.setdefault(child_id, officer_id)
    link_detail = link_maker("web:returns:detail")
    for pk, timetable_id, review_on, child_id in starts:
        officer_id = officer_of.get(child_id)
        if officer_id is not None and not scope.team and officer_id != scope.user.pk:
            continue  # another officer's pupil
        yield Task(
            kind="timetable_review",
            kind_label=KIND_LABELS["timetable_review"],
            label=f"Part-time timetable {timetable_id}: review",
            due=review_on,
            link=link_detail(pk),
            today=today,
            assignee_id=officer_id,
            record=f"schools.parttimetimetable:{timetable_id}",
        )


# Sources built in other parts of cme register here (import the module that defines them):
from cme.cases import task_sources as _case_task_sources  # noqa: E402, F401 - sign-offs waiting
from cme.frontdoor import task_sources as _frontdoor_task_sources  # noqa: E402, F401 - reports to triage
from cme.rights import task_sources as _rights_task_sources  # noqa: E402, F401 - the DPO's requests due
