"""Evidence about a child who already has an open case joins that case, instead of starting a second referral.

A confirmed match candidate or a school's return about a child whose case is open says something the officer working
the case needs: it becomes a file note and an answered enquiry on the case, each naming where it came from. One
transaction, one audit entry naming the case and the source.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale

from ..enums import CaseStatus, EnquiryAgency, EnquiryResult
from ..models import Case, Enquiry, Note

ERROR_CASE_CLOSED = "That case is closed: the evidence can only join an open case."


@transaction.atomic
def case_evidence_add(
    *,
    case: Case,
    actor,
    source: str,
    summary: str,
    agency: EnquiryAgency,
    received_on: date,
    rationale: str,
    source_kind: str,
) -> tuple[Note, Enquiry]:
    """Add what `source` told us (`summary`) to the open `case`: a file note and an answered enquiry to `agency`.

    `source` names where the evidence came from in words ("School's return 12 from Hill Primary", "Match candidate 4:
    council tax and GP records"); `source_kind` is a short code for the audit entry (``return``, ``match``).
    Raises ApplicationError when the case is closed.
    """
    rationale = require_rationale(rationale)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CASE_CLOSED)
    answered_on = min(received_on, timezone.localdate())
    note = Note.objects.create(
        case=case,
        author=actor,
        text=f"Evidence from {source}, added to this open case instead of a second referral.\n\n{summary}\n\n"
        f"Confirmed by {actor.get_full_name() or actor.username}: {rationale}",
    )
    enquiry = Enquiry(
        case=case,
        agency=agency,
        contact_details=f"Source: {source}"[:200],
        requested_on=answered_on,
        responded_on=answered_on,
        result=EnquiryResult.INFORMATION_FOUND,
        findings=summary,
        recorded_by=actor,
    )
    enquiry.full_clean()
    enquiry.save()
    audit_record(
        actor=actor,
        event=AuditEvent.CASE_EVIDENCE_ADDED,
        target=case,
        related=note,
        subject_child_id=case.child_id,
        payload={"source": source_kind, "note": note.pk, "enquiry": enquiry.pk},
    )
    return note, enquiry
