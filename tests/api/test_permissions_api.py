"""Every endpoint, side by side: the role allowed, a role refused (403), a record hidden (404), and no token (401)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db

DATE = "2026-11-03"


@dataclass
class Records:
    case: object
    hidden_case: object  # another team's case: the officer may not see it
    enquiry: object
    note: object
    referral: object
    child: object
    carer: object


@pytest.fixture
def records(officer, case_factory, enquiry_factory, note_factory, referral_factory, user_factory,
            team_factory) -> Records:  # fmt: skip
    case = case_factory(officer=officer)
    hidden = case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team_factory(name="South team")))
    return Records(case=case, hidden_case=hidden, enquiry=enquiry_factory(case=case), note=note_factory(case=case),
                   referral=referral_factory(child=case.child), child=case.child,
                   carer=CarerRelationshipFactory(child=case.child).carer)  # fmt: skip


# name, method, body, the status the allowed caseworker gets. Case endpoints take the case (or hidden case) by id.
CASE_ENDPOINTS = [
    ("case-detail", "get", None, 200),
    ("case-status", "post", {"status": "enquiries", "rationale": "Checks", "expected_version": 1}, 200),
    ("case-risk", "post", {"risk_level": "high", "rationale": "Police concern", "expected_version": 1}, 200),
    ("case-escalate", "post", {"kind": "escalate_social_care", "recipient": "MASH", "rationale": "Neglect"}, 201),
    ("case-sao", "post", {"rationale": "Refused a place"}, 201),
    (
        "case-close",
        "post",
        {"outcome": "died", "rationale": "Coroner", "expected_version": 1},
        202,
    ),  # died: needs sign-off
    ("case-decision-list", "get", None, 200),
    ("enquiry-list", "get", None, 200),
    ("enquiry-create", "post", {"agency": "police", "requested_on": DATE}, 201),
    ("enquiry-response", "post", {"responded_on": DATE, "result": "no_trace", "expected_version": 1}, 200),
    ("note-list", "get", None, 200),
    ("note-create", "post", {"text": "Visited"}, 201),
    ("note-correct", "post", {"text": "Visited at 10am", "reason": "Time"}, 201),
]


def _case_url(name: str, records: Records, case) -> str:
    kwargs = {"case_id": case.pk}
    if name == "enquiry-response":
        kwargs["enquiry_id"] = records.enquiry.pk
    if name == "note-correct":
        kwargs["note_id"] = records.note.pk
    return reverse(f"api:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "method", "body", "allowed"), CASE_ENDPOINTS)
def test_case_endpoints_allow_the_officer_and_refuse_everyone_else(
    api, officer, dpo, school_user, records, name, method, body, allowed
):
    path = _case_url(name, records, records.case)
    assert getattr(api(), method)(path, body).status_code == 401
    assert getattr(api(dpo), method)(path, body).status_code == 403
    assert getattr(api(school_user), method)(path, body).status_code == 403
    # An officer asking about another team's case learns nothing: the same 404 as for a case that does not exist.
    assert getattr(api(officer), method)(_case_url(name, records, records.hidden_case), body).status_code == 404
    assert getattr(api(officer), method)(path, body).status_code == allowed


def test_reallocation_is_for_managers_only(api, officer, manager, analyst, records):
    body = {"officer_id": officer.pk, "rationale": "Back from leave", "expected_version": 1}
    path = reverse("api:case-reallocate", kwargs={"case_id": records.case.pk})
    assert api().post(path, body).status_code == 401
    assert api(analyst).post(path, body).status_code == 403
    assert api(officer).post(path, body).status_code == 403  # may see and work the case, not reallocate it
    assert api(manager).post(path, body).status_code == 200


REFERRAL_ENDPOINTS = [
    ("referral-list", "get", None, 200),
    ("referral-detail", "get", None, 200),
    ("referral-accept", "post", {"primary_reason": "other", "became_cme_on": DATE, "rationale": "New case"}, 201),
    ("referral-no-further-action", "post", {"rationale": "On roll"}, 200),
]


@pytest.mark.parametrize(("name", "method", "body", "allowed"), REFERRAL_ENDPOINTS)
def test_referral_endpoints_allow_caseworkers_and_refuse_everyone_else(
    api, officer, partner_user, records, name, method, body, allowed
):
    kwargs = {} if name == "referral-list" else {"referral_id": records.referral.pk}
    path = reverse(f"api:{name}", kwargs=kwargs)
    assert getattr(api(), method)(path, body).status_code == 401
    assert getattr(api(partner_user), method)(path, body).status_code == 403
    if kwargs:
        missing = reverse(f"api:{name}", kwargs={"referral_id": records.referral.pk + 1000})
        assert getattr(api(officer), method)(missing, body).status_code == 404
    assert getattr(api(officer), method)(path, body).status_code == allowed


def test_recording_a_referral_is_for_caseworkers(api, officer, sysadmin, records):
    body = {"child_id": records.child.pk, "source": "public", "received_on": DATE, "concerns": "Not seen"}
    assert api().post(reverse("api:referral-create"), body).status_code == 401
    assert api(sysadmin).post(reverse("api:referral-create"), body).status_code == 403
    assert api(officer).post(reverse("api:referral-create"), body).status_code == 201


PEOPLE_ENDPOINTS = [
    ("child-search", "get", {"name": "Smith"}, 200),
    ("child-detail", "get", None, 200),
    ("child-create", "post", {"given_name": "Amira", "family_name": "Haddad", "date_of_birth": "2015-06-01"}, 201),
    ("child-update", "post", {"preferred_name": "Mira", "expected_version": 1, "reason": "Correction"}, 200),
    ("carer-create", "post", {"given_name": "Layla", "family_name": "Haddad"}, 201),
    ("carer-detail", "get", None, 200),
    ("carer-link", "post", {"kind": "mother"}, 200),
]


@pytest.mark.parametrize(("name", "method", "body", "allowed"), PEOPLE_ENDPOINTS)
def test_people_endpoints_allow_caseworkers_and_refuse_everyone_else(
    api, manager, analyst, records, name, method, body, allowed
):
    kwargs = {}
    if name in ("child-detail", "child-update"):
        kwargs = {"child_id": records.child.pk}
    elif name in ("carer-detail", "carer-link"):
        kwargs = {"carer_id": records.carer.pk}
    body = {**body, "child_id": records.child.pk} if name == "carer-link" else body
    path = reverse(f"api:{name}", kwargs=kwargs)
    assert getattr(api(), method)(path, body).status_code == 401
    assert getattr(api(analyst), method)(path, body).status_code == 403
    if kwargs:
        key, value = next(iter(kwargs.items()))
        missing = reverse(f"api:{name}", kwargs={key: value + 1000})
        assert getattr(api(manager), method)(missing, body).status_code == 404
    assert getattr(api(manager), method)(path, body).status_code == allowed
