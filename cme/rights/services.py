"""Writes for rights requests: logging, subjects, the clock (pause, resume, extension), decisions and complaints.

Every write is audited in its transaction. Decisions (rectify, restrict, erase, object, close) are the DPO's, with a
reason. Corrections go through the people services, so the old value is kept in the record's history; restriction
is cme.privacy.restriction; a granted erasure is the retention engine's disposal of the child (cme.privacy.disposal).
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.people.models import Carer, Child
from cme.people.services import carer_update, child_update
from cme.privacy.disposal import disposal_erase_child
from cme.privacy.restriction import restriction_current, restriction_place

from .enums import (
    COMPLAINT_OUTCOMES,
    REQUEST_OUTCOMES,
    Channel,
    IcoStage,
    IdentityCheck,
    Outcome,
    PauseReason,
    RequesterRole,
    RequestKind,
    RequestStatus,
)
from .models import ClockPause, RequestSubject, RightsRequest

ERROR_CLOSED = "This request is closed."
ERROR_NOT_PAUSED = "The clock is not stopped."
ERROR_ALREADY_PAUSED = "The clock is already stopped."
ERROR_EXTENSION_MONTHS = "An extension is of one or two further months"
ERROR_EXTENSION_LATE = (
    "The requester must be told of an extension within the first month (by {due}): it can no longer be extended."
)
ERROR_EXTENSION_KIND = "A complaint has no one-month clock to extend."
ERROR_NO_DETAILS = "Enter what they asked for"
ERROR_NO_NAME = "Enter the requester's name"
ERROR_RECEIVED_FUTURE = "The date received must be today or in the past"
ERROR_NO_SUBJECT = "There is no {kind} with record number {number}."
ERROR_SUBJECT_TWICE = "This person is already named on the request."
ERROR_WRONG_KIND = "This is not {what} request."
ERROR_NOT_A_SUBJECT = "Name the child on the request before deciding it."
ERROR_OUTCOME = "Choose an outcome that fits this kind of request"
ERROR_RESUME_BEFORE = "The clock cannot restart before it stopped ({started})."
ERROR_NO_CHANGE = "Change at least one value, or close the request saying why no correction was made."
ERROR_NOT_COMPLAINT = "Only a complaint is acknowledged or taken to the ICO."
ERROR_HELD = "A legal hold is in force on this child: nothing of them can be erased until it is released."

SUBJECT_MODELS = {"child": Child, "carer": Carer}


def _open(request: RightsRequest) -> RightsRequest:
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    return request


def _changed(actor, request: RightsRequest, change: str, **detail) -> None:
    audit_record(
        actor=actor,
        event=AuditEvent.RIGHTS_REQUEST_CHANGED,
        target=request,
        payload={"change": change},
        detail=detail or None,
    )


@transaction.atomic
def request_record(
    *,
    actor,
    kind: RequestKind,
    requester_name: str,
    details: str,
    received_on: date,
    requester_role: RequesterRole = RequesterRole.SELF,
    requester_contact: str = "",
    identity: IdentityCheck = IdentityCheck.NOT_CHECKED,
    identity_notes: str = "",
    channel: Channel = Channel.RECORDED,
) -> RightsRequest:
    """Log a request or complaint as received. The clock starts on `received_on` (day one, ICO)."""
    if not requester_name.strip():
        raise ApplicationError(ERROR_NO_NAME, field="requester_name")
    if not details.strip():
        raise ApplicationError(ERROR_NO_DETAILS, field="details")
    if received_on > timezone.localdate():
        raise ApplicationError(ERROR_RECEIVED_FUTURE, field="received_on")
    request = RightsRequest(
        kind=kind,
        channel=channel,
        requester_name=requester_name.strip(),
        requester_role=requester_role,
        requester_contact=requester_contact.strip(),
        details=details.strip(),
        received_on=received_on,
        identity=identity,
        identity_notes=identity_notes.strip(),
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        event=AuditEvent.RIGHTS_REQUEST_RECORDED,
        target=request,
        payload={"kind": str(kind), "channel": str(channel)},
    )
    return request


def public_report_submit(*, name: str, contact: str, child_name: str, details: str) -> RightsRequest:
    """What a family told the council through the public form: a rectification request for the DPO, received today.

    Nothing identifies a child automatically; the DPO links the request to the child it is about."""
    about = f"About: {child_name.strip()}\n\n" if child_name.strip() else ""
    return request_record(
        actor=None,
        kind=RequestKind.RECTIFICATION,
        requester_name=name,
        requester_role=RequesterRole.OTHER,
        requester_contact=contact,
        details=about + details.strip(),
        received_on=timezone.localdate(),
        channel=Channel.PUBLIC_FORM,
    )


@transaction.atomic
def request_subject_add(*, actor, request: RightsRequest, kind: str, number: int) -> RequestSubject:
    """Name a child or carer (by record number) as a person the request is about."""
    request = _open(request)
    model = SUBJECT_MODELS.get(kind)
    if model is None or not model.objects.filter(pk=number).exists():
        raise ApplicationError(ERROR_NO_SUBJECT.format(kind=kind if model else "person", number=number), field="number")
    subject_type = ContentType.objects.get_for_model(model)
    if RequestSubject.objects.filter(request=request, subject_type=subject_type, subject_id=number).exists():
        raise ApplicationError(ERROR_SUBJECT_TWICE, field="number")
    subject = RequestSubject.objects.create(
        request=request, subject_type=subject_type, subject_id=number, added_by=actor
    )
    audit_record(
        actor=actor,
        event=AuditEvent.RIGHTS_REQUEST_CHANGED,
        target=request,
        subject_child_id=number if kind == "child" else None,
        payload={"change": "subject_added", "subject_type": model._meta.label_lower, "subject": number},
    )
    return subject


@transaction.atomic
def request_identity_record(*, actor, request: RightsRequest, identity: IdentityCheck, notes: str) -> RightsRequest:
    """Say how the requester's identity was checked."""
    request = _open(request)
    request.identity, request.identity_notes = identity, notes.strip()
    request.full_clean()
    request.save(update_fields=["identity", "identity_notes"])
    _changed(actor, request, "identity", identity=str(identity))
    return request


@transaction.atomic
def clock_pause(*, actor, request: RightsRequest, reason: PauseReason, started_on: date, note: str = "") -> ClockPause:
    """Stop the clock while waiting for the requester's identity or clarification (Art. 12A)."""
    request = _open(request)
    if request.kind == RequestKind.COMPLAINT:
        raise ApplicationError(ERROR_EXTENSION_KIND)
    if request.pauses.filter(ended_on__isnull=True).exists():
        raise ApplicationError(ERROR_ALREADY_PAUSED)
    if started_on < request.received_on or started_on > timezone.localdate():
        raise ApplicationError("The clock stops on a day between receipt and today", field="started_on")
    pause = ClockPause.objects.create(
        request=request, reason=reason, started_on=started_on, note=note.strip(), paused_by=actor
    )
    request.status = RequestStatus.PAUSED
    request.save(update_fields=["status"])
    _changed(actor, request, "clock_stopped", reason=str(reason))
    return pause


@transaction.atomic
def clock_resume(*, actor, request: RightsRequest, ended_on: date) -> ClockPause:
    """Restart the clock: what was waited for arrived on `ended_on`."""
    request = _open(request)
    pause = request.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        raise ApplicationError(ERROR_NOT_PAUSED)
    if ended_on < pause.started_on or ended_on > timezone.localdate():
        raise ApplicationError(
            ERROR_RESUME_BEFORE.format(started=f"{pause.started_on.day} {pause.started_on:%B %Y}"), field="ended_on"
        )
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    request.status = RequestStatus.OPEN
    request.save(update_fields=["status"])
    _changed(actor, request, "clock_restarted")
    return pause


@transaction.atomic
def request_extend(*, actor, request: RightsRequest, months: int, reason: str, today: date | None = None):
    """Extend by one or two further months (Art. 12(3)), with the reason given to the requester. Refused once the
    first month is over: the requester must be told within it."""
    request = _open(request)
    reason = require_rationale(reason, field="reason")
    today = today or timezone.localdate()
    if request.kind == RequestKind.COMPLAINT:
        raise ApplicationError(ERROR_EXTENSION_KIND)
    if months not in (1, 2):
        raise ApplicationError(ERROR_EXTENSION_MONTHS, field="months")
    from .selectors import request_due_on

    first_month = request_due_on(request, today=today, with_extension=False)
    if today > first_month:
        raise ApplicationError(ERROR_EXTENSION_LATE.format(due=f"{first_month.day} {first_month:%B %Y}"))
    request.extension_months, request.extension_reason, request.extended_on = months, reason, today
    request.save(update_fields=["extension_months", "extension_reason", "extended_on"])
    _changed(actor, request, "extended", reason=reason)
    return request


@transaction.atomic
def request_close(
    *, actor, request: RightsRequest, outcome: Outcome, reason: str, closed_on: date | None = None
) -> RightsRequest:
    """Close the request with its outcome and the DPO's reason (what was done, or why it was refused)."""
    request = _open(request)
    reason = require_rationale(reason, field="reason")
    allowed = COMPLAINT_OUTCOMES if request.kind == RequestKind.COMPLAINT else REQUEST_OUTCOMES
    if outcome not in allowed:
        raise ApplicationError(ERROR_OUTCOME, field="outcome")
    request.pauses.filter(ended_on__isnull=True).update(ended_on=closed_on or timezone.localdate())
    request.status, request.outcome, request.outcome_reason = RequestStatus.CLOSED, outcome, reason
    request.closed_on, request.closed_by = closed_on or timezone.localdate(), actor
    request.save(update_fields=["status", "outcome", "outcome_reason", "closed_on", "closed_by"])
    audit_record(
        actor=actor,
        event=AuditEvent.RIGHTS_REQUEST_CLOSED,
        target=request,
        payload={"outcome": str(outcome)},
        detail={"reason": reason},
    )
    return request


# --- complaints ------------------------------------------------------------------------------------------------------


def _complaint(request: RightsRequest) -> RightsRequest:
    if request.kind != RequestKind.COMPLAINT:
        raise ApplicationError(ERROR_NOT_COMPLAINT)
    return request


@transaction.atomic
def complaint_acknowledge(*, actor, request: RightsRequest, acknowledged_on: date) -> RightsRequest:
    """Record that receipt of the complaint was acknowledged (DPA 2018 s.164A(3): within 30 days)."""
    request = _complaint(_open(request))
    if acknowledged_on < request.received_on or acknowledged_on > timezone.localdate():
        raise ApplicationError("The acknowledgement date must be between receipt and today", field="acknowledged_on")
    request.acknowledged_on = acknowledged_on
    request.save(update_fields=["acknowledged_on"])
    _changed(actor, request, "acknowledged")
    return request


@transaction.atomic
def complaint_ico_record(
    *, actor, request: RightsRequest, stage: IcoStage, reference: str = "", outcome: str = ""
) -> RightsRequest:
    """Record the route to the Information Commissioner: the requester told of it, their complaint to the ICO, and
    what the ICO decided. Allowed on a closed complaint too: the ICO comes after the council's answer."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    _complaint(request)
    if stage == IcoStage.CLOSED and not outcome.strip():
        raise ApplicationError("Enter what the ICO decided", field="outcome")
    request.ico_stage, request.ico_reference, request.ico_outcome = stage, reference.strip(), outcome.strip()
    request.full_clean()
    request.save(update_fields=["ico_stage", "ico_reference", "ico_outcome"])
    _changed(actor, request, f"ico_{stage or 'none'}")
    return request


# --- decisions on the records ----------------------------------------------------------------------------------------


def _subject_ids(request: RightsRequest, model) -> set[int]:
    subject_type = ContentType.objects.get_for_model(model)
    return set(request.subjects.filter(subject_type=subject_type).values_list("subject_id", flat=True))


def _kind(request: RightsRequest, *kinds: RequestKind, what: str) -> None:
    if request.kind not in kinds:
        raise ApplicationError(ERROR_WRONG_KIND.format(what=what))


def rectification_apply(
    *, actor, request: RightsRequest, person: Child | Carer, changes: dict, expected_version: int, reason: str
):
    """Correct `person`'s record as the request asks: through child_update / carer_update, so the old value stays in
    the record's history (cme.people.history) with the request's reference in the reason, and the change is audited
    as a change to the record and as a rectification on the request. A restricted child cannot be corrected until
    the restriction is lifted (the guard in those services refuses it)."""
    _kind(request, RequestKind.RECTIFICATION, what="a rectification")
    if request.status == RequestStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    if person.pk not in _subject_ids(request, type(person)):
        raise ApplicationError(ERROR_NOT_A_SUBJECT)
    reason = require_rationale(reason, field="reason")
    current = {name: getattr(person, name) for name in changes}
    changes = {name: value for name, value in changes.items() if value != current[name]}
    if not changes:
        raise ApplicationError(ERROR_NO_CHANGE)
    full_reason = f"Rectification request {request.reference}: {reason}"
    update = child_update if isinstance(person, Child) else carer_update
    person_arg = {type(person).__name__.lower(): person}
    person = update(actor=actor, expected_version=expected_version, reason=full_reason, **person_arg, **changes)
    audit_record(
        actor=actor, event=AuditEvent.RECTIFICATION_APPLIED, target=person, related=request, fields=sorted(changes)
    )
    return person


def request_restrict(*, actor, request: RightsRequest, child: Child, reason: str):
    """Restrict the use of `child`'s records on this request (Art. 18)."""
    if child.pk not in _subject_ids(request, Child):
        raise ApplicationError(ERROR_NOT_A_SUBJECT)
    if request.status == RequestStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    return restriction_place(actor=actor, child=child, reason=reason, request_id=request.pk)


def erasure_decide(*, actor, request: RightsRequest, child: Child, grant: bool, reason: str) -> RightsRequest:
    """The DPO's decision on an erasure request about `child`. Granted: the child's records are disposed of at once
    through the retention engine's disposal (every table, file, search key and audit detail; logged, so a restore
    disposes of them again), and the request is closed as granted. Refused: closed as refused, with the reason (for
    a service under a legal obligation or public task, Art. 17(3)(b) usually applies)."""
    _kind(request, RequestKind.ERASURE, what="an erasure")
    reason = require_rationale(reason, field="reason")
    if child.pk not in _subject_ids(request, Child):
        raise ApplicationError(ERROR_NOT_A_SUBJECT)
    if request.status == RequestStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    child_id = child.pk
    if grant:
        from cme.privacy.retention import held_child_ids

        if child_id in held_child_ids():
            raise ApplicationError(ERROR_HELD)
    audit_record(
        actor=actor,
        event=AuditEvent.ERASURE_DECIDED,
        target=request,
        subject_child_id=child_id,
        payload={"child": child_id, "granted": grant},
        detail={"reason": reason},
    )
    if grant:
        disposal_erase_child(actor=actor, child_id=child_id)
    return request_close(
        actor=actor, request=request, outcome=Outcome.GRANTED if grant else Outcome.REFUSED, reason=reason
    )


@transaction.atomic
def objection_decide(*, actor, request: RightsRequest, child: Child, uphold: bool, reason: str) -> RightsRequest:
    """The DPO's decision on an objection (Art. 21). Upheld: the council has no compelling grounds to go on, so the
    use of the child's records is restricted (kept, not used) until the DPO decides otherwise. Not upheld: the
    compelling grounds are the reason. Either way the request is closed with the decision."""
    _kind(request, RequestKind.OBJECTION, what="an objection")
    reason = require_rationale(reason, field="reason")
    if child.pk not in _subject_ids(request, Child):
        raise ApplicationError(ERROR_NOT_A_SUBJECT)
    audit_record(
        actor=actor,
        event=AuditEvent.OBJECTION_DECIDED,
        target=request,
        subject_child_id=child.pk,
        payload={"child": child.pk, "upheld": uphold},
        detail={"reason": reason},
    )
    if uphold and restriction_current(child.pk) is None:
        restriction_place(actor=actor, child=child, reason=f"Objection upheld ({request.reference}): {reason}",
                          request_id=request.pk)  # fmt: skip
    return request_close(
        actor=actor, request=request, outcome=Outcome.GRANTED if uphold else Outcome.REFUSED, reason=reason
    )
