"""Rights request services: logging, the clock as stored (pause, resume, extension), decisions and their audit."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.people.history import child_history
from cme.people.models import Child
from cme.privacy.models import DisposalItem, ItemState
from cme.privacy.restriction import RestrictedError, restriction_current
from cme.privacy.retention import legal_hold_place
from cme.rights import services
from cme.rights.enums import Channel, IcoStage, Outcome, PauseReason, RequestKind, RequestStatus
from cme.rights.selectors import held_by_basis, request_due_on, rights_requests_due


def _request(dpo, kind=RequestKind.ACCESS, received_on=date(2026, 11, 2), **extra):
    return services.request_record(
        actor=dpo, kind=kind, requester_name="A parent", details="Please send what you hold", received_on=received_on,
        **extra,
    )  # fmt: skip


def _events(event) -> int:
    return AuditEntry.objects.filter(event=event).count()


@pytest.mark.django_db
def test_a_request_is_logged_with_its_one_month_clock_and_audited(dpo):
    request = _request(dpo, received_on=date(2026, 10, 31))
    assert request.reference == f"R{request.pk:06d}"
    # 31 October + 1 month = 30 November 2026, a Monday.
    assert request_due_on(request, today=date(2026, 11, 5)) == date(2026, 11, 30)
    assert _events(AuditEvent.RIGHTS_REQUEST_RECORDED) == 1


@pytest.mark.django_db
def test_a_request_cannot_be_received_in_the_future(dpo):
    with pytest.raises(ApplicationError) as error:
        _request(dpo, received_on=timezone.localdate() + timedelta(days=1))
    assert error.value.field == "received_on"


@pytest.mark.django_db
def test_stopping_the_clock_moves_the_due_date_by_the_days_waited(dpo):
    received = timezone.localdate() - timedelta(days=20)
    request = _request(dpo, received_on=received)
    before = request_due_on(request)
    services.clock_pause(actor=dpo, request=request, reason=PauseReason.IDENTITY, started_on=received)
    request.refresh_from_db()
    assert request.status == RequestStatus.PAUSED
    with pytest.raises(ApplicationError):
        services.clock_pause(actor=dpo, request=request, reason=PauseReason.IDENTITY, started_on=received)
    services.clock_resume(actor=dpo, request=request, ended_on=received + timedelta(days=10))
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    from cme.rights.clocks import add_months, next_working_day

    assert request_due_on(request) == next_working_day(add_months(received, 1) + timedelta(days=10))
    assert request_due_on(request) > before


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_must_be_made_within_the_first_month(dpo):
    request = _request(dpo, received_on=date(2026, 10, 1))
    with pytest.raises(ApplicationError):
        services.request_extend(actor=dpo, request=request, months=2, reason="", today=date(2026, 10, 20))
    with pytest.raises(ApplicationError):
        services.request_extend(actor=dpo, request=request, months=3, reason="Complex", today=date(2026, 10, 20))
    with pytest.raises(ApplicationError, match="within the first month"):
        services.request_extend(actor=dpo, request=request, months=1, reason="Complex", today=date(2026, 11, 3))
    services.request_extend(actor=dpo, request=request, months=2, reason="Many records", today=date(2026, 10, 20))
    request.refresh_from_db()
    assert request_due_on(request, today=date(2026, 10, 20)) == date(2027, 1, 4)  # 1 January is a bank holiday


@pytest.mark.django_db
def test_due_soon_and_overdue_requests_are_listed_for_the_dpo_only(dpo, officer):
    today = date(2026, 12, 6)
    overdue = _request(dpo, received_on=date(2026, 10, 1))
    soon = _request(dpo, received_on=date(2026, 11, 9))  # due 9 December
    _request(dpo, received_on=date(2026, 11, 30))  # due 30 December: not yet
    complaint = _request(dpo, kind=RequestKind.COMPLAINT, received_on=date(2026, 11, 10))  # acknowledge by 9 Dec
    closed = _request(dpo, received_on=date(2026, 10, 2))
    services.request_close(actor=dpo, request=closed, outcome=Outcome.GRANTED, reason="Sent")
    due = rights_requests_due(dpo, today)
    assert [row.request.pk for row in due] == [overdue.pk, soon.pk, complaint.pk]
    assert [row.state for row in due] == ["overdue", "due_soon", "due_soon"]
    assert rights_requests_due(officer, today) == []
    services.complaint_acknowledge(actor=dpo, request=complaint, acknowledged_on=date(2026, 11, 12))
    assert complaint.pk not in [row.request.pk for row in rights_requests_due(dpo, today)]


@pytest.mark.django_db
def test_a_complaint_before_19_june_2026_has_no_acknowledgement_clock(dpo):
    complaint = _request(dpo, kind=RequestKind.COMPLAINT, received_on=date(2026, 6, 18))
    assert request_due_on(complaint) is None
    later = _request(dpo, kind=RequestKind.COMPLAINT, received_on=date(2026, 6, 19))
    assert request_due_on(later) == date(2026, 7, 18)


@pytest.mark.django_db
def test_a_complaint_is_closed_with_its_outcome_and_the_route_to_the_ico_recorded(dpo):
    complaint = _request(dpo, kind=RequestKind.COMPLAINT)
    with pytest.raises(ApplicationError):
        services.request_close(actor=dpo, request=complaint, outcome=Outcome.GRANTED, reason="x")
    services.request_close(actor=dpo, request=complaint, outcome=Outcome.NOT_UPHELD, reason="Handled lawfully")
    services.complaint_ico_record(actor=dpo, request=complaint, stage=IcoStage.REFERRED, reference="IC-12345-A1B2")
    with pytest.raises(ApplicationError):
        services.complaint_ico_record(actor=dpo, request=complaint, stage=IcoStage.CLOSED)
    services.complaint_ico_record(actor=dpo, request=complaint, stage=IcoStage.CLOSED, outcome="No further action")
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.ico_stage, complaint.ico_outcome) == (
        Outcome.NOT_UPHELD,
        IcoStage.CLOSED,
        "No further action",
    )
    with pytest.raises(ApplicationError):
        services.complaint_ico_record(actor=dpo, request=_request(dpo), stage=IcoStage.TOLD)


@pytest.mark.django_db
def test_the_public_form_arrives_as_a_rectification_request_naming_no_one(db):
    request = services.public_report_submit(
        name="Sam Parent", contact="sam@example.org", child_name="Ava, 3 May 2016", details="Her surname is wrong"
    )
    assert (request.kind, request.channel, request.recorded_by) == (
        RequestKind.RECTIFICATION,
        Channel.PUBLIC_FORM,
        None,
    )
    assert "Her surname is wrong" in request.details and "Ava" in request.details
    assert request.subjects.count() == 0
    assert request.received_on == timezone.localdate()


@pytest.mark.django_db
def test_rectification_corrects_through_the_history_and_names_the_request(dpo, child_factory):
    child = child_factory(family_name="Smyth")
    request = _request(dpo, kind=RequestKind.RECTIFICATION)
    with pytest.raises(ApplicationError):  # not yet named on the request
        services.rectification_apply(actor=dpo, request=request, person=child, changes={"family_name": "Smith"},
                                     expected_version=child.version, reason="Birth certificate seen")  # fmt: skip
    services.request_subject_add(actor=dpo, request=request, kind="child", number=child.pk)
    services.rectification_apply(
        actor=dpo, request=request, person=child, changes={"family_name": "Smith", "given_name": child.given_name},
        expected_version=child.version, reason="Birth certificate seen",
    )  # fmt: skip
    child.refresh_from_db()
    assert child.family_name == "Smith"
    (change,) = child_history(child=child)
    assert (change.field, change.old_value, change.new_value) == ("family_name", "Smyth", "Smith")
    assert request.reference in change.reason
    entry = AuditEntry.objects.get(event=AuditEvent.RECTIFICATION_APPLIED)
    assert (entry.target_id, entry.related_id) == (str(child.pk), str(request.pk))


@pytest.mark.django_db
def test_a_restricted_child_cannot_be_rectified_until_lifted(dpo, child_factory):
    child = child_factory()
    request = _request(dpo, kind=RequestKind.RECTIFICATION)
    services.request_subject_add(actor=dpo, request=request, kind="child", number=child.pk)
    services.request_restrict(actor=dpo, request=request, child=child, reason="Accuracy contested")
    with pytest.raises(RestrictedError):
        services.rectification_apply(actor=dpo, request=request, person=child, changes={"family_name": "New"},
                                     expected_version=child.version, reason="Checked")  # fmt: skip
    assert _events(AuditEvent.RESTRICTION_REFUSED) == 1


@pytest.mark.django_db
def test_held_by_basis_names_the_purposes_and_bases_from_the_catalogue(case_factory):
    case = case_factory()
    held = held_by_basis(child_id=case.child_id)
    assert held, "a child with a case is held for several purposes"
    identify = next(row for row in held if row.purpose == "Finding children who are missing education")
    assert "Legal obligation (UK GDPR Art. 6(1)(c))" in identify.bases
    assert identify.erasure_limited
    assert all(row.erasure_limited for row in held)


@pytest.mark.django_db
def test_a_refused_erasure_keeps_everything_and_a_granted_one_disposes_of_the_child(dpo, case_factory):
    case = case_factory()
    child_id = case.child_id
    refused = _request(dpo, kind=RequestKind.ERASURE)
    services.request_subject_add(actor=dpo, request=refused, kind="child", number=child_id)
    services.erasure_decide(actor=dpo, request=refused, child=case.child, grant=False, reason="Art. 17(3)(b)")
    assert Child.objects.filter(pk=child_id).exists()

    granted = _request(dpo, kind=RequestKind.ERASURE)
    services.request_subject_add(actor=dpo, request=granted, kind="child", number=child_id)
    services.erasure_decide(actor=dpo, request=granted, child=case.child, grant=True, reason="Recorded in error")
    assert not Child.objects.filter(pk=child_id).exists()
    assert not case.__class__.objects.filter(pk=case.pk).exists()
    item = DisposalItem.objects.get(record_type="people.child", record_id=child_id)
    assert item.state == ItemState.DISPOSED  # in the disposal log: a restore disposes of the child again
    granted.refresh_from_db()
    assert (granted.status, granted.outcome) == (RequestStatus.CLOSED, Outcome.GRANTED)
    assert _events(AuditEvent.ERASURE_DECIDED) == 2


@pytest.mark.django_db
def test_erasure_is_refused_while_a_legal_hold_is_in_force(dpo, case_factory):
    case = case_factory()
    legal_hold_place(actor=dpo, subject=case.child, reason="Claim notified")
    request = _request(dpo, kind=RequestKind.ERASURE)
    services.request_subject_add(actor=dpo, request=request, kind="child", number=case.child_id)
    with pytest.raises(ApplicationError, match="legal hold"):
        services.erasure_decide(actor=dpo, request=request, child=case.child, grant=True, reason="Asked")
    assert Child.objects.filter(pk=case.child_id).exists()


@pytest.mark.django_db
def test_an_upheld_objection_restricts_the_childs_records(dpo, child_factory):
    child = child_factory()
    request = _request(dpo, kind=RequestKind.OBJECTION)
    services.request_subject_add(actor=dpo, request=request, kind="child", number=child.pk)
    services.objection_decide(actor=dpo, request=request, child=child, uphold=True, reason="No compelling grounds")
    assert restriction_current(child.pk) is not None
    request.refresh_from_db()
    assert request.outcome == Outcome.GRANTED
