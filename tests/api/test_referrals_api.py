"""The referral endpoints: recording a referral about a known child, and triaging it into a case or not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, ReferralSource, ReferralStatus
from cme.cases.models import Case, Referral
from cme.cases.services.referrals import ERROR_ANONYMOUS_NOT_PUBLIC, ERROR_CASE_OF_ANOTHER_CHILD
from cme.common.writes import ERROR_NO_RATIONALE

pytestmark = pytest.mark.django_db


def url(name: str, referral) -> str:
    return reverse(f"api:{name}", kwargs={"referral_id": referral.pk})


REFERRAL = {
    "source": "school",
    "received_on": "2026-11-02",
    "concerns": "Not seen since half-term",
    "referrer_name": "Attendance lead",
    "referrer_email": "attendance@example.org",
}


def test_caseworkers_list_referrals_filtered_by_status(api, officer, referral_factory):
    received = referral_factory()
    referral_factory(
        status=ReferralStatus.NO_FURTHER_ACTION,
        triaged_by=officer,
        triaged_at=timezone.now(),
        triage_rationale="On roll",
    )
    page = api(officer).get(reverse("api:referral-list"), {"status": "received"}).json()
    assert [row["id"] for row in page["results"]] == [received.pk]
    assert page["results"][0]["child"]["id"] == received.child_id


@pytest.mark.parametrize("role", ["school_user", "partner_user", "dpo", "analyst", "sysadmin"])
def test_roles_that_do_no_casework_see_no_referrals(request, api, role, referral_factory):
    user = request.getfixturevalue(role)
    referral = referral_factory()
    assert api(user).get(reverse("api:referral-list")).status_code == 403
    assert api(user).get(url("referral-detail", referral)).status_code == 403


def test_a_referral_is_recorded_about_a_known_child(api, officer, case):
    response = api(officer).post(reverse("api:referral-create"), {**REFERRAL, "child_id": case.child_id})
    assert response.status_code == 201
    child = case.child
    body = response.json()
    assert body["child"]["id"] == child.pk and body["status"] == "received" and body["decisions"] == []
    assert body["recorded_by"]["id"] == officer.pk


def test_a_referral_about_an_unknown_child_is_refused_naming_the_field(api, officer):
    response = api(officer).post(reverse("api:referral-create"), {**REFERRAL, "child_id": 424242})
    assert response.status_code == 400
    assert response.json()["errors"] == {"child_id": ["There is no child with this id"]}


def test_a_referral_about_a_child_outside_the_caseload_needs_a_stated_purpose(api, officer, child_factory):
    child = child_factory()
    client = api(officer)
    refused = client.post(reverse("api:referral-create"), {**REFERRAL, "child_id": child.pk})
    assert refused.status_code == 403
    assert not Referral.objects.filter(child=child).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.PURPOSE_REQUIRED, target_id=str(child.pk)).exists()
    stated = {"purpose": "identify_cme", "reason": "The school named her"}
    client.post(reverse("api:child-purpose", args=[child.pk]), stated)
    assert client.post(reverse("api:referral-create"), {**REFERRAL, "child_id": child.pk}).status_code == 201


def test_only_the_public_may_refer_anonymously(api, officer, case):
    body = {**REFERRAL, "child_id": case.child_id, "is_anonymous": True, "referrer_name": ""}
    response = api(officer).post(reverse("api:referral-create"), body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"is_anonymous": [ERROR_ANONYMOUS_NOT_PUBLIC]}


def test_a_referral_with_an_unknown_source_and_a_bad_email_lists_both(api, officer, child_factory):
    body = {**REFERRAL, "child_id": child_factory().pk, "source": "rumour", "referrer_email": "not an email"}
    response = api(officer).post(reverse("api:referral-create"), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"source", "referrer_email"}


def test_the_school_user_may_not_record_a_referral_through_the_api(api, school_user, child_factory):
    response = api(school_user).post(reverse("api:referral-create"), {**REFERRAL, "child_id": child_factory().pk})
    assert response.status_code == 403


def test_a_referral_is_opened_with_its_triage_decision(api, officer, referral_factory):
    referral = referral_factory()
    api(officer).post(url("referral-no-further-action", referral), {"rationale": "On roll at Larkfield"})
    body = api(officer).get(url("referral-detail", referral)).json()
    assert body["status"] == "no_further_action" and body["triage_rationale"] == "On roll at Larkfield"
    assert [decision["kind"] for decision in body["decisions"]] == [DecisionKind.NO_FURTHER_ACTION]


def test_a_missing_referral_is_404(api, officer):
    assert api(officer).get(reverse("api:referral-detail", kwargs={"referral_id": 424242})).status_code == 404


def test_accepting_a_referral_opens_a_case_allocated_to_the_officer(api, officer, referral_factory):
    referral = referral_factory()
    response = api(officer).post(
        url("referral-accept", referral),
        {"primary_reason": "whereabouts_unknown", "became_cme_on": "2026-10-20", "rationale": "No trace anywhere"},
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.child_id, case.officer, case.status) == (referral.child_id, officer, CaseStatus.OPEN)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case == case


def test_accepting_into_an_existing_case_answers_200_with_that_case(api, officer, case, referral_factory):
    referral = referral_factory(child=case.child)
    response = api(officer).post(url("referral-accept", referral), {"case_id": case.pk, "rationale": "Same concern"})
    assert response.status_code == 200 and response.json()["id"] == case.pk


def test_a_new_case_needs_a_reason_and_the_error_names_the_field(api, officer, referral_factory):
    response = api(officer).post(url("referral-accept", referral_factory()), {"rationale": "No trace"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["primary_reason"]


def test_a_referral_cannot_be_accepted_into_a_case_about_another_child(api, officer, case, referral_factory):
    response = api(officer).post(url("referral-accept", referral_factory()), {"case_id": case.pk, "rationale": "x"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"case_id": [ERROR_CASE_OF_ANOTHER_CHILD]}


def test_a_referral_cannot_be_accepted_into_a_case_the_officer_may_not_see(api, officer, other_case, referral_factory):
    referral = referral_factory(child=other_case.child)
    response = api(officer).post(url("referral-accept", referral), {"case_id": other_case.pk, "rationale": "x"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["case_id"]


def test_a_referral_is_triaged_once(api, officer, manager, referral_factory):
    referral = referral_factory()
    assert api(officer).post(url("referral-no-further-action", referral), {"rationale": "On roll"}).status_code == 200
    again = api(manager).post(url("referral-no-further-action", referral), {"rationale": "On roll"})
    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": ["This referral has already been triaged."]}


def test_no_further_action_needs_a_rationale(api, officer, referral_factory):
    response = api(officer).post(url("referral-no-further-action", referral_factory()), {})
    assert response.status_code == 400 and response.json()["errors"] == {"rationale": [ERROR_NO_RATIONALE]}


def test_an_analyst_may_not_triage(api, analyst, referral_factory):
    referral = referral_factory(source=ReferralSource.PUBLIC)
    assert api(analyst).post(url("referral-no-further-action", referral), {"rationale": "x"}).status_code == 403
