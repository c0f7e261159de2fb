"""Reads of school attendance order processes: a case's processes with their steps, and the deadlines falling due.

`attendance_order_deadlines` is the source the task list (issue 12 point 3) reads: one row per open process whose
latest step has a computed deadline, in the user's caseload.
"""

from dataclasses import dataclass
from datetime import date

from cme.accounts.models import User

from .attendance_orders import NEXT_STAGES, StageRule, rule_for
from .enums import AttendanceOrderStage
from .models import AttendanceOrder, AttendanceOrderStep, Case
from .selectors import case_list_for_user


@dataclass(frozen=True)
class AttendanceOrderDeadline:
    order: AttendanceOrder
    case: Case
    step: AttendanceOrderStep
    rule: StageRule  # the step taken (its section, the task it sets)
    period_ends_on: date | None  # the last day of the parent's period, if the step started one
    due_on: date  # when the officer's next task falls due
    task: str  # what to do, in plain words
    period_is_law: bool  # False when the date is a practice default (checking compliance)

    @property
    def stage(self) -> AttendanceOrderStage:
        return AttendanceOrderStage(self.step.stage)

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def attendance_order_deadlines(
    *, user: User, today: date, within_days: int | None = None
) -> list[AttendanceOrderDeadline]:
    """Open processes in `user`'s caseload whose latest step set a deadline, soonest first.

    `within_days` keeps only those due on or before `today` plus that many days (None: all of them).
    """
    cases = case_list_for_user(user=user)
    steps = (
        AttendanceOrderStep.objects.filter(order__ended_on__isnull=True, order__case__in=cases, due_on__isnull=False)
        .select_related("order__case__child", "order__case__officer")
        .order_by("order_id", "-occurred_on", "-pk")
    )
    latest: dict[int, AttendanceOrderStep] = {}
    for step in steps:
        latest.setdefault(step.order_id, step)
    rows = []
    for step in latest.values():
        if step.stage != step.order.stage:  # a later step without a deadline has been taken
            continue
        if within_days is not None and (step.due_on - today).days > within_days:
            continue
        rule = rule_for(step.order.regime, step.stage)
        rows.append(
            AttendanceOrderDeadline(
                order=step.order,
                case=step.order.case,
                step=step,
                rule=rule,
                period_ends_on=step.period_ends_on,
                due_on=step.due_on,
                task=rule.task,
                period_is_law=rule.period_is_law,
            )
        )
    return sorted(rows, key=lambda row: (row.due_on, row.case.pk))


def attendance_orders_for_case(*, case: Case) -> list[AttendanceOrder]:
    return list(
        case.attendance_orders.select_related("carer", "started_by").prefetch_related(
            "steps__decision__decided_by", "steps__letters__document"
        )
    )


def next_stages(order: AttendanceOrder) -> tuple[AttendanceOrderStage, ...]:
    if not order.is_open:
        return ()
    return NEXT_STAGES[AttendanceOrderStage(order.stage) if order.stage else None]
