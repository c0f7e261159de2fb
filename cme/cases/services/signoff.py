"""Manager sign-off before a case closes (issue 12 point 2).

The council's settings list the outcomes that need a manager's approval, and a number of school days after which any
case needs it (`CouncilSettings.sign_off_outcomes`, `sign_off_open_school_days`). An officer closing such a case asks
instead (`case_close_or_ask`); a manager approves (the case then closes, exactly as asked) or sends it back with a
reason. Each step is a recorded decision; `case_close` refuses a closure that needs sign-off, so nothing closes
without it. A manager may not approve their own request: sign-off is a second person's check.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.accounts.models import User
from cme.common.errors import ApplicationError
from cme.common.writes import VersionConflictError, require_rationale
from cme.council.selectors import council_settings_get, school_calendar_get

from ..clocks import CalendarGap, add_school_days
from ..enums import CaseStatus, DecisionKind, Outcome, SignOffState
from ..models import Case, SignOffRequest
from ..policies import may_sign_off
from .cases import Destination, _require_open, close_now
from .common import audit_case_change, decision_record

ERROR_ALREADY_WAITING = "A request to close this case is already waiting for a manager"
ERROR_NOT_WAITING = "This request has already been decided"
ERROR_NOT_A_MANAGER = "Only a CME manager can sign off closing a case"
ERROR_OWN_REQUEST = "You asked to close this case: another manager must sign it off"
ERROR_NO_SEND_BACK_REASON = "Enter why you are sending it back"


@dataclass(frozen=True)
class CloseResult:
    """What happened when an officer closed a case: it closed (`sign_off` is None) or it waits for a manager."""

    case: Case
    sign_off: SignOffRequest | None = None

    @property
    def awaiting_sign_off(self) -> bool:
        return self.sign_off is not None


def sign_off_reasons(*, case: Case, outcome: str, today: date | None = None) -> list[str]:
    """Why closing `case` with `outcome` needs a manager's sign-off under the council's settings; empty if it does not.

    The "open longer than N school days" rule counts over the school calendar from the day the case opened. Where the
    council's term dates cannot count that far back, it compares calendar days, which are never fewer than school days,
    so a case is never let through for want of term dates.
    """
    council = council_settings_get()
    today = today or timezone.localdate()
    reasons = []
    if str(outcome) in set(council.sign_off_outcomes or ()):
        reasons.append(f"The outcome is “{Outcome(outcome).label}”")
    limit = council.sign_off_open_school_days
    if limit:
        try:
            over = add_school_days(case.opened_on, limit, school_calendar_get(today=case.opened_on)) < today
            counted = "school days"
        except CalendarGap:
            over = (today - case.opened_on).days > limit
            counted = "days (the term dates do not go back far enough to count school days)"
        if over:
            reasons.append(f"The case has been open longer than {limit} {counted}")
    return reasons


@transaction.atomic
def case_close_or_ask(
    *,
    case: Case,
    actor: User,
    outcome: Outcome,
    rationale: str,
    expected_version: int,
    destination: Destination | None = None,
) -> CloseResult:
    """Close the case, or, when the council's settings need a manager's sign-off, ask for it (the case stays open).

    The request is a decision on the case (REQUEST_SIGN_OFF) with the officer's reason, and holds the outcome and
    destination for the manager to approve as they are.
    """
    _require_open(case, rationale)
    if SignOffRequest.objects.filter(case=case, state=SignOffState.WAITING).exists():
        raise ApplicationError(ERROR_ALREADY_WAITING)  # a manager decides that one first, whatever the new outcome
    destination = destination or Destination()
    reasons = sign_off_reasons(case=case, outcome=outcome)
    if not reasons:
        closed = close_now(
            case=case,
            actor=actor,
            outcome=outcome,
            rationale=rationale,
            expected_version=expected_version,
            destination=destination,
        )
        return CloseResult(case=closed)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise VersionConflictError()
    request = SignOffRequest.objects.create(
        case=case,
        outcome=outcome,
        rationale=require_rationale(rationale),
        needed_because=reasons,
        requested_by=actor,
        **destination.as_fields(),
    )
    decision_record(
        actor=actor,
        kind=DecisionKind.REQUEST_SIGN_OFF,
        rationale=rationale,
        case=case,
        details={"sign_off_id": request.pk, "outcome": outcome, "needed_because": reasons},
    )
    return CloseResult(case=case, sign_off=request)


def _locked_waiting(request: SignOffRequest, actor: User) -> SignOffRequest:
    if not may_sign_off(actor):
        raise ApplicationError(ERROR_NOT_A_MANAGER)
    request = SignOffRequest.objects.select_for_update().select_related("case__child").get(pk=request.pk)
    if request.state != SignOffState.WAITING:
        raise ApplicationError(ERROR_NOT_WAITING)
    if request.requested_by_id == actor.pk:
        raise ApplicationError(ERROR_OWN_REQUEST)
    return request


@transaction.atomic
def sign_off_approve(*, request: SignOffRequest, actor: User, rationale: str) -> Case:
    """A manager approves: the case closes with the outcome and destination the officer asked for.

    Two decisions are recorded: the manager's approval (with their reason), and the closure itself as the officer's
    decision with the officer's reason, naming the manager who signed it off.
    """
    rationale = require_rationale(rationale)
    request = _locked_waiting(request, actor)
    case = request.case
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_NOT_WAITING)
    now = timezone.now()
    SignOffRequest.objects.filter(pk=request.pk).update(
        state=SignOffState.APPROVED, decided_by=actor, decided_at=now, decision_reason=rationale, updated_at=now
    )
    decision_record(
        actor=actor,
        kind=DecisionKind.APPROVE_SIGN_OFF,
        rationale=rationale,
        case=case,
        details={"sign_off_id": request.pk, "outcome": request.outcome, "requested_by": request.requested_by_id},
    )
    destination = Destination(
        school=request.destination_school,
        council=request.destination_council,
        country=request.destination_country,
        on=request.destination_on,
    )
    return close_now(
        case=case,
        actor=request.requested_by,
        outcome=Outcome(request.outcome),
        rationale=request.rationale,
        expected_version=case.version,
        destination=destination,
        details={"sign_off_id": request.pk, "signed_off_by": actor.pk},
        audit_actor=actor,
    )


@transaction.atomic
def sign_off_send_back(*, request: SignOffRequest, actor: User, reason: str) -> SignOffRequest:
    """A manager sends the request back with a reason: the case stays open for the officer to act on it."""
    reason = require_rationale(reason, message=ERROR_NO_SEND_BACK_REASON)
    request = _locked_waiting(request, actor)
    now = timezone.now()
    SignOffRequest.objects.filter(pk=request.pk).update(
        state=SignOffState.SENT_BACK, decided_by=actor, decided_at=now, decision_reason=reason, updated_at=now
    )
    decision_record(
        actor=actor,
        kind=DecisionKind.SEND_BACK_SIGN_OFF,
        rationale=reason,
        case=request.case,
        details={"sign_off_id": request.pk, "outcome": request.outcome, "requested_by": request.requested_by_id},
    )
    audit_case_change(actor=actor, case=request.case, fields=["sign_off"])
    request.refresh_from_db()
    return request
