"""Helpers the casework services share: recording a decision, guarding against stale edits, the clocks."""

from datetime import date

from django.db.models import F, Model
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.council.selectors import school_calendar_get

from ..clocks import CalendarGap, clock_due_date
from ..enums import DecisionKind
from ..models import Case, Decision

ERROR_STALE = "Someone else changed this case while you were working on it. Check their changes, then try again."
ERROR_NO_RATIONALE = "Enter the reason for your decision"


class StaleEditError(ApplicationError):
    """The record changed after the person read it; nothing was saved."""


def require_rationale(rationale: str) -> str:
    """Check before changing anything that the person gave a reason; returns it trimmed."""
    if not rationale or not rationale.strip():
        raise ApplicationError(ERROR_NO_RATIONALE, field="rationale")
    return rationale.strip()


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


def versioned_update(instance: Model, *, expected_version: int | None, **changes) -> None:
    """Save `changes` only if the row is still at `expected_version` (None: the version the caller read).

    A conditional UPDATE, so of two people saving at once only the first wins; the second gets StaleEditError
    and nothing of theirs is written.
    """
    version = instance.version if expected_version is None else expected_version
    rows = type(instance).objects.filter(pk=instance.pk, version=version)
    if rows.update(**changes, version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise StaleEditError(ERROR_STALE)
    instance.refresh_from_db()


def due_date(*, start: date, school_days: int) -> date | None:
    """`start` plus `school_days` school days, or None when the council's term dates do not reach that far."""
    try:
        return clock_due_date(start=start, school_days=school_days, calendar=school_calendar_get())
    except CalendarGap:
        return None


def audit_case_change(*, actor, case: Case, event: AuditEvent = AuditEvent.CASE_CHANGED, fields=()) -> None:
    """The audit entry for a change to `case`, written in the change's transaction."""
    audit_record(actor=actor, event=event, target=case, fields=list(fields))
