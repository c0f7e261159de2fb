"""Closing a case through the API: 200 when it closes, 202 `awaiting_sign_off` when a manager must sign it off."""

import datetime

import pytest
from django.urls import reverse

from cme.cases.enums import CaseStatus, DecisionKind
from cme.cases.models import SignOffRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


def url(case):
    return reverse("api:case-close", args=[case.pk])


def test_a_closure_needing_sign_off_answers_202_and_the_case_stays_open(api, officer, case):
    response = api(officer).post(
        url(case),
        {"outcome": "moved_abroad_unconfirmed", "rationale": "Neighbours say Romania", "expected_version": 1,
         "destination_country": "Romania"},
    )  # fmt: skip
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "awaiting_sign_off"
    assert body["sign_off"]["state"] == "waiting" and body["sign_off"]["outcome"] == "moved_abroad_unconfirmed"
    assert body["sign_off"]["needed_because"] and body["case"]["status"] == "open"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    request = SignOffRequest.objects.get(case=case)
    assert request.destination_country == "Romania"
    assert case.decisions.get().kind == DecisionKind.REQUEST_SIGN_OFF


def test_a_closure_without_sign_off_still_answers_200_with_the_case(api, officer, case, school_factory):
    school_factory(urn=100150)
    response = api(officer).post(
        url(case),
        {"outcome": "on_roll_this_la", "rationale": "Started at Larkfield", "expected_version": 1,
         "destination_school_urn": 100150, "destination_on": "2026-11-23"},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["destination_school_urn"], body["destination_on"]) == ("closed", 100150, "2026-11-23")
    assert case.child.enrolments.get().school.urn == 100150


def test_a_school_outside_the_register_needs_its_name(api, officer, case):
    client = api(officer)
    body = {"outcome": "on_roll_other_la", "rationale": "Confirmed", "expected_version": 1,
            "destination_school_urn": 145678, "destination_on": "2026-11-23"}  # fmt: skip
    refused = client.post(url(case), body)
    assert refused.status_code == 400 and "destination_school_urn" in refused.json()["errors"]
    closed = client.post(url(case), {**body, "destination_school_name": "Harbour View", "destination_council": "Kent"})
    assert closed.status_code == 200 and closed.json()["destination_council"] == "Kent"
