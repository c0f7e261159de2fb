"""Referrals: recording what was reported, and a person's triage of it."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.people.ages import compulsory_school_age_start
from cme.people.models import Child
from cme.people.services_intake import carers_join_from_source

from ..clocks import INITIAL_CHECKS_DAYS
from ..enums import CaseStatus, CmeReason, DecisionKind, ReferralSource, ReferralStatus, RiskLevel
from ..models import Case, Referral
from ..policies import may_be_allocated_cases
from .common import decision_record, due_date

ERROR_ALREADY_TRIAGED = "This referral has already been triaged."
ERROR_NOT_ALLOCATABLE = "Only an active CME officer or manager can accept a referral into a new case, which is theirs."
ERROR_ANONYMOUS_WITH_NAME = "An anonymous referral cannot record the referrer's name or contact details."
ERROR_ANONYMOUS_NOT_PUBLIC = "Only a member of the public can refer anonymously."
ERROR_CASE_OF_ANOTHER_CHILD = "That case is about a different child."
ERROR_CASE_CLOSED = "That case is closed. Reopen it first, or open a new case."
ERROR_FUTURE_DATE = "The date cannot be in the future"
ERROR_BEFORE_SCHOOL_AGE = "The date the child became missing education must be the same as or after"


@transaction.atomic
def referral_create(
    *,
    actor,
    child: Child,
    source: ReferralSource,
    received_on: date,
    concerns: str,
    is_anonymous: bool = False,
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_organisation: str = "",
    referrer_phone: str = "",
    referrer_email: str = "",
    safeguarding_concern: bool = False,
    carers: list[dict] | None = None,
) -> Referral:
    """Record a referral about `child`. Anonymous referrals come only from the public and name nobody."""
    if is_anonymous and source != ReferralSource.PUBLIC:
        raise ApplicationError(ERROR_ANONYMOUS_NOT_PUBLIC, field="is_anonymous")
    if is_anonymous and (referrer_name or referrer_phone or referrer_email):
        raise ApplicationError(ERROR_ANONYMOUS_WITH_NAME, field="referrer_name")
    if received_on > timezone.localdate():
        raise ApplicationError(ERROR_FUTURE_DATE, field="received_on")
    referral = Referral(
        child=child,
        source=source,
        received_on=received_on,
        concerns=concerns,
        is_anonymous=is_anonymous,
        referrer_name=referrer_name,
        referrer_role=referrer_role,
        referrer_organisation=referrer_organisation,
        referrer_phone=referrer_phone,
        referrer_email=referrer_email,
        safeguarding_concern=safeguarding_concern,
        carers=referral_carers_clean(carers or []),
        recorded_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, event=AuditEvent.REFERRAL_CREATED, target=referral, payload={"source": str(source)})
    return referral


CARER_KEYS = ("name", "relationship", "phone", "address")


def referral_carers_clean(carers: list[dict]) -> list[dict]:
    """The carers a referrer named, kept as given until triage: name, relationship, telephone and address."""
    cleaned = []
    for carer in carers:
        values = {key: " ".join(str(carer.get(key) or "").split()) for key in CARER_KEYS}
        if values["name"]:
            cleaned.append(values)
    return cleaned


def referral_carers_join(*, referral: Referral, actor) -> list:
    """The carers the referral names join the child's carers, with the referral as their source (at triage)."""
    if not referral.carers:
        return []
    who = referral.referrer_organisation or referral.referrer_name or referral.get_source_display()
    return carers_join_from_source(
        actor=actor,
        child=referral.child,
        carers=referral.carers,
        source=f"Referral {referral.pk} from {who}, received {referral.received_on:%-d %B %Y}",
        valid_from=referral.received_on,
    )


def _triage(referral: Referral, *, actor, status: ReferralStatus, rationale: str, case: Case | None) -> None:
    referral.status, referral.case = status, case
    referral.triaged_by, referral.triaged_at, referral.triage_rationale = actor, timezone.now(), rationale
    referral.save(update_fields=["status", "case", "triaged_by", "triaged_at", "triage_rationale", "updated_at"])
    audit_record(
        actor=actor, event=AuditEvent.REFERRAL_TRIAGED, target=referral, related=case, payload={"status": str(status)}
    )


def _locked_received(referral: Referral) -> Referral:
    """Re-read the referral under a row lock so two officers cannot triage it at once."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.RECEIVED:
        raise ApplicationError(ERROR_ALREADY_TRIAGED)
    return referral


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    actor,
    rationale: str,
    case: Case | None = None,
    primary_reason: CmeReason | None = None,
    became_cme_on: date | None = None,
    risk_level: RiskLevel = RiskLevel.NOT_ASSESSED,
) -> Case:
    """Accept the referral into `case` (an open case about the same child) or into a new case, allocated to `actor`.

    A new case needs `primary_reason` and `became_cme_on`. The decision is recorded against the referral.
    """
    rationale = require_rationale(rationale)
    referral = _locked_received(referral)
    is_new_case = case is None
    if case is not None:
        if case.child_id != referral.child_id:
            raise ApplicationError(ERROR_CASE_OF_ANOTHER_CHILD, field="case")
        if case.status == CaseStatus.CLOSED:
            raise ApplicationError(ERROR_CASE_CLOSED, field="case")
    else:
        if not primary_reason:
            raise ApplicationError("Choose the main reason the child may be missing education", field="primary_reason")
        if became_cme_on is None:
            raise ApplicationError("Enter the date the child became missing education", field="became_cme_on")
        if became_cme_on > timezone.localdate():
            raise ApplicationError(ERROR_FUTURE_DATE, field="became_cme_on")
        if not may_be_allocated_cases(actor):  # the new case is allocated to whoever accepts the referral
            raise ApplicationError(ERROR_NOT_ALLOCATABLE)
        school_age = compulsory_school_age_start(referral.child.date_of_birth)
        if became_cme_on < school_age:
            raise ApplicationError(
                f"{ERROR_BEFORE_SCHOOL_AGE} {school_age.day} {school_age:%B %Y}, when the child reached compulsory "
                "school age",
                field="became_cme_on",
            )
        today = timezone.localdate()
        case = Case.objects.create(
            child_id=referral.child_id,
            status=CaseStatus.OPEN,
            team=actor.team,
            officer=actor,
            risk_level=risk_level,
            primary_reason=primary_reason,
            became_cme_on=became_cme_on,
            opened_by=actor,
            opened_on=today,
            due_on=due_date(start=today, school_days=INITIAL_CHECKS_DAYS),
        )
    decision_record(
        actor=actor,
        kind=DecisionKind.ACCEPT_REFERRAL,
        rationale=rationale,
        case=case,
        referral=referral,
        details={"new_case": is_new_case},
    )
    _triage(referral, actor=actor, status=ReferralStatus.ACCEPTED, rationale=rationale, case=case)
    referral_carers_join(referral=referral, actor=actor)
    if is_new_case:
        audit_record(actor=actor, event=AuditEvent.CASE_OPENED, target=case, related=referral)
    return case


@transaction.atomic
def referral_no_further_action(*, referral: Referral, actor, rationale: str) -> Referral:
    """Close the referral without a case, for the stated reason (e.g. the child is on a roll elsewhere)."""
    rationale = require_rationale(rationale)
    referral = _locked_received(referral)
    decision_record(actor=actor, kind=DecisionKind.NO_FURTHER_ACTION, rationale=rationale, referral=referral)
    _triage(referral, actor=actor, status=ReferralStatus.NO_FURTHER_ACTION, rationale=rationale, case=None)
    return referral
