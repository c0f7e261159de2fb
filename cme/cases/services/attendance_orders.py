"""School attendance order processes: started under the council's regime, advanced one step at a time, each step a
person's decision with a rationale and a computed statutory deadline (cme.cases.attendance_orders)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.council.selectors import council_settings_get
from cme.people.models import Carer

from ..attendance_orders import (
    COMPLIANCE_CHECK_DAYS,
    NEXT_STAGES,
    SCHOOL_CHOICE_DAYS,
    minimum_notice_days,
    next_step_from,
    period_last_day,
    rule_for,
)
from ..enums import AttendanceOrderStage, CaseStatus, DecisionKind
from ..models import AttendanceOrder, AttendanceOrderStep, Case, Decision
from .common import decision_record

Stage = AttendanceOrderStage

ERROR_CLOSED = "This case is closed. Reopen it before taking school attendance order steps."
ERROR_ALREADY_OPEN = "This case already has a school attendance order process under way"
ERROR_ENDED = "This school attendance order process has ended"
ERROR_NOT_NEXT = "{stage} cannot come next. The next step can be: {allowed}"
ERROR_NO_CARER = "Select the parent the notices are served on"
ERROR_NOT_THIS_CHILD = "Select a parent or carer of this child"
ERROR_FUTURE = "The date must be today or in the past"
ERROR_BEFORE_LAST = "The date must be on or after the previous step, {day}"
ERROR_PERIOD_SHORT = "The notice must give at least {days} days, counting the day it is served (section 437(2))"
ERROR_PERIOD_REQUIRED = "Enter how many days the notice gives the parent, counting the day it is served"
ERROR_SCHOOL_REQUIRED = "Enter the school the council intends to name"
ERROR_ORDER_TOO_EARLY = (
    "The order cannot be served before {day}: the parent has 15 days, beginning with the day the notice naming the "
    "school was served, to choose a school"
)
ERROR_ANSWER_TOO_EARLY = (
    "The parent has until the end of the notice's period to satisfy the council: record that they did not on or "
    "after {day}"
)
ERROR_ESO_NOT_CONSIDERED = (
    "Confirm that the council has considered applying for an education supervision order (section 447)"
)


def _format(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@transaction.atomic
def attendance_order_start(*, case: Case, actor: User, rationale: str, carer: Carer | None = None) -> AttendanceOrder:
    """Decide to start school attendance order steps on `case`, under the regime the council's settings name."""
    require_rationale(rationale)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    if case.attendance_orders.filter(ended_on__isnull=True).exists():
        raise ApplicationError(ERROR_ALREADY_OPEN)
    if carer is not None and not case.child.carer_relationships.filter(carer=carer).exists():
        raise ApplicationError(ERROR_NOT_THIS_CHILD, field="carer")
    regime = council_settings_get().attendance_order_regime
    order = AttendanceOrder.objects.create(case=case, regime=regime, carer=carer, started_by=actor)
    decision_record(
        actor=actor,
        kind=DecisionKind.START_SAO,
        rationale=rationale,
        case=case,
        details={"attendance_order": order.pk, "regime": regime},
    )
    return order


def _last_step(order: AttendanceOrder) -> AttendanceOrderStep | None:
    return order.steps.order_by("-occurred_on", "-pk").first()


def attendance_order_next_stages(order: AttendanceOrder) -> tuple[AttendanceOrderStage, ...]:
    return () if not order.is_open else NEXT_STAGES[Stage(order.stage) if order.stage else None]


@transaction.atomic
def attendance_order_step_record(
    *,
    order: AttendanceOrder,
    actor: User,
    stage: AttendanceOrderStage | str,
    occurred_on: date,
    rationale: str,
    period_days: int | None = None,
    school_name: str = "",
    carer: Carer | None = None,
    eso_considered: bool = False,
    parent_chose: bool = False,
) -> AttendanceOrderStep:
    """Record the next step: the decision with its rationale, the period it starts and when the next task is due.

    Checks the law's order and periods: the first notice gives at least 15 days (s437(2)); the order is not served
    until the 15 days to choose a school have ended (s438(3)), unless the parent's choice is recorded; a referral for
    prosecution needs the education supervision order considered first (s447).
    """
    order = AttendanceOrder.objects.select_for_update().select_related("case__child").get(pk=order.pk)
    stage = Stage(stage)
    require_rationale(rationale)
    if order.case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    if not order.is_open:
        raise ApplicationError(ERROR_ENDED)
    allowed = attendance_order_next_stages(order)
    if stage not in allowed:
        raise ApplicationError(
            ERROR_NOT_NEXT.format(stage=stage.label, allowed="; ".join(s.label.lower() for s in allowed)),
            field="stage",
        )
    today = timezone.localdate()
    if occurred_on > today:
        raise ApplicationError(ERROR_FUTURE, field="occurred_on")
    last = _last_step(order)
    if last is not None and occurred_on < last.occurred_on:
        raise ApplicationError(ERROR_BEFORE_LAST.format(day=_format(last.occurred_on)), field="occurred_on")
    rule = rule_for(order.regime, stage)
    details: dict = {}

    if carer is not None:
        if not order.case.child.carer_relationships.filter(carer=carer).exists():
            raise ApplicationError(ERROR_NOT_THIS_CHILD, field="carer")
        order.carer = carer
    if stage in (Stage.NOTICE_SERVED, Stage.SCHOOL_NOTICE_SERVED, Stage.ORDER_SERVED) and order.carer is None:
        raise ApplicationError(ERROR_NO_CARER, field="carer")

    if stage == Stage.NOTICE_SERVED:
        if not period_days:
            raise ApplicationError(ERROR_PERIOD_REQUIRED, field="period_days")
        minimum = minimum_notice_days(order.regime)
        if period_days < minimum:
            raise ApplicationError(ERROR_PERIOD_SHORT.format(days=minimum), field="period_days")
    elif stage == Stage.SCHOOL_NOTICE_SERVED:
        period_days = SCHOOL_CHOICE_DAYS
    elif stage == Stage.ORDER_SERVED:
        period_days = COMPLIANCE_CHECK_DAYS
    else:
        period_days = None

    if stage in (Stage.SCHOOL_NOTICE_SERVED, Stage.PARENT_CHOICE, Stage.ORDER_SERVED):
        school_name = school_name.strip() or order.school_name
        if not school_name:
            raise ApplicationError(ERROR_SCHOOL_REQUIRED, field="school_name")
        if school_name != order.school_name:
            details["school_from"], details["school_to"] = order.school_name, school_name
        order.school_name = school_name
    if stage == Stage.ORDER_SERVED:
        notice = order.steps.filter(stage=Stage.SCHOOL_NOTICE_SERVED).order_by("-occurred_on").first()
        choice_made = order.steps.filter(stage=Stage.PARENT_CHOICE, details__parent_chose=True).exists()
        if notice is not None and not choice_made:
            earliest = next_step_from(notice.occurred_on, SCHOOL_CHOICE_DAYS)
            if occurred_on < earliest:
                raise ApplicationError(ERROR_ORDER_TOO_EARLY.format(day=_format(earliest)), field="occurred_on")
    if stage == Stage.PARENT_CHOICE:
        details["parent_chose"] = bool(parent_chose)
    if stage == Stage.PARENT_ANSWERED:
        notice = order.steps.filter(stage=Stage.NOTICE_SERVED).order_by("-occurred_on").first()
        earliest = next_step_from(notice.occurred_on, notice.period_days)
        if occurred_on < earliest:
            raise ApplicationError(ERROR_ANSWER_TOO_EARLY.format(day=_format(earliest)), field="occurred_on")
    if stage == Stage.REFERRED_FOR_PROSECUTION:
        if not eso_considered:
            raise ApplicationError(ERROR_ESO_NOT_CONSIDERED, field="eso_considered")
        details["education_supervision_order_considered"] = True

    period_ends_on = period_last_day(occurred_on, period_days) if period_days else None
    due_on = next_step_from(occurred_on, period_days) if period_days else None
    decision = decision_record(
        actor=actor,
        kind=DecisionKind.SAO_STEP,
        rationale=rationale,
        case=order.case,
        details={"attendance_order": order.pk, "stage": stage.value, "section": rule.section, **details},
    )
    step = AttendanceOrderStep.objects.create(
        order=order,
        stage=stage,
        decision=decision,
        occurred_on=occurred_on,
        period_days=period_days,
        period_ends_on=period_ends_on,
        due_on=due_on,
        details=details,
    )
    order.stage = stage
    if rule.ends_process:
        order.ended_on = occurred_on
    order.save(update_fields=["stage", "carer", "school_name", "ended_on"])
    audit_record(
        actor=actor,
        event=AuditEvent.ATTENDANCE_ORDER_STEP,
        target=step,
        related=order.case,
        subject_child_id=order.case.child_id,
        payload={"stage": stage.value, "decision": decision.pk},
    )
    return step


def attendance_order_decisions(order: AttendanceOrder) -> list[Decision]:
    return [step.decision for step in order.steps.select_related("decision__decided_by")]
