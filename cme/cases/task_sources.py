"""Tasks from case closure (issue 12 point 2): a request to close waiting for a manager, or sent back to its officer.

Registered with the task list (cme.tasks.sources imports this module)."""

from datetime import date

from django.utils import timezone

from cme.tasks.registry import Task, TaskScope, caseworkers, link_maker, register

from .attendance_order_selectors import attendance_order_deadlines
from .selectors import sign_offs_waiting

KIND = "sign_off"
KIND_LABEL = "Sign-offs waiting"


def _sign_off_tasks(user, today: date):
    approve, case_page = link_maker("web:cases:sign-off-approve"), link_maker("web:cases:detail")
    rows = sign_offs_waiting(user=user).select_related(None).values_list("pk", "case_id", "state", "requested_at",
                                                                         "decided_at")  # fmt: skip
    for pk, case_id, state, requested_at, decided_at in rows:
        sent_back = state == "sent_back"
        asked_on = timezone.localdate(decided_at if sent_back else requested_at)
        yield Task(
            kind=KIND,
            kind_label=KIND_LABEL,
            label=(
                f"Case CME-{case_id:06d}: closure sent back, see the manager's reason"
                if sent_back
                else f"Case CME-{case_id:06d}: closure waiting for your sign-off"
            ),
            due=asked_on,  # waiting since: a decision a person is waiting for is due at once
            link=case_page(case_id) if sent_back else approve(case_id, pk),
            today=today,
            assignee_id=user.pk,
            record=f"cases.signoffrequest:{pk}",
        )


@register
def sign_offs_waiting_tasks(scope: TaskScope, today: date):
    """The manager's sign-offs to decide and the officer's requests sent back (per person, as the queue page)."""
    if scope.team:
        yield from _team_sign_off_tasks(today)
    else:
        yield from _sign_off_tasks(scope.user, today)


def _team_sign_off_tasks(today: date):
    """Every caseworker's sign-off tasks in two queries (the team view): what `_sign_off_tasks` gives each of them.

    A request waiting is every manager's but its requester's; a request sent back is its officer's while the case is
    still in their caseload (their own or their team's) and open, with no newer request."""
    from django.db.models import Exists, F, OuterRef, Q

    from cme.accounts.enums import Role

    from .enums import CaseStatus, SignOffState
    from .models import SignOffRequest

    people = dict(caseworkers().values_list("pk", "role"))
    managers = [pk for pk, role in people.items() if role == Role.CME_MANAGER]
    approve, case_page = link_maker("web:cases:sign-off-approve"), link_maker("web:cases:detail")
    open_requests = SignOffRequest.objects.exclude(case__status=CaseStatus.CLOSED).order_by()
    waiting = open_requests.filter(state=SignOffState.WAITING).values_list(
        "pk", "case_id", "requested_at", "requested_by_id"
    )
    for pk, case_id, requested_at, requested_by_id in waiting:
        for manager in managers:
            if manager == requested_by_id:
                continue  # a manager never signs off their own request
            yield Task(
                kind=KIND,
                kind_label=KIND_LABEL,
                label=f"Case CME-{case_id:06d}: closure waiting for your sign-off",
                due=timezone.localdate(requested_at),
                link=approve(case_id, pk),
                today=today,
                assignee_id=manager,
                record=f"cases.signoffrequest:{pk}",
            )
    newer = SignOffRequest.objects.filter(case=OuterRef("case"), pk__gt=OuterRef("pk"))
    in_caseload = Q(case__officer_id=F("requested_by_id")) | Q(
        requested_by__team_id__isnull=False, case__team_id=F("requested_by__team_id")
    )
    sent_back = (
        open_requests.filter(state=SignOffState.SENT_BACK, requested_by__role=Role.CME_OFFICER)
        .filter(in_caseload)
        .exclude(Exists(newer))
        .values_list("pk", "case_id", "decided_at", "requested_by_id")
    )
    for pk, case_id, decided_at, requested_by_id in sent_back:
        if requested_by_id not in people:
            continue
        yield Task(
            kind=KIND,
            kind_label=KIND_LABEL,
            label=f"Case CME-{case_id:06d}: closure sent back, see the manager's reason",
            due=timezone.localdate(decided_at),
            link=case_page(case_id),
            today=today,
            assignee_id=requested_by_id,
            record=f"cases.signoffrequest:{pk}",
        )


@register
def attendance_order_deadline_tasks(scope: TaskScope, today: date):
    """The next statutory (or practice) deadline of each school attendance order process on the person's own cases;
    in the team view, every caseworker's, read once (a manager's caseload is every case) rather than per person."""
    if not scope.team:
        yield from _attendance_order_tasks(scope.user, today, officers={scope.user.pk})
        return
    from cme.accounts.enums import Role

    reader = scope.user if scope.user.role == Role.CME_MANAGER else caseworkers().filter(role=Role.CME_MANAGER).first()
    if reader is not None:
        yield from _attendance_order_tasks(reader, today, officers=set(caseworkers().values_list("pk", flat=True)))


def _attendance_order_tasks(user, today: date, *, officers: set[int]):
    """The deadlines in `user`'s caseload on cases whose officer is one of `officers`, each that officer's task."""
    process = link_maker("web:cases:sao-detail")
    for row in attendance_order_deadlines(user=user, today=today):
        if row.case.officer_id not in officers:
            continue
        yield Task(
            kind="attendance_order",
            kind_label="School attendance order deadlines",
            label=f"Case CME-{row.case.pk:06d}: {row.task}",
            due=row.due_on,
            link=process(row.case.pk, row.order.pk),
            today=today,
            assignee_id=row.case.officer_id,
            record=f"cases.attendanceorder:{row.order.pk}",
        )


@register
def partner_answers_to_read(scope: TaskScope, today: date):
    """A partner agency answered an enquiry in cme: the case's officer reads the answer (cme.cases.services.partners),
    due the day it arrived."""
    from .enums import CaseStatus
    from .models import Enquiry

    answered = (
        scope.owned(
            Enquiry.objects.filter(answered_at__isnull=False, answer_read_at__isnull=True).exclude(
                case__status=CaseStatus.CLOSED
            ),
            "case__officer",
        )
        .values_list("pk", "case_id", "organisation__name", "answered_at", "case__officer_id")
        .order_by()
    )
    case_page = link_maker("web:cases:detail")
    for pk, case_id, organisation, answered_at, officer_id in answered:
        yield Task(
            kind="partner_answer",
            kind_label="Answers from partner agencies to read",
            label=f"Case CME-{case_id:06d}: {organisation} answered an enquiry",
            due=timezone.localdate(answered_at),
            link=case_page(case_id),
            today=today,
            assignee_id=officer_id,
            record=f"cases.enquiry:{pk}",
        )
