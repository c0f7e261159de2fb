"""Changes to a case: status, risk, allocation, escalation, closure. Each is a person's recorded decision."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.accounts.models import Team, User
from cme.audit.events import AuditEvent
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale, update_at_version
from cme.people.history import field_changes_record
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.restriction import refused_while_restricted
from cme.privacy.services import disclosure_record
from cme.schools.enrolments import enrolment_from_case_closure, school_outside_register
from cme.schools.models import School

from ..clocks import CASE_REVIEW_DAYS, INITIAL_CHECKS_DAYS
from ..enums import (
    COUNCIL_OUTCOMES,
    COUNTRY_OUTCOMES,
    ON_ROLL_OUTCOMES,
    STATUS_MOVES,
    CaseStatus,
    DecisionKind,
    Outcome,
    RiskLevel,
)
from ..models import Case, Decision
from ..policies import may_be_allocated_cases
from .common import audit_case_change, decision_record, due_date

ERROR_CLOSED = "This case is closed. Reopen it before changing it."
ERROR_NOT_CLOSED = "Only a closed case can be reopened."
ERROR_STATUS_MOVE = "A case cannot move from {current} to {new}."
ERROR_NOT_AN_OFFICER = "Cases can only be allocated to an active CME officer or manager."
ERROR_NO_RECIPIENT = "Enter who the information was shared with"
ERROR_INBOX_ONLY_SOCIAL_CARE = "Only an escalation to children's social care can be sent to an inbox in cme"

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


@refused_while_restricted("case_status_change", lambda kw: [kw["case"].child_id])
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


@refused_while_restricted("case_set_risk", lambda kw: [kw["case"].child_id])
@transaction.atomic
def case_set_risk(*, case: Case, actor: User, risk_level: RiskLevel, rationale: str, expected_version: int) -> Case:
    """A person's judgement of the risk to the child; the system never sets it."""
    _require_open(case, rationale)
    details = {"from": case.risk_level, "to": risk_level}
    update_at_version(case, expected_version=expected_version, risk_level=risk_level)
    decision_record(actor=actor, kind=DecisionKind.SET_RISK, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, fields=["risk_level"])
    return case


@refused_while_restricted("case_reallocate", lambda kw: [kw["case"].child_id])
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


@refused_while_restricted("case_escalate", lambda kw: [kw["case"].child_id])
@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: User,
    kind: DecisionKind,
    recipient: str,
    rationale: str,
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK,
    organisation=None,
    shared: list[str] | None = None,
) -> Decision:
    """Escalate to children's social care or the police, or refer to another council: a decision and a disclosure.

    The case stays open (the CME duty continues until the child is found in education). An escalation to children's
    social care naming an `organisation` (one whose staff sign in to cme) arrives in its inbox as a referral holding
    the details named in `shared` and the rationale (cme.cases.services.partners.partner_referral_send).
    """
    if kind not in ESCALATIONS:
        raise ValueError(f"{kind} is not an escalation")
    _require_open(case, rationale)
    if organisation is not None and kind != DecisionKind.ESCALATE_SOCIAL_CARE:
        raise ApplicationError(ERROR_INBOX_ONLY_SOCIAL_CARE, field="organisation")
    if organisation is not None and not recipient.strip():
        recipient = organisation.name
    if not recipient.strip():
        raise ApplicationError(ERROR_NO_RECIPIENT, field="recipient")
    details = {"recipient": recipient.strip(), **({"organisation": organisation.pk} if organisation else {})}
    decision = decision_record(actor=actor, kind=kind, rationale=rationale, case=case, details=details)
    if organisation is not None:
        from .partners import partner_referral_send

        partner_referral_send(
            case=case,
            decision=decision,
            actor=actor,
            organisation=organisation,
            shared=shared,
            reason=rationale,
            lawful_basis=lawful_basis,
        )
        return decision
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


@refused_while_restricted("case_start_sao", lambda kw: [kw["case"].child_id])
@transaction.atomic
def case_start_sao(*, case: Case, actor: User, rationale: str) -> Decision:
    """Start a school attendance order process on the case (services.attendance_orders); returns its decision."""
    from .attendance_orders import attendance_order_start

    _require_open(case, rationale)
    order = attendance_order_start(case=case, actor=actor, rationale=rationale)
    return case.decisions.filter(kind=DecisionKind.START_SAO, details__attendance_order=order.pk).get()


ERROR_NEEDS_SIGN_OFF = "Closing this case needs a manager's sign-off: ask for it on the closing page"
ERROR_NO_SCHOOL = "Choose the school the child is on the roll of, or enter another council's school"
ERROR_NO_START = "Enter the date the child started at the school"
ERROR_NO_COUNCIL = "Enter the council the child moved to"
ERROR_NO_COUNTRY = "Enter the country the child moved to"
ERROR_DESTINATION_IN_FUTURE = "The date must be today or in the past"


@dataclass(frozen=True)
class Destination:
    """Where the child went, as the closing page records it: a school, a council's area or a country, and when."""

    school: School | None = None
    council: str = ""
    country: str = ""
    on: date | None = None

    def as_fields(self) -> dict:
        return {
            "destination_school": self.school,
            "destination_council": self.council,
            "destination_country": self.country,
            "destination_on": self.on,
        }


def closure_destination(
    *,
    outcome: str,
    school: School | None = None,
    other_school_name: str = "",
    other_school_urn: str = "",
    council: str = "",
    country: str = "",
    on: date | None = None,
    required: bool = True,
) -> Destination:
    """Check what the closing page gave for `outcome` and return the destination to record.

    Found on a school roll: the school (from the register, or another council's school by name and URN) and the
    start date are required. Another council's area or a country: its name is required for the outcomes that mean
    one. Other outcomes record only what was given. With `required` False (the API, whose clients predate these
    fields) nothing is required, but what is given is checked the same way.
    """
    council, country = (council or "").strip(), (country or "").strip()
    if on is not None and on > timezone.localdate():
        raise ApplicationError(ERROR_DESTINATION_IN_FUTURE, field="destination_on")
    if outcome in ON_ROLL_OUTCOMES:
        if school is None and (other_school_name.strip() or other_school_urn.strip()):
            school = school_outside_register(name=other_school_name, urn=other_school_urn)
        if school is None and required:
            raise ApplicationError(ERROR_NO_SCHOOL, field="destination_school")
        if on is None and (required or school is not None):
            raise ApplicationError(ERROR_NO_START, field="destination_on")
    if outcome in COUNCIL_OUTCOMES and not council:
        if outcome == Outcome.ON_ROLL_OTHER_LA and school is not None and school.la_code:
            council = school.la_name
        if not council and required:
            raise ApplicationError(ERROR_NO_COUNCIL, field="destination_council")
    if outcome in COUNTRY_OUTCOMES and not country and required:
        raise ApplicationError(ERROR_NO_COUNTRY, field="destination_country")
    return Destination(school=school, council=council, country=country, on=on)


@refused_while_restricted("case_close", lambda kw: [kw["case"].child_id])
@transaction.atomic
def case_close(
    *,
    case: Case,
    actor: User,
    outcome: Outcome,
    rationale: str,
    expected_version: int,
    destination: Destination | None = None,
) -> Case:
    """Close the case with an outcome from the outcome list, and where the child went.

    Refuses (ERROR_NEEDS_SIGN_OFF) when the council's settings need a manager's sign-off for this closure: the pages
    and the API call `case_close_or_ask` (cme.cases.services.signoff), which asks for it instead.
    """
    from .signoff import sign_off_reasons

    _require_open(case, rationale)
    if sign_off_reasons(case=case, outcome=outcome):
        raise ApplicationError(ERROR_NEEDS_SIGN_OFF)
    return close_now(
        case=case,
        actor=actor,
        outcome=outcome,
        rationale=rationale,
        expected_version=expected_version,
        destination=destination or Destination(),
    )


def close_now(
    *,
    case: Case,
    actor: User,
    outcome: Outcome,
    rationale: str,
    expected_version: int,
    destination: Destination,
    details: dict | None = None,
    audit_actor: User | None = None,
) -> Case:
    """The closure itself, once any sign-off is settled (callers are in a transaction and have checked the case)."""
    details = {"from": case.status, "outcome": outcome, **(details or {})}
    if destination.school is not None:
        details["destination_school_urn"] = destination.school.urn
    update_at_version(
        case,
        expected_version=expected_version,
        status=CaseStatus.CLOSED,
        outcome=outcome,
        closed_on=timezone.localdate(),
        due_on=None,
        **destination.as_fields(),
    )
    decision_record(actor=actor, kind=DecisionKind.CLOSE_CASE, rationale=rationale, case=case, details=details)
    if outcome in ON_ROLL_OUTCOMES and destination.school is not None and destination.on is not None:
        enrolment_from_case_closure(
            child=case.child, school=destination.school, start_date=destination.on, actor=audit_actor or actor
        )
    audit_case_change(
        actor=audit_actor or actor,
        case=case,
        event=AuditEvent.CASE_CLOSED,
        fields=["status", "outcome", "closed_on", *DESTINATION_FIELDS],
    )
    return case


DESTINATION_FIELDS = ["destination_school", "destination_council", "destination_country", "destination_on"]


@refused_while_restricted("case_reopen", lambda kw: [kw["case"].child_id])
@transaction.atomic
def case_reopen(*, case: Case, actor: User, rationale: str, expected_version: int) -> Case:
    """Reopen a closed case (new information about the child); it goes back to making enquiries."""
    require_rationale(rationale)
    if case.status != CaseStatus.CLOSED:
        raise ApplicationError(ERROR_NOT_CLOSED)
    details = {
        "previous_outcome": case.outcome,
        "previous_destination": {
            "school_urn": case.destination_school.urn if case.destination_school_id else None,
            "council": case.destination_council,
            "country": case.destination_country,
            "on": case.destination_on.isoformat() if case.destination_on else None,
        },
    }
    today = timezone.localdate()
    update_at_version(
        case,
        expected_version=expected_version,
        status=CaseStatus.ENQUIRIES,
        outcome="",
        closed_on=None,
        destination_school=None,
        destination_council="",
        destination_country="",
        destination_on=None,
        due_on=due_date(start=today, school_days=INITIAL_CHECKS_DAYS),
    )
    decision_record(actor=actor, kind=DecisionKind.REOPEN_CASE, rationale=rationale, case=case, details=details)
    audit_case_change(actor=actor, case=case, event=AuditEvent.CASE_REOPENED, fields=["status", "outcome", "closed_on"])
    return case


ERROR_BECAME_CME_IN_FUTURE = "The date the child became missing education must be today or in the past"
ERROR_BECAME_CME_BEFORE_BIRTH = "The date the child became missing education must be after their date of birth"
CASE_CORRECTABLE = ("primary_reason", "became_cme_on")


@refused_while_restricted("case_details_correct", lambda kw: [kw["case"].child_id])
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
