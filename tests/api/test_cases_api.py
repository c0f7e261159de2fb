"""The case endpoints: who may list, open and change a case, and every decision recorded with its rationale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cme.accounts.enums import Role
from cme.api.fields import ERROR_VERSION_MISSING
from cme.cases.enums import CaseStatus, DecisionKind, Outcome, RiskLevel
from cme.cases.models import Decision
from cme.cases.services import case_close, note_add, note_correct
from cme.cases.services.cases import ERROR_CLOSED, ERROR_NOT_AN_OFFICER
from cme.common.writes import ERROR_NO_RATIONALE, ERROR_STALE
from cme.privacy.models import Disclosure

pytestmark = pytest.mark.django_db


def url(name: str, case, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"case_id": case.pk, **kwargs})


# ---------------------------------------------------------------------------------------------------------------
# The caseload


def test_an_officer_lists_their_teams_cases_and_a_manager_every_case(api, officer, manager, case, other_case):
    officer_ids = [row["id"] for row in api(officer).get(reverse("api:case-list")).json()["results"]]
    manager_ids = [row["id"] for row in api(manager).get(reverse("api:case-list")).json()["results"]]
    assert officer_ids == [case.pk]
    assert sorted(manager_ids) == sorted([case.pk, other_case.pk])


@pytest.mark.parametrize("role", ["school_user", "partner_user", "dpo", "analyst", "sysadmin"])
def test_roles_that_do_no_casework_are_refused_the_case_list(request, api, role, case):
    response = api(request.getfixturevalue(role)).get(reverse("api:case-list"))
    assert response.status_code == 403
    assert response.json() == {"message": "You do not have permission to perform this action.", "errors": {}}


def test_the_case_list_needs_a_token(api, case):
    response = api().get(reverse("api:case-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_the_case_list_filters_by_status_and_by_who_has_the_case(api, manager, case_factory, case):
    enquiries = case_factory(officer=manager, status=CaseStatus.ENQUIRIES)
    client = api(manager)
    by_status = client.get(reverse("api:case-list"), {"status": "enquiries"}).json()["results"]
    mine = client.get(reverse("api:case-list"), {"mine": "true"}).json()["results"]
    assert [row["id"] for row in by_status] == [enquiries.pk]
    assert [row["id"] for row in mine] == [enquiries.pk]


def test_an_unknown_status_filter_is_refused_naming_it(api, officer):
    response = api(officer).get(reverse("api:case-list"), {"status": "lost"})
    assert response.status_code == 400
    assert response.json() == {"message": "There is a problem", "errors": {"status": ['"lost" is not a valid choice.']}}


def test_the_case_list_is_paginated(api, manager, case_factory):
    case_factory.create_batch(3, officer=manager)
    page = api(manager).get(reverse("api:case-list"), {"limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_case_list_takes_the_same_queries_however_many_cases(
    api, manager, case_factory, django_assert_max_num_queries
):
    client = api(manager)
    case_factory(officer=manager)
    few = _queries(client, reverse("api:case-list"))
    case_factory.create_batch(15, officer=manager)
    with django_assert_max_num_queries(few):
        client.get(reverse("api:case-list"))


def test_a_case_takes_the_same_queries_however_much_has_happened_on_it(
    api, officer, case, enquiry_factory, referral_factory, django_assert_max_num_queries
):
    client = api(officer)
    path = url("case-detail", case)
    few = _queries(client, path)
    for number in range(5):
        enquiry_factory(case=case)
        referral_factory(child=case.child, case=case)
        note = note_add(case=case, actor=officer, text=f"Note {number}")
        note_correct(note=note, actor=officer, text=f"Note {number}, corrected", reason="Typo")
        body = {"risk_level": "high", "rationale": f"Check {number}", "expected_version": number + 1}
        client.post(url("case-risk", case), body, format="json")
    with django_assert_max_num_queries(few):
        response = client.get(path)
    assert len(response.json()["notes"]) == 5 and len(response.json()["decisions"]) == 5


# ---------------------------------------------------------------------------------------------------------------
# One case


def test_an_officer_opens_their_case_with_everything_on_it(api, officer, case, enquiry_factory):
    enquiry_factory(case=case)
    note = note_add(case=case, actor=officer, text="Home visit: no answer")
    note_correct(note=note, actor=officer, text="Home visit: no answer at 10am", reason="Added the time")
    body = api(officer).get(url("case-detail", case)).json()
    assert body["reference"] == case.reference and body["child"]["id"] == case.child_id
    assert body["officer"] == {"id": officer.pk, "display_name": officer.display_name}
    assert len(body["enquiries"]) == 1
    (current,) = body["notes"]
    assert current["text"] == "Home visit: no answer at 10am" and current["corrects_id"] == note.pk
    assert [version["text"] for version in current["earlier_versions"]] == ["Home visit: no answer"]


def test_a_case_the_officer_may_not_see_answers_404_as_if_it_did_not_exist(api, officer, other_case):
    seen = api(officer).get(url("case-detail", other_case))
    missing = api(officer).get(reverse("api:case-detail", kwargs={"case_id": other_case.pk + 1000}))
    assert seen.status_code == missing.status_code == 404
    assert seen.json() == missing.json() == {"message": "Not found.", "errors": {}}


def test_a_school_user_is_refused_a_case_with_403_whichever_case(api, school_user, case):
    assert api(school_user).get(url("case-detail", case)).status_code == 403
    assert api(school_user).get(reverse("api:case-detail", kwargs={"case_id": 999999})).status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# Decisions on a case


def test_changing_the_status_records_the_decision(api, officer, case):
    response = api(officer).post(
        url("case-status", case), {"status": "enquiries", "rationale": "Starting checks", "expected_version": 1}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "enquiries" and response.json()["version"] == 2
    decision = Decision.objects.get(case=case)
    assert (decision.kind, decision.rationale, decision.decided_by) == (
        DecisionKind.CHANGE_STATUS,
        "Starting checks",
        officer,
    )


def test_a_status_change_on_a_case_the_officer_may_not_see_is_404(api, officer, other_case):
    response = api(officer).post(
        url("case-status", other_case), {"status": "enquiries", "rationale": "x", "expected_version": 1}
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_a_status_change_without_a_rationale_is_refused_naming_the_field(api, officer, case):
    missing = api(officer).post(url("case-status", case), {"status": "enquiries", "expected_version": 1})
    blank = api(officer).post(
        url("case-status", case), {"status": "enquiries", "rationale": "  ", "expected_version": 1}
    )
    assert missing.status_code == blank.status_code == 400
    assert missing.json()["errors"] == blank.json()["errors"] == {"rationale": [ERROR_NO_RATIONALE]}


def test_a_status_move_the_lifecycle_does_not_allow_is_refused_naming_the_field(api, officer, case):
    response = api(officer).post(
        url("case-status", case), {"status": "closed", "rationale": "Done", "expected_version": 1}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["A case cannot move from Open to Closed."]}


def test_a_change_based_on_a_stale_read_is_refused_with_409(api, officer, manager, case):
    read = case.version
    api(manager).post(
        url("case-risk", case), {"risk_level": "high", "rationale": "Police concern", "expected_version": read}
    )
    response = api(officer).post(
        url("case-risk", case), {"risk_level": "low", "rationale": "Seen", "expected_version": read}
    )
    assert response.status_code == 409
    assert response.json() == {"message": ERROR_STALE, "errors": {"non_field_errors": [ERROR_STALE]}}
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH


def test_setting_the_risk_to_an_unknown_level_is_refused_naming_the_code(api, officer, case):
    response = api(officer).post(
        url("case-risk", case), {"risk_level": "extreme", "rationale": "x", "expected_version": 1}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"risk_level": ['"extreme" is not a valid choice.']}


def test_a_manager_reallocates_a_case_and_an_officer_may_not(api, officer, manager, user_factory, case):
    colleague = user_factory(role=Role.CME_OFFICER)
    body = {"officer_id": colleague.pk, "rationale": "Balancing caseloads", "expected_version": 1}
    refused = api(officer).post(url("case-reallocate", case), body)
    allowed = api(manager).post(url("case-reallocate", case), body)
    assert refused.status_code == 403
    assert allowed.status_code == 200 and allowed.json()["officer"]["id"] == colleague.pk


def test_a_case_cannot_be_reallocated_to_someone_who_is_not_an_officer(api, manager, analyst, case):
    for officer_id in (analyst.pk, 999999):
        response = api(manager).post(
            url("case-reallocate", case), {"officer_id": officer_id, "rationale": "x", "expected_version": 1}
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"officer_id": [ERROR_NOT_AN_OFFICER]}


def test_escalating_records_a_decision_and_a_disclosure(api, officer, case):
    response = api(officer).post(
        url("case-escalate", case),
        {"kind": "escalate_police", "recipient": "Wyndley MASH", "rationale": "Possible trafficking"},
    )
    assert response.status_code == 201
    assert response.json()["kind"] == DecisionKind.ESCALATE_POLICE
    assert Disclosure.objects.filter(organisation="Wyndley MASH").exists()


def test_only_escalations_can_be_recorded_as_escalations(api, officer, case):
    response = api(officer).post(
        url("case-escalate", case), {"kind": "close_case", "recipient": "Police", "rationale": "x"}
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["kind"]


def test_starting_school_attendance_order_steps_is_a_decision(api, officer, case):
    response = api(officer).post(url("case-sao", case), {"rationale": "Parents refused a place"})
    assert response.status_code == 201 and response.json()["kind"] == DecisionKind.START_SAO


def test_closing_and_reopening_a_case(api, officer, case):
    client = api(officer)
    closed = client.post(
        url("case-close", case),
        {"outcome": "on_roll_this_la", "rationale": "On roll at Larkfield", "expected_version": 1},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["outcome"] == Outcome.ON_ROLL_THIS_LA
    again = client.post(url("case-close", case), {"outcome": "died", "rationale": "x", "expected_version": 2})
    assert again.status_code == 400 and again.json()["errors"] == {"non_field_errors": [ERROR_CLOSED]}
    reopened = client.post(
        url("case-reopen", case), {"rationale": "Left the school after a week", "expected_version": 2}
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "enquiries"
    assert reopened.json()["outcome"] == ""


def test_reopening_a_closed_case_on_a_stale_read_is_refused_with_409(api, officer, manager, case):
    case_close(
        case=case, actor=manager, outcome=Outcome.END_OF_COMPULSORY_AGE, rationale="Turned 16", expected_version=1
    )
    response = api(officer).post(url("case-reopen", case), {"rationale": "x", "expected_version": 1})
    assert response.status_code == 409


def test_decisions_are_listed_newest_first_and_cannot_be_posted(api, officer, case):
    client = api(officer)
    client.post(url("case-risk", case), {"risk_level": "high", "rationale": "First", "expected_version": 1})
    client.post(url("case-status", case), {"status": "enquiries", "rationale": "Second", "expected_version": 2})
    decisions = client.get(url("case-decision-list", case)).json()
    assert [decision["rationale"] for decision in decisions] == ["Second", "First"]
    assert client.post(url("case-decision-list", case), {"kind": "close_case"}).status_code == 405


# ---------------------------------------------------------------------------------------------------------------
# Enquiries


def test_an_officer_records_an_enquiry_and_its_response(api, officer, case):
    client = api(officer)
    made = client.post(url("enquiry-create", case), {"agency": "housing", "requested_on": "2026-01-05"})
    assert made.status_code == 201 and made.json()["result"] == "awaiting"
    enquiry_id = made.json()["id"]
    answered = client.post(
        url("enquiry-response", case, enquiry_id=enquiry_id),
        {"responded_on": "2026-01-07", "result": "no_trace", "findings": "Not known to housing", "expected_version": 1},
    )
    assert answered.status_code == 200 and answered.json()["result"] == "no_trace"
    listed = client.get(url("enquiry-list", case)).json()
    assert [(row["id"], row["findings"]) for row in listed] == [(enquiry_id, "Not known to housing")]


def test_an_enquiry_on_an_impossible_date_is_refused_naming_the_field(api, officer, case):
    response = api(officer).post(url("enquiry-create", case), {"agency": "housing", "requested_on": "2026-02-30"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "requested_on": ["Enter a real date in the format YYYY-MM-DD, like 2016-03-14"]
    }


def test_an_enquiry_dated_in_the_future_is_refused_by_the_service_naming_the_field(api, officer, case):
    response = api(officer).post(url("enquiry-create", case), {"agency": "police", "requested_on": "2098-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"requested_on": ["The date cannot be in the future"]}


def test_a_response_to_an_enquiry_of_another_case_is_404(api, officer, case, enquiry_factory, other_case):
    enquiry = enquiry_factory(case=other_case)
    response = api(officer).post(
        url("enquiry-response", case, enquiry_id=enquiry.pk),
        {"responded_on": "2026-01-07", "result": "no_trace", "expected_version": 1},
    )
    assert response.status_code == 404


def test_a_response_on_a_stale_read_of_the_enquiry_is_refused_with_409(api, officer, case, enquiry_factory):
    enquiry = enquiry_factory(case=case)
    path = url("enquiry-response", case, enquiry_id=enquiry.pk)
    body = {"responded_on": str(enquiry.requested_on), "result": "no_trace", "expected_version": enquiry.version}
    assert api(officer).post(path, body).status_code == 200
    assert api(officer).post(path, {**body, "result": "child_located"}).status_code == 409


def test_evidence_must_be_a_document_on_the_case(api, officer, case, enquiry_factory):
    enquiry = enquiry_factory(case=case)
    response = api(officer).post(
        url("enquiry-response", case, enquiry_id=enquiry.pk),
        {"responded_on": "2026-01-07", "result": "no_trace", "evidence_id": 424242, "expected_version": 1},
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["evidence_id"]


# ---------------------------------------------------------------------------------------------------------------
# File notes


def test_notes_are_added_and_corrected_and_the_original_is_kept(api, officer, case):
    client = api(officer)
    added = client.post(url("note-create", case), {"text": "Neighbour says the family left"})
    assert added.status_code == 201
    note_id = added.json()["id"]
    corrected = client.post(
        url("note-correct", case, note_id=note_id),
        {"text": "Neighbour says the family left in October", "reason": "Added the month"},
    )
    assert corrected.status_code == 201
    assert corrected.json()["corrects_id"] == note_id and corrected.json()["correction_reason"] == "Added the month"
    (note,) = client.get(url("note-list", case)).json()
    assert note["id"] == corrected.json()["id"]
    assert [version["id"] for version in note["earlier_versions"]] == [note_id]
    again = client.post(url("note-correct", case, note_id=note_id), {"text": "x", "reason": "y"})
    assert again.status_code == 400 and "already been corrected" in again.json()["message"]


def test_a_blank_note_is_refused_in_the_services_words(api, officer, case):
    response = api(officer).post(url("note-create", case), {"text": ""})
    assert response.status_code == 400 and response.json()["errors"] == {"text": ["Enter the note"]}


def test_another_teams_officer_cannot_add_a_note(api, officer, other_case):
    assert api(officer).post(url("note-create", other_case), {"text": "x"}).status_code == 404
    assert not other_case.notes.exists()


def test_a_dpo_cannot_add_a_note(api, dpo, case):
    assert api(dpo).post(url("note-create", case), {"text": "x"}).status_code == 403


@pytest.mark.parametrize("version", [0, 2**31, 2**63 - 1])
def test_any_version_other_than_the_current_one_is_refused_without_a_server_error(api, officer, case, version):
    response = api(officer).post(
        url("case-risk", case), {"risk_level": "low", "rationale": "x", "expected_version": version}
    )
    assert response.status_code == (400 if version == 0 else 409)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("case-status", {"status": "enquiries", "rationale": "x"}),
        ("case-risk", {"risk_level": "low", "rationale": "x"}),
        ("case-close", {"outcome": "died", "rationale": "x"}),
        ("case-reopen", {"rationale": "x"}),
    ],
)
def test_a_change_without_expected_version_is_refused_with_400_saying_what_to_send(api, officer, case, name, body):
    response = api(officer).post(url(name, case), body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"expected_version": [ERROR_VERSION_MISSING]}
    case.refresh_from_db()
    assert case.version == 1 and not case.decisions.exists()


def test_a_reallocation_or_an_enquiry_response_without_expected_version_is_refused(
    api, officer, manager, case, enquiry_factory
):
    reallocate = api(manager).post(url("case-reallocate", case), {"officer_id": officer.pk, "rationale": "x"})
    enquiry = enquiry_factory(case=case)
    respond = api(officer).post(
        url("enquiry-response", case, enquiry_id=enquiry.pk),
        {"responded_on": str(enquiry.requested_on), "result": "no_trace"},
    )
    for response in (reallocate, respond):
        assert response.status_code == 400 and list(response.json()["errors"]) == ["expected_version"]
    enquiry.refresh_from_db()
    assert enquiry.version == 1 and not enquiry.is_answered


def test_a_huge_page_size_is_capped_not_a_server_error(api, officer, case):
    response = api(officer).get(reverse("api:case-list"), {"limit": 10**30, "offset": 10**30})
    assert response.status_code == 200 and response.json()["results"] == []
