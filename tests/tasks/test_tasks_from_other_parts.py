"""Tasks that come from other parts of cme: sign-offs waiting (issue 12 point 2), the school attendance order
process's deadlines (point 5), and the DPO's data rights requests (issue 13 point 1)."""

import datetime

import pytest

from cme.accounts.enums import Role
from cme.cases.enums import CaseStatus
from cme.cases.models import SignOffRequest
from cme.rights.enums import RequestKind
from cme.rights.services import request_record
from cme.tasks.registry import TaskScope, _collect, task_list_for, team_overdue_tasks
from tests.web.test_url_permissions import _api_client_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 9)


@pytest.fixture
def officer(user_factory, team_factory):
    return user_factory(role=Role.CME_OFFICER, team=team_factory(name="North team"))


def test_a_sign_off_waits_on_the_manager_s_list_and_a_sent_back_one_on_the_officer_s(officer, manager, case_factory):
    waiting_case = case_factory(officer=officer, status=CaseStatus.LOCATED)
    back_case = case_factory(officer=officer, status=CaseStatus.LOCATED)
    waiting = SignOffRequest.objects.create(
        case=waiting_case, outcome="died", rationale="Confirmed", requested_by=officer
    )
    SignOffRequest.objects.create(
        case=back_case, outcome="moved_abroad_unconfirmed", rationale="Neighbours say so", requested_by=officer,
        state="sent_back", decided_by=manager, decided_at=datetime.datetime(2026, 11, 6, 10, tzinfo=datetime.UTC),
        decision_reason="Ask for evidence of travel",
    )  # fmt: skip

    managers = [t for t in task_list_for(user=manager, today=TODAY) if t.kind == "sign_off"]
    officers = [t for t in task_list_for(user=officer, today=TODAY) if t.kind == "sign_off"]

    assert [(t.record, t.link) for t in managers] == [
        (f"cases.signoffrequest:{waiting.pk}", f"/cases/{waiting_case.pk}/sign-offs/{waiting.pk}/approve/")
    ]
    assert [t.label for t in officers] == [f"Case CME-{back_case.pk:06d}: closure sent back, see the manager's reason"]
    assert any(t.kind == "sign_off" for t in team_overdue_tasks(manager=manager, today=TODAY))


def test_the_dpo_s_task_list_holds_the_requests_due_and_no_casework(dpo, officer, roll_return_factory):
    roll_return_factory(received_on=TODAY - datetime.timedelta(days=10))  # intake the DPO does not triage
    overdue = request_record(
        actor=dpo, kind=RequestKind.ACCESS, requester_name="A parent", details="Everything you hold about my son",
        received_on=TODAY - datetime.timedelta(days=50),
    )  # fmt: skip
    request_record(
        actor=dpo,
        kind=RequestKind.ACCESS,
        requester_name="Another parent",
        details="Copy of the record",
        received_on=TODAY - datetime.timedelta(days=1),
    )  # fmt: skip  (due next month: not yet a task)

    tasks = task_list_for(user=dpo, today=TODAY)

    assert [(t.kind, t.record, t.overdue) for t in tasks] == [
        ("rights_request", f"rights.rightsrequest:{overdue.pk}", True)
    ]
    assert "A parent" not in tasks[0].label and tasks[0].link == f"/privacy/requests/{overdue.pk}/"
    assert not any(t.kind == "rights_request" for t in task_list_for(user=officer, today=TODAY))
    answer = _api_client_for(dpo).get("/api/v1/tasks/")
    assert answer.status_code == 200


def test_a_school_attendance_order_s_next_deadline_is_a_task_for_the_case_s_officer(officer, case_factory):
    from cme.cases.enums import AttendanceOrderStage
    from cme.cases.services import attendance_order_start, attendance_order_step_record
    from tests.factories.people import CarerRelationshipFactory

    case = case_factory(officer=officer, status=CaseStatus.LOCATED)
    parent = CarerRelationshipFactory(child=case.child, parental_responsibility=True).carer
    order = attendance_order_start(case=case, actor=officer, rationale="Parents refused every place", carer=parent)
    attendance_order_step_record(
        order=order, actor=officer, stage=AttendanceOrderStage.NOTICE_SERVED, occurred_on=datetime.date(2026, 11, 2),
        period_days=15, rationale="Served by hand",
    )  # fmt: skip

    tasks = [t for t in task_list_for(user=officer, today=TODAY) if t.kind == "attendance_order"]

    assert [(t.record, t.link, t.due) for t in tasks] == [
        (f"cases.attendanceorder:{order.pk}", f"/cases/{case.pk}/school-attendance-order/{order.pk}/",
         datetime.date(2026, 11, 17))
    ]  # fmt: skip
    assert case.child.family_name not in tasks[0].label


def test_the_dpo_s_daily_email_counts_the_requests_due_and_names_no_one(dpo):
    from cme.accounts.enums import TaskEmails
    from cme.tasks.email import digest_message

    dpo.task_emails = TaskEmails.DAILY
    dpo.save()
    request_record(
        actor=dpo, kind=RequestKind.ERASURE, requester_name="Quentin Applethwaite", details="Erase my daughter's file",
        received_on=TODAY - datetime.timedelta(days=40),
    )  # fmt: skip

    message = digest_message(user=dpo, today=TODAY)

    assert message is not None and "Data rights requests due" in message.body
    assert "Applethwaite" not in message.body and "Applethwaite" not in message.subject


def test_a_front_door_report_waits_on_every_caseworker_s_list_a_worry_first_and_due_the_day_it_came(officer):
    from django.utils import timezone

    from cme.frontdoor.enums import ReportKind
    from cme.frontdoor.services import report_no_further_action, report_submit

    answers = {"child_given_name": "Ada", "child_address": "Wyndley", "concerns": "Not at school", "is_anonymous": True}
    plain = report_submit(kind=ReportKind.PUBLIC, answers={**answers, "safeguarding_concern": False})
    professional = {"is_anonymous": False, "reporter_name": "A. Visitor", "reporter_organisation": "Wyndley Health"}
    worry = report_submit(
        kind=ReportKind.PROFESSIONAL,
        answers={**answers, **professional, "safeguarding_concern": True, "sharing_basis": "public_task"},
    )
    today = timezone.localdate()

    tasks = [t for t in task_list_for(user=officer, today=today) if t.kind == "front_door_report"]
    assert tasks[0].label == f"Report {worry.reference} from a professional: worry about the child's safety"
    assert {t.label for t in tasks} >= {f"Report {plain.reference} from a member of the public"}
    assert next(t for t in tasks if t.safeguarding).due == today

    report_no_further_action(report=plain, actor=officer, rationale="Already known to the service")
    labels = {t.label for t in task_list_for(user=officer, today=today) if t.kind == "front_door_report"}
    assert not any(plain.reference in label for label in labels)


def test_the_team_view_holds_each_persons_own_sign_off_tasks_read_in_a_few_queries(
    officer, manager, user_factory, case_factory, django_assert_max_num_queries
):
    second_manager = user_factory(role=Role.CME_MANAGER)
    others = [user_factory(role=Role.CME_OFFICER) for _ in range(5)]  # more people must not mean more queries
    decided = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
    for person in [officer, *others]:
        case = case_factory(officer=person, status=CaseStatus.LOCATED)
        SignOffRequest.objects.create(case=case, outcome="died", rationale="Confirmed", requested_by=person)
        back = case_factory(officer=person, status=CaseStatus.LOCATED)
        SignOffRequest.objects.create(
            case=back, outcome="died", rationale="Confirmed", requested_by=person, state="sent_back",
            decided_by=manager, decided_at=decided, decision_reason="Evidence, please",
        )  # fmt: skip
    own = set()
    for person in [officer, *others, manager, second_manager]:
        own |= {(t.record, person.pk) for t in task_list_for(user=person, today=TODAY) if t.kind == "sign_off"}

    with django_assert_max_num_queries(30):  # the team's every task (the team view keeps the overdue ones)
        team = _collect(TaskScope(user=manager, team=True), TODAY)

    assert {(t.record, t.assignee_id) for t in team if t.kind == "sign_off"} == own
    assert len(own) == 6 * 2 + 6  # each waiting request for both managers, each sent-back one for its officer
