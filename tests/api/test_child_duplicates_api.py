"""The API's duplicate check on creating a child (stable): 409 with `possible_duplicates` unless the request says it
has looked (`confirmed_new` and a `reason`)."""

import pytest
from django.urls import reverse

from cme.people.models import Child
from tests.people.test_duplicates import API_DETAILS, BORN, duplicate_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def precious(child_factory, case_factory):
    """Precious Adeyemi, born 2 May 2014, no UPN, with an open case someone else works."""
    child = child_factory(given_name="Precious", family_name="Adeyemi", date_of_birth=BORN, upn="")
    case_factory(child=child)
    return child


def test_the_api_answers_409_with_the_possible_duplicates(api, officer, precious):
    response = api(officer).post(reverse("api:child-create"), API_DETAILS)
    assert response.status_code == 409
    body = response.json()
    [duplicate] = body["possible_duplicates"]
    assert set(duplicate) == {"id", "given_name", "family_name", "preferred_name", "date_of_birth", "why"}
    assert (duplicate["id"], duplicate["given_name"], duplicate["family_name"]) == (precious.pk, "Precious", "Adeyemi")
    assert duplicate["date_of_birth"] == "2014-05-02"
    assert "Date of birth matches" in duplicate["why"]
    assert Child.objects.count() == 1
    assert [e.actor_id for e in duplicate_checks()] == [officer.pk]


def test_the_api_creates_once_the_request_says_it_looked(api, officer, precious):
    refused = api(officer).post(reverse("api:child-create"), {**API_DETAILS, "confirmed_new": True})
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    created = api(officer).post(
        reverse("api:child-create"), {**API_DETAILS, "confirmed_new": True, "reason": "A different girl: twin sister"}
    )
    assert created.status_code == 201
    assert Child.objects.count() == 2


def test_the_api_creates_a_child_nobody_resembles_without_asking(api, officer, precious):
    response = api(officer).post(
        reverse("api:child-create"), {"given_name": "Tobi", "family_name": "Okafor", "date_of_birth": "2013-03-01"}
    )
    assert response.status_code == 201


def test_confirming_a_match_answers_409_until_the_request_says_it_looked(api, officer, match_candidate, child_factory):
    known = child_factory(given_name="Amara", family_name="Okonkwo-Test", date_of_birth=match_candidate.date_of_birth)
    url = reverse("api:match-candidate-confirm", kwargs={"candidate_id": match_candidate.pk})
    refused = api(officer).post(url, {"rationale": "Family known at this address"})
    assert refused.status_code == 409
    assert [d["id"] for d in refused.json()["possible_duplicates"]] == [known.pk]
    confirmed = api(officer).post(url, {"rationale": "A different Amara: other parents", "confirmed_new": True})
    assert confirmed.status_code == 201 and confirmed.json()["child_id"] != known.pk


def test_a_upn_another_child_holds_is_refused_with_400_and_that_records_id(api, officer, precious):
    Child.objects.filter(pk=precious.pk).update(upn="B801200005001")
    details = {"given_name": "Tobi", "family_name": "Okafor", "date_of_birth": "2013-03-01", "upn": "B801200005001"}

    response = api(officer).post(reverse("api:child-create"), details)

    assert response.status_code == 400
    body = response.json()
    assert body["upn_held_by"] == {"type": "people.child", "id": precious.pk}
    assert f"child record {precious.pk}" in body["errors"]["upn"][0]
    assert Child.objects.count() == 1
    assert [e.actor_id for e in duplicate_checks()] == [officer.pk]  # naming the other child is audited
