"""Sign-off, closing well and school history through the pages (issue 12 points 1, 2 and 7)."""

import datetime

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, SignOffState
from cme.cases.models import SignOffRequest
from cme.council.selectors import council_settings_get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def team(team_factory):
    return team_factory(name="North team")


@pytest.fixture
def officer(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, username="page-officer", team=team)


@pytest.fixture
def manager(user_factory, team):
    return user_factory(role=Role.CME_MANAGER, username="page-manager", team=team)


@pytest.fixture
def case(case_factory, officer):
    return case_factory(officer=officer)


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def close(client, case, **fields):
    body = {"version": case.version, "rationale": "All enquiries made", **fields}
    return client.post(reverse("web:cases:close", args=[case.pk]), body)


def test_closing_with_an_outcome_needing_sign_off_asks_a_manager_who_signs_it_off(
    sign_in, client, officer, manager, case
):
    response = close(sign_in(officer), case, outcome="moved_abroad_confirmed", destination_country="Poland")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    page = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "waiting for a manager&#x27;s sign-off" in page or "waiting for a manager's sign-off" in page

    request = SignOffRequest.objects.get(case=case)
    client.logout()
    manager_client = sign_in(manager)
    queue = manager_client.get(reverse("web:cases:sign-offs")).content.decode()
    assert case.reference in queue and "Moved abroad (confirmed)" in queue
    assert AuditEntry.objects.filter(event=AuditEvent.LIST_VIEWED, actor_id=manager.pk).exists()

    approve = reverse("web:cases:sign-off-approve", args=[case.pk, request.pk])
    assert "Poland" in manager_client.get(approve).content.decode()
    blank = manager_client.post(approve, {"rationale": ""})
    assert blank.status_code == 200 and "Enter the reason for your decision" in blank.content.decode()
    assert manager_client.post(approve, {"rationale": "Evidence seen"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.destination_country) == ("closed", "moved_abroad_confirmed", "Poland")

    closed_page = manager_client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "Next work due" not in closed_page and "Poland" in closed_page


def test_a_manager_sends_it_back_and_the_officer_sees_why(sign_in, client, officer, manager, case):
    close(sign_in(officer), case, outcome="died")
    request = SignOffRequest.objects.get(case=case)
    client.logout()
    manager_client = sign_in(manager)
    url = reverse("web:cases:sign-off-send-back", args=[case.pk, request.pk])
    blank = manager_client.post(url, {"reason": ""})
    assert "Enter why you are sending it back" in blank.content.decode()
    assert manager_client.post(url, {"reason": "Ask the registrar for the certificate"}).status_code == 302
    request.refresh_from_db()
    assert request.state == SignOffState.SENT_BACK
    assert case.decisions.filter(kind=DecisionKind.SEND_BACK_SIGN_OFF).exists()

    client.logout()
    officer_client = sign_in(officer)
    mine = officer_client.get(reverse("web:cases:sign-offs")).content.decode()
    assert "Ask the registrar for the certificate" in mine
    page = officer_client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "Ask the registrar for the certificate" in page


def test_an_officer_cannot_sign_off(sign_in, officer, case):
    client = sign_in(officer)
    close(client, case, outcome="died")
    request = SignOffRequest.objects.get(case=case)
    url = reverse("web:cases:sign-off-approve", args=[case.pk, request.pk])
    assert client.post(url, {"rationale": "Fine by me"}).status_code == 403
    request.refresh_from_db()
    assert request.state == SignOffState.WAITING


def test_the_closing_page_re_displays_what_is_missing(sign_in, officer, case):
    response = close(sign_in(officer), case, outcome="on_roll_this_la")
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Choose the school" in html
    unknown = close(sign_in(officer), case, outcome="on_roll_this_la", destination_school_urn="999999")
    assert "enter the school&#x27;s name too" in unknown.content.decode()


def test_closing_on_roll_at_a_register_school_records_it_and_the_child_page_shows_the_history(
    sign_in, officer, case, school_factory
):
    school = school_factory(urn=100150, name="Larkfield Primary School")
    client = sign_in(officer)
    response = close(
        client,
        case,
        outcome="on_roll_this_la",
        destination_school_urn="100150",
        **date_fields("destination_on", datetime.date(2026, 11, 23)),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.destination_school == school
    child_page = client.get(reverse("web:children:detail", args=[case.child_id])).content.decode()
    assert "School history" in child_page and "Larkfield Primary School" in child_page
    assert "Found on the school&#x27;s roll when a case closed" in child_page


def test_the_settings_page_sets_which_closures_need_sign_off(sign_in, sysadmin):
    client = sign_in(sysadmin)
    url = reverse("web:manage:council-settings")
    page = client.get(url).content.decode()
    assert "Outcomes a manager must sign off" in page
    form = client.get(url).context["form"]
    body = {name: value for name, value in form.initial.items() if value is not None and name != "sign_off_outcomes"}
    body.update({"sign_off_outcomes": ["died"], "sign_off_open_school_days": "40"})
    assert client.post(url, body).status_code == 302
    council = council_settings_get(fresh=True)
    assert (council.sign_off_outcomes, council.sign_off_open_school_days) == (["died"], 40)
    bad = client.post(url, {**body, "sign_off_open_school_days": "0"})
    assert "Enter at least 1 school day" in bad.content.decode()
