"""Enquiries to agencies: asking, and recording what came back."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import update_at_version
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.restriction import refused_while_restricted
from cme.privacy.services import disclosure_record

from ..clocks import ENQUIRY_RESPONSE_DAYS
from ..enums import CaseStatus, EnquiryAgency, EnquiryResult
from ..models import Case, Document, Enquiry
from ..partner_sharing import DEFAULT_SHARED, shared_categories, shared_details
from .common import due_date

ERROR_CLOSED = "This case is closed. Reopen it before making enquiries."
ERROR_FUTURE = "The date cannot be in the future"
ERROR_BEFORE_REQUEST = "The response date must be the same as or after the date the enquiry was made"
ERROR_RESULT_NEEDED = "Choose what the enquiry found"
ERROR_EVIDENCE_OTHER_CASE = "The evidence must be a document on this case"

# An enquiry sends the child's details to an agency to ask whether it knows where the child is, and the answer
# brings information back: each is a disclosure in the DPO's log, under the duty to identify children missing
# education (Education Act 1996 s436A). A home visit goes to the family, not to an organisation, so it is neither.
_C = DataCategory
ENQUIRY_SHARED_CATEGORIES = [_C.IDENTITY, _C.CONTACT, _C.FAMILY, _C.EDUCATION]
ENQUIRY_RECEIVED_EXTRA = {
    EnquiryAgency.BENEFITS: [_C.BENEFITS],
    EnquiryAgency.HOME_OFFICE: [_C.IMMIGRATION],
    EnquiryAgency.POLICE: [_C.POLICE_PROBATION],
    EnquiryAgency.PROBATION: [_C.POLICE_PROBATION],
    EnquiryAgency.GP_HEALTH: [_C.STATUTORY_SERVICES],
    EnquiryAgency.SCHOOL_NURSING: [_C.STATUTORY_SERVICES],
    EnquiryAgency.CHILDRENS_SOCIAL_CARE: [_C.STATUTORY_SERVICES],
    EnquiryAgency.YOUTH_JUSTICE: [_C.STATUTORY_SERVICES],
    EnquiryAgency.EARLY_HELP: [_C.STATUTORY_SERVICES],
}
NOT_A_DISCLOSURE = {EnquiryAgency.HOME_VISIT}

# An enquiry sent to a partner's inbox in cme is answered there; unanswered, it is chased by email every this many
# days unless the officer agrees another period with the agency (cme.cases.services.partners.enquiry_chasers_send).
DEFAULT_REPLY_WITHIN_DAYS = 10
MAX_REPLY_WITHIN_DAYS = 90
ERROR_REPLY_DAYS = f"Enter a number of days from 1 to {MAX_REPLY_WITHIN_DAYS}"
ERROR_NOTHING_SHARED = "Choose at least one detail to share, so the agency can find the child"
ERROR_ORGANISATION_HAS_NO_USERS = "This organisation has no one who can sign in to cme: record the enquiry by hand"


@refused_while_restricted("enquiry_request", lambda kw: [kw["case"].child_id])
@transaction.atomic
def enquiry_request(
    *,
    case: Case,
    actor,
    agency: EnquiryAgency,
    requested_on: date,
    contact_name: str = "",
    contact_details: str = "",
    joint_enquiry: bool = False,
    organisation=None,
    shared: list[str] | None = None,
    reply_within_days: int | None = None,
) -> Enquiry:
    """Record that an enquiry was made; its response is due ENQUIRY_RESPONSE_DAYS school days later.

    With an `organisation` (an accounts.Organisation whose staff sign in to cme) the enquiry is sent to that
    organisation's inbox: it holds a copy of the child's details named in `shared` (the name and date of birth by
    default) and nothing else of the case, and its answer is due `reply_within_days` days after it was sent.
    """
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    if requested_on > timezone.localdate():
        raise ApplicationError(ERROR_FUTURE, field="requested_on")
    fields = {"response_due_on": due_date(start=requested_on, school_days=ENQUIRY_RESPONSE_DAYS)}
    if organisation is not None:
        fields.update(_partner_fields(case, organisation, shared, reply_within_days, requested_on))
    enquiry = Enquiry(
        case=case,
        agency=agency,
        requested_on=requested_on,
        contact_name=contact_name,
        contact_details=contact_details,
        joint_enquiry=joint_enquiry,
        recorded_by=actor,
        **fields,
    )
    enquiry.full_clean()
    enquiry.save()
    audit_record(
        actor=actor,
        event=AuditEvent.ENQUIRY_RECORDED,
        target=enquiry,
        related=case,
        subject_child_id=case.child_id,
        payload={"agency": str(agency), **({"organisation": organisation.pk} if organisation else {})},
    )
    categories = shared_categories(enquiry.shared) if enquiry.is_to_partner else ENQUIRY_SHARED_CATEGORIES
    _enquiry_disclosure(enquiry, actor=actor, direction=Direction.SHARED_OUT, categories=categories)
    return enquiry


def _partner_fields(case: Case, organisation, shared, reply_within_days, requested_on: date) -> dict:
    """The fields of an enquiry sent to a partner's inbox: what it shares, and when the answer is due."""
    if shared is not None and not shared:
        raise ApplicationError(ERROR_NOTHING_SHARED, field="shared")
    days = DEFAULT_REPLY_WITHIN_DAYS if reply_within_days is None else reply_within_days
    if not 1 <= days <= MAX_REPLY_WITHIN_DAYS:
        raise ApplicationError(ERROR_REPLY_DAYS, field="reply_within_days")
    if not organisation.users.filter(is_active=True).exists():
        raise ApplicationError(ERROR_ORGANISATION_HAS_NO_USERS, field="organisation")
    return {
        "organisation": organisation,
        "shared": shared_details(child=case.child, details=list(DEFAULT_SHARED if shared is None else shared)),
        "reply_within_days": days,
        "response_due_on": requested_on + timedelta(days=days),
    }


@refused_while_restricted("enquiry_record_response", lambda kw: [kw["enquiry"].case.child_id])
@transaction.atomic
def enquiry_record_response(
    *,
    enquiry: Enquiry,
    actor,
    responded_on: date,
    result: EnquiryResult,
    findings: str = "",
    evidence: Document | None = None,
    expected_version: int,
) -> Enquiry:
    """Record the agency's answer. Finding the child here does not change the case: an officer decides that."""
    if result == EnquiryResult.AWAITING:
        raise ApplicationError(ERROR_RESULT_NEEDED, field="result")
    if responded_on > timezone.localdate():
        raise ApplicationError(ERROR_FUTURE, field="responded_on")
    if responded_on < enquiry.requested_on:
        raise ApplicationError(ERROR_BEFORE_REQUEST, field="responded_on")
    if evidence is not None and evidence.case_id != enquiry.case_id:
        raise ApplicationError(ERROR_EVIDENCE_OTHER_CASE, field="evidence")
    audit_record(
        actor=actor,
        event=AuditEvent.ENQUIRY_RECORDED,
        target=enquiry,
        related=("cases.case", enquiry.case_id),
        subject_child_id=enquiry.case.child_id,
        fields=["responded_on", "result", "findings", "evidence"],
    )
    update_at_version(
        enquiry,
        expected_version=expected_version,
        responded_on=responded_on,
        result=result,
        findings=findings,
        evidence=evidence,
    )
    if result != EnquiryResult.NO_TRACE:
        received = ENQUIRY_SHARED_CATEGORIES + ENQUIRY_RECEIVED_EXTRA.get(enquiry.agency, [])
        _enquiry_disclosure(enquiry, actor=actor, direction=Direction.RECEIVED_IN, categories=received)
    return enquiry


def _enquiry_disclosure(enquiry: Enquiry, *, actor, direction: Direction, categories: list[DataCategory]) -> None:
    """Log what an enquiry sent to the agency, or what its answer brought back (not for home visits)."""
    if enquiry.agency in NOT_A_DISCLOSURE:
        return
    agency = EnquiryAgency(enquiry.agency).label
    if enquiry.organisation_id:
        agency = enquiry.organisation.name
    disclosure_record(
        actor=actor,
        direction=direction,
        organisation=f"{agency} ({enquiry.contact_name})" if enquiry.contact_name else agency,
        data_categories=categories,
        purpose=Purpose.LOCATE,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        subject=enquiry.case.child,
        cause=enquiry,
        description="Enquiry about where the child is" if direction == Direction.SHARED_OUT else "Answer to an enquiry",
    )
