"""Changes to a case: status, risk, allocation, escalation, closure. Each is a person's recorded decision."""

from django.db import transaction
from django.utils import timezone

from cme.accounts.models import Team, User
from cme.audit.events import AuditEvent
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale, update_at_version
from cme.people.history import field_changes_record
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record

from ..clocks import CASE_REVIEW_DAYS, INITIAL_CHECKS_DAYS
from ..enums import STATUS_MOVES, CaseStatus, DecisionKind, Outcome, RiskLevel
from ..models import Case, Decision
from ..policies import may_be_allocated_cases
from .common import audit_case_change, decision_record, due_date

ERROR_CLOSED = "This case is closed. Reopen it before changing it."
ERROR_NOT_CLOSED = "Only a closed case can be reopened."
ERROR_STATUS_MOVE = "A case cannot move from {current} to {new}."
ERROR_NOT_AN_OFFICER = "Cases can only be allocated to an active CME officer or manager."
ERROR_NO_RECIPIENT = "Enter who the information was shared with"

# Who an escalation goes to, and on what basis: the notice's "safeguarding and legal powers" purpose.
ESCALATIONS = {
    DecisionKind.ESCALATE_SOCIAL_CARE: "Children's social care",
    DecisionKind.ESCALATE_POLICE: "Police",
    DecisionKind.REFER_OTHER_COUNCIL: "Another council",
}
ESCALATION_CATEGORIES = [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.EDUCATION, DataCategory.CASEWORK]


def _require_open(case: Case, rationale: str) -> None:
    """Every change below needs an open case and a reason; both are checked before anything is written."""
    require_rationale(rationale)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)


@transaction.atomic
def case_status_change(*, case: Case, actor: User, status: CaseStatus, rationale: str, expected_version: int) -> Case:
    """Move an open case between open, enquiries and located. Closing and reopening have their own services."""
    _require_open(case, rationale)
    if status not in STATUS_MOVES[CaseStatus(case.status)]:
        raise ApplicationError(
            ERROR_STATUS_MOVE.format(current=case.get_status_display(), new=CaseStatus(status).label), field="status"
        )
    details = {"from": case.status, "to": status}
    review_days = INITIAL_CHECKS_DAYS if status == CaseStatus.ENQUIRIES else CASE_REVIEW_DAYS
    today = timezone.localdate()
    update_at_version(
        case, expected_version=expected_version, status=status, due_on=due_date(start=today, school_days=review_days)
    )
    decision_record(actor=actor, kind=DecisionKind.CHANGE_STATUS, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, fields=["status", "due_on"])
    return case


@transaction.atomic
def case_set_risk(*, case: Case, actor: User, risk_level: RiskLevel, rationale: str, expected_version: int) -> Case:
    """A person's judgement of the risk to the child; the system never sets it."""
    _require_open(case, rationale)
    details = {"from": case.risk_level, "to": risk_level}
    update_at_version(case, expected_version=expected_version, risk_level=risk_level)
    decision_record(actor=actor, kind=DecisionKind.SET_RISK, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, fields=["risk_level"])
    return case


@transaction.atomic
def case_reallocate(
    *,
    case: Case,
    actor: User,
    officer: User,
    rationale: str,
    team: Team | None = None,
    expected_version: int,
) -> Case:
    """Give the case to `officer` (and their team unless another is named)."""
    _require_open(case, rationale)
    if not may_be_allocated_cases(officer):
        raise ApplicationError(ERROR_NOT_AN_OFFICER, field="officer")
    team = team or officer.team
    details = {
        "from_officer": case.officer_id,
        "to_officer": officer.pk,
        "from_team": case.team_id,
        "to_team": team.pk if team else None,
    }
    update_at_version(case, expected_version=expected_version, officer=officer, team=team)
    decision_record(actor=actor, kind=DecisionKind.REALLOCATE, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, fields=["officer", "team"])
    return case


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: User,
    kind: DecisionKind,
    recipient: str,
    rationale: str,
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK,
) -> Decision:
    """Escalate to children's social care or the police, or refer to another council: a decision and a disclosure.

    The case stays open (the CME duty continues until the child is found in education).
    """
    if kind not in ESCALATIONS:
        raise ValueError(f"{kind} is not an escalation")
    _require_open(case, rationale)
    if not recipient.strip():
        raise ApplicationError(ERROR_NO_RECIPIENT, field="recipient")
    decision = decision_record(
        actor=actor, kind=kind, rationale=rationale, case=case, details={"recipient": recipient.strip()}
    )
    disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation=recipient.strip(),
        data_categories=ESCALATION_CATEGORIES,
        purpose=Purpose.SAFEGUARDING,
        lawful_basis=lawful_basis,
        subject=case.child,
        cause=decision,
        description=f"{DecisionKind(kind).label}: {require_rationale(rationale)}",
    )
    return decision


@transaction.atomic
def case_start_sao(*, case: Case, actor: User, rationale: str) -> Decision:
    """Start a school attendance order process on the case (services.attendance_orders); returns its decision."""
    from .attendance_orders import attendance_order_start

    _require_open(case, rationale)
    order = attendance_order_start(case=case, actor=actor, rationale=rationale)
    return case.decisions.filter(kind=DecisionKind.START_SAO, details__attendance_order=order.pk).get()


@transaction.atomic
def case_close(*, case: Case, actor: User, outcome: Outcome, rationale: str, expected_version: int) -> Case:
    """Close the case with an outcome from the outcome list."""
    _require_open(case, rationale)
    details = {"from": case.status, "outcome": outcome}
    update_at_version(
        case,
        expected_version=expected_version,
        status=CaseStatus.CLOSED,
        outcome=outcome,
        closed_on=timezone.localdate(),
        due_on=None,
    )
    decision_record(actor=actor, kind=DecisionKind.CLOSE_CASE, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, event=AuditEvent.CASE_CLOSED, fields=["status", "outcome", "closed_on"])
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor: User, rationale: str, expected_version: int) -> Case:
    """Reopen a closed case (new information about the child); it goes back to making enquiries."""
    require_rationale(rationale)
    if case.status != CaseStatus.CLOSED:
        raise ApplicationError(ERROR_NOT_CLOSED)
    details = {"previous_outcome": case.outcome}
    today = timezone.localdate()
    update_at_version(
        case,
        expected_version=expected_version,
        status=CaseStatus.ENQUIRIES,
        outcome="",
        closed_on=None,
        due_on=due_date(start=today, school_days=INITIAL_CHECKS_DAYS),
    )
    decision_record(actor=actor, kind=DecisionKind.REOPEN_CASE, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, event=AuditEvent.CASE_REOPENED, fields=["status", "outcome", "closed_on"])
    return case


ERROR_BECAME_CME_IN_FUTURE = "The date the child became missing education must be today or in the past"
ERROR_BECAME_CME_BEFORE_BIRTH = "The date the child became missing education must be after their date of birth"
CASE_CORRECTABLE = ("primary_reason", "became_cme_on")


@transaction.atomic
def case_details_correct(
    *,
    case: Case,
    actor: User,
    rationale: str,
    expected_version: int | None = None,
    primary_reason: str | None = None,
    became_cme_on=None,
) -> Case:
    """Correct what the case records about how the child came to be missing education: the main reason and the day
    they became missing education. Each changed field is kept in the case's history with its old value and
    `rationale` (cme.people.history); a closed case can be corrected too, since its record must still be right."""
    rationale = require_rationale(rationale)
    changes = {}
    if primary_reason is not None and primary_reason != case.primary_reason:
        changes["primary_reason"] = primary_reason
    if became_cme_on is not None and became_cme_on != case.became_cme_on:
        if became_cme_on > timezone.localdate():
            raise ApplicationError(ERROR_BECAME_CME_IN_FUTURE, field="became_cme_on")
        if became_cme_on < case.child.date_of_birth:
            raise ApplicationError(ERROR_BECAME_CME_BEFORE_BIRTH, field="became_cme_on")
        changes["became_cme_on"] = became_cme_on
    if not changes:
        return case
    before = {name: getattr(case, name) for name in changes}
    edited = Case(**{f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields})
    for name, value in changes.items():
        setattr(edited, name, value)
    edited.full_clean(validate_unique=False, validate_constraints=False)
    update_at_version(case, expected_version=expected_version, **changes)
    field_changes_record(actor=actor, record=case, before=before, reason=rationale, child=case.child)
    audit_case_change(actor=actor, case=case, fields=sorted(changes))
    return case
