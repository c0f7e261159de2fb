"""Refused requests leave a trace: a rejected token, a record refused by the role check or by its door, a carer's record
outside the caseload. And a carer's record follows the child rule."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from cme.accounts.services import api_token_create
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.schools.models import RollReturn
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db


def _after(sequence: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(sequence__gt=sequence).select_related("detail").order_by("sequence"))


def _head() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_an_unknown_token_is_rejected_and_audited_without_keeping_the_token(client):
    token = "f" * 64
    before = _head()

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    (entry,) = _after(before)
    assert (entry.event, entry.actor_id) == (AuditEvent.TOKEN_REJECTED, None)
    detail = entry.detail.data_dict
    assert detail["token_start"] == "ffffffff" and token not in entry.detail.data
    assert detail["path"] == reverse("api:me")


def test_a_deactivated_users_token_is_rejected_naming_whose_it_was(client, officer):
    token = api_token_create(actor=None, username=officer.username)
    officer.is_active = False
    officer.save()
    before = _head()

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    (entry,) = _after(before)
    assert (entry.event, entry.actor_id) == (AuditEvent.TOKEN_REJECTED, officer.pk)
    assert AuthToken.objects.filter(user=officer).exists()  # kept for the record; the user cannot use it


def test_no_token_at_all_is_not_a_rejected_token(client):
    before = _head()
    assert client.get(reverse("api:me")).status_code == 401
    assert _after(before) == []


def test_a_role_refused_a_protected_record_is_audited_and_a_refused_list_is_not(api, analyst, case):
    client = api(analyst)
    before = _head()

    assert client.get(reverse("api:case-detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("api:case-list")).status_code == 403

    (entry,) = _after(before)
    assert (entry.event, entry.target_type, entry.target_id) == (AuditEvent.ACCESS_REFUSED, "cases.case", str(case.pk))
    assert entry.payload_data == {"refusal": "not_permitted", "status": 403, "route": "api:case-detail"}


def test_a_record_that_is_not_there_is_refused_and_audited_like_one_that_is_hidden(api, officer, other_case):
    client = api(officer)
    before = _head()

    hidden = client.get(reverse("api:case-detail", args=[other_case.pk]))
    missing = client.get(reverse("api:case-detail", args=[other_case.pk + 1000]))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert [(e.event, e.target_id, e.payload_data["refusal"]) for e in _after(before)] == [
        (AuditEvent.ACCESS_REFUSED, str(other_case.pk), "not_found"),
        (AuditEvent.ACCESS_REFUSED, str(other_case.pk + 1000), "not_found"),
    ]


def test_a_carer_outside_the_caseload_opens_only_after_a_stated_purpose(api, officer, other_case):
    carer = CarerRelationshipFactory(child=other_case.child).carer
    client = api(officer)
    url = reverse("api:carer-detail", args=[carer.pk])
    before = _head()

    refused = client.get(url)

    assert refused.status_code == 403
    assert f"/api/v1/carers/{carer.pk}/purpose/" in refused.json()["message"]
    assert other_case.child.family_name not in refused.content.decode()
    assert [e.event for e in _after(before)] == [AuditEvent.PURPOSE_REQUIRED]

    stated = client.post(reverse("api:carer-purpose", args=[carer.pk]), {"purpose": "locate", "reason": "Moved here"})
    before = _head()
    opened = client.get(url)

    assert stated.status_code == 201 and stated.json()["carer_id"] == carer.pk
    assert opened.status_code == 200
    assert [link["child"]["id"] for link in opened.json()["children"]] == [other_case.child_id]
    (read,) = _after(before)
    assert (read.event, read.target_id, read.payload_data) == (
        AuditEvent.CARER_VIEWED,
        str(carer.pk),
        {"children": [other_case.child_id]},
    )
    assert (read.detail.purpose, read.detail.purpose_text) == ("locate", "Moved here")
    # A purpose covers the token it was stated with, as it covers one sign-in session on the pages.
    assert api(officer).get(url).status_code == 403


def test_a_carer_of_a_child_in_the_caseload_opens_and_the_read_is_audited(api, officer, case):
    carer = CarerRelationshipFactory(child=case.child).carer
    before = _head()

    assert api(officer).get(reverse("api:carer-detail", args=[carer.pk])).status_code == 200

    reads = [e for e in _after(before) if e.event == AuditEvent.CARER_VIEWED]
    assert [(e.target_id, e.detail_hash) for e in reads] == [(str(carer.pk), "")]  # no purpose needed, none kept


def test_an_officer_refused_a_managers_action_on_a_case_they_may_open_is_audited(api, officer, case):
    client = api(officer)
    before = _head()

    response = client.post(reverse("api:case-reallocate", args=[case.pk]), {"officer_id": officer.pk})

    assert response.status_code == 403
    assert [(e.event, e.target_id) for e in _after(before)] == [
        (AuditEvent.CASE_VIEWED, str(case.pk)),
        (AuditEvent.ACCESS_REFUSED, str(case.pk)),
    ]


def test_a_return_read_is_recorded_as_a_return_read_about_the_child_it_was_matched_to(
    api, officer, school_user, roll_return_factory, case
):
    roll_return = roll_return_factory(school=school_user.school)
    RollReturn.objects.filter(pk=roll_return.pk).update(child=case.child)
    officer_api, school_api = api(officer), api(school_user)  # making their tokens is audited too: before the reads
    before = _head()

    assert officer_api.get(reverse("api:return-detail", args=[roll_return.pk])).status_code == 200
    assert school_api.get(reverse("api:return-detail", args=[roll_return.pk])).status_code == 200

    reads = [(e.event, e.target_type, e.target_id, e.subject_child_id) for e in _after(before)]
    assert reads == [(AuditEvent.RETURN_VIEWED, "schools.rollreturn", str(roll_return.pk), case.child_id)] * 2
