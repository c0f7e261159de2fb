"""Reads for rights requests: lists, each request's clock, the due-soon and overdue list, and what is held about a
child under which lawful basis (from the catalogue) for erasure and objection decisions. Pure reads, no audit."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from cme.privacy import catalogue
from cme.privacy.enums import LawfulBasis

from . import clocks
from .enums import RequestKind, RequestStatus
from .models import RightsRequest


def request_list(*, status: str = "", kind: str = "") -> QuerySet[RightsRequest]:
    requests = RightsRequest.objects.prefetch_related("pauses", "subjects__subject_type")
    if status == "active":
        requests = requests.exclude(status=RequestStatus.CLOSED)
    elif status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    return requests


def request_due_on(request: RightsRequest, *, today: date | None = None, with_extension: bool = True) -> date | None:
    """When the answer is due: the one-month rule with any extension and the days the clock stood still. For a
    complaint received on or after 19 June 2026: the last day to acknowledge it, until it is acknowledged."""
    today = today or timezone.localdate()
    if request.kind == RequestKind.COMPLAINT:
        if request.acknowledged_on or request.received_on < clocks.COMPLAINT_DUTY_FROM:
            return None
        return clocks.complaint_acknowledge_by(request.received_on)
    pauses = [clocks.Pause(p.started_on, p.ended_on) for p in request.pauses.all()]
    return clocks.one_month_due(
        request.received_on,
        extension_months=request.extension_months if with_extension else 0,
        paused_days=clocks.paused_days(pauses, today=today),
    )


@dataclass(frozen=True)
class RequestClock:
    request: RightsRequest
    due_on: date | None
    state: str  # overdue, due_soon, on_time, paused, none
    what: str  # "Answer" or "Acknowledge"


def request_clock(request: RightsRequest, *, today: date | None = None) -> RequestClock:
    today = today or timezone.localdate()
    due = request_due_on(request, today=today)
    what = "Acknowledge" if request.kind == RequestKind.COMPLAINT else "Answer"
    if request.status == RequestStatus.CLOSED or due is None:
        return RequestClock(request, due, "none", what)
    if request.status == RequestStatus.PAUSED:
        return RequestClock(request, due, "paused", what)
    return RequestClock(request, due, clocks.clock_state(due, today=today), what)


def rights_requests_due(user, today: date | None = None) -> list[RequestClock]:
    """The DPO's due-soon and overdue requests (and complaints to acknowledge), soonest first; empty for anyone who
    does not handle requests. The task list (cme tasks) lists these as tasks."""
    if user is None or not user.has_perm("rights.manage_requests"):
        return []
    today = today or timezone.localdate()
    rows = [request_clock(r, today=today) for r in request_list(status=RequestStatus.OPEN)]
    return sorted((c for c in rows if c.state in ("overdue", "due_soon")), key=lambda c: (c.due_on, c.request.pk))


def request_subjects(request: RightsRequest) -> list[tuple[str, int, object | None]]:
    """(kind, record number, the record or None if it has gone) for each person the request names."""
    rows = []
    for subject in request.subjects.all():
        model = subject.subject_type.model_class()
        record = model.objects.filter(pk=subject.subject_id).first() if model else None
        rows.append((subject.subject_type.model, subject.subject_id, record))
    return rows


# --- what is held, under which basis ---------------------------------------------------------------------------------

# How to find the rows of each catalogued model about one child (a filter on the child's id).
ROWS_ABOUT_CHILD = {
    "people.Child": "pk",
    "people.Carer": "relationships__child",
    "people.PersonName": "child",
    "people.ContactPoint": "child",
    "people.Residence": "child",
    "people.FormerUpn": "child",
    "people.FieldChange": "child",
    "schools.Enrolment": "child",
    "cases.Case": "child",
    "cases.Referral": "child",
    "cases.Note": "case__child",
    "cases.Enquiry": "case__child",
    "cases.Decision": "case__child",
    "cases.Document": "case__child",
}


@dataclass(frozen=True)
class HeldUnderPurpose:
    purpose: str
    plain: str
    bases: list[str]
    categories: list[str]
    records: list[str]
    erasure_limited: bool  # Art. 17(3)(b): legal obligation or public task
    objection_applies: bool  # Art. 21(1): public task


def held_by_basis(*, child_id: int) -> list[HeldUnderPurpose]:
    """What cme holds about the child, grouped by the purpose it is held for, with that purpose's lawful basis (from
    the catalogue): the kinds of information and the kinds of record, never the values."""
    from django.apps import apps

    held: dict[str, tuple[set[str], set[str]]] = {}
    for label, lookup in ROWS_ABOUT_CHILD.items():
        model = apps.get_model(label)
        if not model.objects.filter(**{lookup: child_id}).exists():
            continue
        for entry in catalogue.entries_for_model(label):
            for purpose in entry.purposes:
                categories, records = held.setdefault(purpose, (set(), set()))
                categories.add(catalogue.CATEGORIES[entry.category].label)
                records.add(str(model._meta.verbose_name_plural).capitalize())
    rows = []
    for code, info in catalogue.PURPOSES.items():
        if code not in held:
            continue
        categories, records = held[code]
        bases = set(info.lawful_bases)
        rows.append(
            HeldUnderPurpose(
                purpose=info.label,
                plain=info.plain,
                bases=[LawfulBasis(b).label for b in info.lawful_bases],
                categories=sorted(categories),
                records=sorted(records),
                erasure_limited=bool(bases & {LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK}),
                objection_applies=LawfulBasis.PUBLIC_TASK in bases,
            )
        )
    return rows
