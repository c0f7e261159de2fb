"""Officers' task lists from the clocks: each kind of task, its due date in school days, whose it is, the manager's
view of overdue tasks, the page and GET /api/v1/tasks/, and a handful of queries however large the caseload."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cme.accounts.enums import Role
from cme.cases.enums import CaseStatus, EnquiryResult, ReferralStatus
from cme.schools.enums import TriageState
from cme.tasks.registry import SOURCES, Task, TaskScope, register, task_list_for, team_overdue_tasks
from tests.web.test_url_permissions import _api_client_for

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 9)  # autumn 2 term: the approximate default calendar has no holiday near it


@pytest.fixture
def officer(user_factory, team_factory):
    return user_factory(role=Role.CME_OFFICER, team=team_factory(name="North team"))


@pytest.fixture
def other_officer(user_factory, team_factory):
    return user_factory(role=Role.CME_OFFICER, team=team_factory(name="South team"))


@pytest.fixture
def world(officer, other_officer, case_factory, enquiry_factory, referral_factory, roll_return_factory):
    mine = case_factory(officer=officer, status=CaseStatus.ENQUIRIES, due_on=MONDAY - datetime.timedelta(days=1))
    theirs = case_factory(officer=other_officer, due_on=MONDAY + datetime.timedelta(days=3))
    # Asked on a Friday with no due date stored: 5 school days later is the next Friday, not the Wednesday.
    enquiry = enquiry_factory(case=mine, requested_on=datetime.date(2026, 11, 6), response_due_on=None)
    enquiry_factory(case=mine, result=EnquiryResult.NO_TRACE, responded_on=datetime.date(2026, 11, 6))
    enquiry_factory(case=theirs)
    referral = referral_factory(received_on=datetime.date(2026, 11, 5), status=ReferralStatus.RECEIVED)  # Thursday
    concern = roll_return_factory(received_on=MONDAY, safeguarding_concern=True, safeguarding_details="Sibling")
    timetable = roll_return_factory(timetable_started=True, triage_state=TriageState.RECEIVED, child=mine.child)
    return {
        "mine": mine,
        "theirs": theirs,
        "enquiry": enquiry,
        "referral": referral,
        "concern": concern,
        "timetable": timetable,
    }


def _by_record(tasks):
    return {task.record: task for task in tasks}


def test_each_kind_of_task_is_due_in_school_days_and_only_the_officers_own(officer, world):
    tasks = _by_record(task_list_for(user=officer, today=MONDAY))

    review = tasks[f"cases.case:{world['mine'].pk}"]
    assert review.kind == "case_review" and review.overdue and review.link == f"/cases/{world['mine'].pk}/"
    answer = tasks[f"cases.enquiry:{world['enquiry'].pk}"]
    assert answer.due == datetime.date(2026, 11, 13) and not answer.overdue  # Friday + 5 school days, not 5 days
    referral = tasks[f"cases.referral:{world['referral'].pk}"]
    assert referral.due == datetime.date(2026, 11, 9) and referral.assignee_id is None  # Thursday + 2 school days
    concern = tasks[f"schools.rollreturn:{world['concern'].pk}"]
    assert concern.safeguarding and concern.due == MONDAY and "safeguarding" in concern.label
    timetable = tasks[f"schools.parttimetimetable:{world['timetable'].timetable_id}"]
    assert timetable.assignee_id == officer.pk and timetable.overdue  # the review was due 6 October
    assert f"cases.case:{world['theirs'].pk}" not in tasks, "another officer's case is not on my list"
    assert len([t for t in tasks.values() if t.kind == "enquiry_answer"]) == 1, "answered enquiries are done"
    ordered = task_list_for(user=officer, today=MONDAY)
    assert [t.overdue for t in ordered] == sorted((t.overdue for t in ordered), reverse=True), "overdue first"


def test_no_task_names_a_child(officer, world):
    child = world["mine"].child
    for task in task_list_for(user=officer, today=MONDAY):
        text = f"{task.label} {task.kind_label} {task.link}"
        assert child.given_name not in text and child.family_name not in text
        assert world["concern"].family_name not in text


def test_the_managers_view_shows_every_caseworkers_overdue_tasks(officer, other_officer, world, user_factory):
    manager = user_factory(role=Role.CME_MANAGER)
    later = MONDAY + datetime.timedelta(days=7)

    tasks = team_overdue_tasks(manager=manager, today=later)

    assert all(task.overdue for task in tasks)
    owners = {task.assignee_id for task in tasks}
    assert {officer.pk, other_officer.pk, None} <= owners, "both officers' overdue work and the service's intake"
    assert team_overdue_tasks(manager=officer, today=later) == [], "an officer has no team view"


def test_anyone_not_a_caseworker_has_no_tasks(world, user_factory):
    assert task_list_for(user=user_factory(role=Role.DPO), today=MONDAY) == []


def test_the_task_list_is_a_handful_of_queries_however_large_the_caseload(
    officer, world, case_factory, enquiry_factory
):
    with CaptureQueriesContext(connection) as small:
        task_list_for(user=officer, today=MONDAY)
    for _ in range(15):
        enquiry_factory(case=case_factory(officer=officer, due_on=MONDAY))

    with CaptureQueriesContext(connection) as large:
        tasks = task_list_for(user=officer, today=MONDAY)

    assert len([t for t in tasks if t.kind == "case_review"]) == 16
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_a_source_registered_elsewhere_joins_the_list(officer, world):
    def sign_offs_waiting(scope: TaskScope, today):
        yield Task(
            kind="sign_off",
            kind_label="Sign-offs waiting",
            label="Case CME-000001: closure",
            due=today,
            link="/cases/1/",
            today=today,
            assignee_id=scope.user.pk,
            record="cases.case:1",
        )

    register(sign_offs_waiting)
    try:
        kinds = {task.kind for task in task_list_for(user=officer, today=MONDAY)}
    finally:
        SOURCES.remove(sign_offs_waiting)
    assert "sign_off" in kinds


def test_a_per_person_source_is_asked_for_each_caseworker_in_the_team_view(officer, other_officer, user_factory):
    def deadlines(user, today):
        return [
            Task(
                kind="sao",
                kind_label="SAO deadlines",
                label=f"For {user.pk}",
                due=today - datetime.timedelta(1),
                link="/",
                today=today,
                record=f"x:{user.pk}",
            )
        ]

    register(deadlines, per_person=True)
    try:
        tasks = team_overdue_tasks(manager=user_factory(role=Role.CME_MANAGER), today=MONDAY)
    finally:
        SOURCES.pop()
    assert {officer.pk, other_officer.pk} <= {t.assignee_id for t in tasks if t.kind == "sao"}


def test_the_page_and_the_api_list_the_signed_in_persons_tasks(officer, world, sign_in):
    page = sign_in(officer).get(reverse("web:tasks:list"))
    assert page.status_code == 200
    assert world["mine"].reference.encode() in page.content

    response = _api_client_for(officer).get("/api/v1/tasks/")

    assert response.status_code == 200
    rows = response.json()
    assert {"kind", "due_date", "link", "label", "overdue", "safeguarding"} <= set(rows[0])
    reviews = [row for row in rows if row["record"] == f"cases.case:{world['mine'].pk}"]
    assert reviews and reviews[0]["link"].endswith(f"/cases/{world['mine'].pk}/") and reviews[0]["overdue"]
    assert world["mine"].child.family_name not in response.content.decode()


def test_the_managers_page_groups_overdue_tasks_by_caseworker(officer, world, user_factory, sign_in):
    manager = user_factory(role=Role.CME_MANAGER)
    response = sign_in(manager).get(reverse("web:tasks:team"))
    assert response.status_code == 200
    assert officer.display_name.encode() in response.content
    assert world["mine"].reference.encode() in response.content


def test_the_managers_page_shows_each_persons_ten_most_overdue_and_counts_the_rest(
    officer, case_factory, user_factory, sign_in
):
    today = datetime.date.today()
    cases = [case_factory(officer=officer, due_on=today - datetime.timedelta(days=days)) for days in range(1, 14)]
    response = sign_in(user_factory(role=Role.CME_MANAGER)).get(reverse("web:tasks:team"))

    page = response.content.decode()
    shown = [case for case in cases if f"/cases/{case.pk}/" in page]
    assert shown == cases[-10:]  # the ten most overdue: the longest overdue first
    assert "And 3 more overdue. All 13 by kind:" in page
    assert f"?officer={officer.pk}&amp;overdue=on" in page


def test_the_task_list_shows_all_ones_own_tasks_and_only_the_most_urgent_intake(
    officer, world, sign_in, referral_factory
):
    from cme.web.tasks.views import INTAKE_ROWS

    for _ in range(INTAKE_ROWS + 5):
        referral_factory(received_on=datetime.date.today())
    page = sign_in(officer).get(reverse("web:tasks:list")).content.decode()

    assert world["mine"].reference in page  # one's own case: always listed
    assert page.count("/referrals/") - page.count('href="/referrals/"') <= INTAKE_ROWS
    assert "more, less urgent" in page and 'href="/returns/inbox/"' in page
