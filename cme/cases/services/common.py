"""Helpers the casework services share: recording a decision, the clocks, the audit entry for a case change.

The reason a decision needs and the version check live in cme.common.writes, shared with the other apps."""

from datetime import date

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.writes import require_rationale
from cme.council.selectors import school_calendar_get

from ..clocks import CalendarGap, clock_due_date
from ..enums import DecisionKind
from ..models import Case, Decision


def decision_record(
    *,
    actor,
    kind: DecisionKind,
    rationale: str,
    case: Case | None = None,
    referral=None,
    roll_return=None,
    details: dict | None = None,
) -> Decision:
    """Write the decision that a change is made under. Every case, referral or school return triage goes through one."""
    decision = Decision.objects.create(
        kind=kind,
        case=case,
        referral=referral,
        roll_return=roll_return,
        rationale=require_rationale(rationale),
        details=details or {},
        decided_by=actor,
    )
    about = case or referral or roll_return
    audit_record(
        actor=actor,
        event=AuditEvent.DECISION_RECORDED,
        target=decision,
        related=about,
        subject_child_id=about.child_id,
        payload={"kind": str(kind)},
    )
    return decision


def due_date(*, start: date, school_days: int) -> date | None:
    """`start` plus `school_days` school days, or None when the council's term dates do not reach that far."""
    try:
        return clock_due_date(start=start, school_days=school_days, calendar=school_calendar_get())
    except CalendarGap:
        return None


def audit_case_change(*, actor, case: Case, event: AuditEvent = AuditEvent.CASE_CHANGED, fields=()) -> None:
    """The audit entry for a change to `case`, written in the change's transaction."""
    audit_record(actor=actor, event=event, target=case, fields=list(fields))
