"""The children and carers endpoints: search, records, and identifiers refused with the reason."""

import datetime

import pytest
from django.urls import reverse

from cme.api.exceptions import PURPOSE_NEEDED
from cme.api.fields import ERROR_VERSION_MISSING
from cme.common.writes import ERROR_STALE
from cme.people.identifiers import NHS_NUMBER_CHECK_ERROR, UPN_CHECK_LETTER_ERROR
from cme.people.models import CarerRelationship, Child
from cme.people.services import address_record
from cme.privacy.enums import Purpose
from cme.privacy.models import AccessPurpose
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db

CHILD = {"given_name": "Amira", "family_name": "Haddad", "date_of_birth": "2015-06-01", "sex": "F"}


@pytest.fixture
def caseload_child(child_factory, case_factory, officer):
    """`caseload_child(**fields)`: a child with a case of the officer's, so in the caseload of officer and manager."""

    def _make(**fields):
        child = child_factory(**fields)
        case_factory(child=child, officer=officer)
        return child

    return _make


def child_url(name: str, child) -> str:
    return reverse(f"api:{name}", kwargs={"child_id": child.pk})


def carer_url(name: str, carer) -> str:
    return reverse(f"api:{name}", kwargs={"carer_id": carer.pk})


# ---------------------------------------------------------------------------------------------------------------
# Search


def test_caseworkers_find_a_child_by_name_and_date_of_birth(api, officer, child_factory):
    child = child_factory(given_name="Amira", family_name="Haddad", date_of_birth=datetime.date(2015, 6, 1))
    child_factory(given_name="Oliver", family_name="Smith")
    matches = api(officer).get(reverse("api:child-search"), {"name": "Amira Hadad", "date_of_birth": "2015-06-01"})
    assert matches.status_code == 200
    assert matches.json()[0]["child"]["id"] == child.pk
    assert "Date of birth matches" in matches.json()[0]["reasons"]


def test_a_search_for_nothing_is_refused_saying_what_to_enter(api, officer):
    response = api(officer).get(reverse("api:child-search"), {"name": " "})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_a_search_on_an_impossible_date_is_refused_naming_the_field(api, officer):
    response = api(officer).get(reverse("api:child-search"), {"date_of_birth": "2016-02-30"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["date_of_birth"]


@pytest.mark.parametrize("role", ["school_user", "partner_user", "dpo", "analyst", "sysadmin"])
def test_only_caseworkers_may_search_for_or_open_a_child(request, api, role, child_factory):
    client = api(request.getfixturevalue(role))
    child = child_factory()
    assert client.get(reverse("api:child-search"), {"name": child.family_name}).status_code == 403
    assert client.get(child_url("child-detail", child)).status_code == 403
    assert client.post(reverse("api:child-create"), CHILD).status_code == 403


def test_the_child_endpoints_need_a_token(api, child_factory):
    assert api().get(child_url("child-detail", child_factory())).status_code == 401


# ---------------------------------------------------------------------------------------------------------------
# A child's record


def test_a_childs_record_comes_with_carers_and_current_address(api, officer, caseload_child):
    child = caseload_child(upn="B801200005001")
    relationship = CarerRelationshipFactory(child=child)
    address_record(
        actor=officer, person=child, line1="4 Fennick Road", postcode="zy12ab", valid_from=datetime.date(2024, 1, 1)
    )
    body = api(officer).get(child_url("child-detail", child)).json()
    assert body["upn"] == "B801200005001" and body["version"] == 1
    assert body["carers"][0]["carer"]["id"] == relationship.carer_id and body["carers"][0]["kind"] == "mother"
    assert body["current_address"]["postcode"] == "ZY1 2AB"


def test_a_missing_child_is_404(api, officer):
    assert api(officer).get(reverse("api:child-detail", kwargs={"child_id": 424242})).status_code == 404


def test_a_child_is_recorded_with_identifiers_in_their_stored_form(api, officer):
    response = api(officer).post(
        reverse("api:child-create"), {**CHILD, "upn": "b801 2000 05001", "nhs_number": "943 476 5919"}
    )
    assert response.status_code == 201
    assert (response.json()["upn"], response.json()["nhs_number"]) == ("B801200005001", "9434765919")


def test_a_upn_with_the_wrong_check_letter_is_refused_with_the_reason(api, officer):
    response = api(officer).post(reverse("api:child-create"), {**CHILD, "upn": "A801200005001"})
    assert response.status_code == 400
    assert response.json() == {"message": "There is a problem", "errors": {"upn": [UPN_CHECK_LETTER_ERROR]}}
    assert not Child.objects.exists()


def test_a_bad_nhs_number_is_refused_with_the_reason(api, officer):
    response = api(officer).post(reverse("api:child-create"), {**CHILD, "nhs_number": "9434765918"})
    assert response.status_code == 400 and response.json()["errors"] == {"nhs_number": [NHS_NUMBER_CHECK_ERROR]}


def test_an_impossible_date_of_birth_is_refused_naming_the_field(api, officer):
    response = api(officer).post(reverse("api:child-create"), {**CHILD, "date_of_birth": "2026-02-30"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "date_of_birth": ["Enter a real date in the format YYYY-MM-DD, like 2016-03-14"]
    }


def test_a_date_of_birth_in_the_future_is_refused_naming_the_field(api, officer):
    # The input itself is refused (a child's date of birth lies in the last 19 years), before the service's own check.
    response = api(officer).post(reverse("api:child-create"), {**CHILD, "date_of_birth": "2999-01-01"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["date_of_birth"]
    assert response.json()["errors"]["date_of_birth"][0].startswith("A child's date of birth must be between")


def test_a_upn_another_child_has_is_refused(api, officer, child_factory):
    child_factory(upn="B801200005001")
    response = api(officer).post(reverse("api:child-create"), {**CHILD, "upn": "B801200005001"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["upn"]


def test_a_child_with_several_things_wrong_is_told_each_at_once(api, officer):
    response = api(officer).post(reverse("api:child-create"), {"given_name": "", "sex": "X", "looked_after": "perhaps"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"given_name", "family_name", "date_of_birth", "sex", "looked_after"}


def test_the_api_gives_a_caseworker_the_special_category_values(api, officer, child_factory, case_factory):
    child = child_factory(ethnicity="APKN", ehcp=True)
    case_factory(child=child, officer=officer)
    response = api(officer).get(child_url("child-detail", child))
    assert response.status_code == 200
    assert (response.json()["ethnicity"], response.json()["ehcp"]) == ("APKN", True)


def test_a_childs_details_are_updated_from_the_version_read(api, officer, caseload_child):
    child = caseload_child(upn="B801200005001")
    response = api(officer).post(
        child_url("child-update", child),
        {"preferred_name": "Mira", "expected_version": child.version, "reason": "Correction"},
    )
    assert response.status_code == 200
    assert (response.json()["preferred_name"], response.json()["version"]) == ("Mira", 2)
    assert response.json()["given_name"] == child.given_name  # fields not sent are left alone


def test_an_update_on_a_stale_read_is_refused_with_409_and_changes_nothing(api, officer, manager, caseload_child):
    child = caseload_child()
    api(manager).post(
        child_url("child-update", child), {"first_language": "Arabic", "expected_version": 1, "reason": "Correction"}
    )
    response = api(officer).post(
        child_url("child-update", child), {"first_language": "French", "expected_version": 1, "reason": "Correction"}
    )
    assert response.status_code == 409
    assert response.json()["message"] == ERROR_STALE
    child.refresh_from_db()
    assert child.first_language == "Arabic"


def test_an_update_must_say_which_version_it_read(api, officer, caseload_child):
    response = api(officer).post(
        child_url("child-update", caseload_child()), {"preferred_name": "Mira", "reason": "Correction"}
    )
    assert response.status_code == 400 and response.json()["errors"] == {"expected_version": [ERROR_VERSION_MISSING]}


def test_an_update_with_a_bad_upn_is_refused_with_the_reason(api, officer, caseload_child):
    child = caseload_child()
    response = api(officer).post(
        child_url("child-update", child), {"upn": "A801200005001", "expected_version": 1, "reason": "Correction"}
    )
    assert response.status_code == 400 and response.json()["errors"] == {"upn": [UPN_CHECK_LETTER_ERROR]}


# ---------------------------------------------------------------------------------------------------------------
# A child outside the caseload: as on the pages, the record opens once the officer has said why


def test_a_child_outside_the_caseload_opens_only_after_a_stated_purpose(api, officer, child_factory):
    child = child_factory()
    client = api(officer)
    refused = client.get(child_url("child-detail", child))
    assert refused.status_code == 403
    assert refused.json()["message"] == PURPOSE_NEEDED.format(endpoint=f"/api/v1/children/{child.pk}/purpose/")
    stated = client.post(
        child_url("child-purpose", child), {"purpose": "locate", "reason": "A school in the south asked about her"}
    )
    assert stated.status_code == 201 and stated.json()["child_id"] == child.pk
    assert client.get(child_url("child-detail", child)).status_code == 200
    statement = AccessPurpose.objects.get()
    assert (statement.user, statement.subject_id, statement.purpose) == (officer, child.pk, Purpose.LOCATE)
    # The purpose covers the token it was stated with, as a stated purpose covers one sign-in session on the pages.
    assert api(officer).get(child_url("child-detail", child)).status_code == 403


def test_changing_a_child_outside_the_caseload_also_needs_a_purpose(api, officer, child_factory, carer_factory):
    child = child_factory()
    client = api(officer)
    change = {"first_language": "Welsh", "expected_version": 1, "reason": "Correction"}
    assert client.post(child_url("child-update", child), change).status_code == 403
    link = {"child_id": child.pk, "kind": "mother"}
    assert client.post(carer_url("carer-link", carer_factory()), link).status_code == 403
    client.post(child_url("child-purpose", child), {"purpose": "identify_cme", "reason": "Possible duplicate record"})
    assert client.post(child_url("child-update", child), change).status_code == 200


def test_a_purpose_needs_a_known_purpose_and_a_reason(api, officer, child_factory):
    response = api(officer).post(child_url("child-purpose", child_factory()), {"purpose": "curiosity", "reason": ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "purpose": ['"curiosity" is not a valid choice.'],
        "reason": ["Enter why you need to open this record"],
    }
    assert not AccessPurpose.objects.exists()


def test_a_childs_own_caseworkers_are_not_asked_why(api, officer, manager, caseload_child):
    child = caseload_child()
    assert api(officer).get(child_url("child-detail", child)).status_code == 200
    assert api(manager).get(child_url("child-detail", child)).status_code == 200
    assert not AccessPurpose.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Carers


def test_a_carer_is_recorded_and_linked_to_a_child(api, officer, caseload_child):
    child = caseload_child()
    client = api(officer)
    created = client.post(reverse("api:carer-create"), {"title": "Ms", "given_name": "Layla", "family_name": "Haddad"})
    assert created.status_code == 201
    carer_id = created.json()["id"]
    linked = client.post(
        reverse("api:carer-link", kwargs={"carer_id": carer_id}),
        {"child_id": child.pk, "kind": "mother", "parental_responsibility": True},
    )
    assert linked.status_code == 200
    assert linked.json() == {"carer_id": carer_id, "child_id": child.pk, "kind": "mother",
                             "parental_responsibility": True, "lives_with": True}  # fmt: skip
    carer = client.get(reverse("api:carer-detail", kwargs={"carer_id": carer_id})).json()
    assert [link["child"]["id"] for link in carer["children"]] == [child.pk]
    assert CarerRelationship.objects.get().parental_responsibility


def test_a_link_with_an_unknown_kind_or_child_is_refused_naming_the_fields(api, officer, carer_factory):
    response = api(officer).post(carer_url("carer-link", carer_factory()), {"child_id": 424242, "kind": "uncle"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["kind"]
    response = api(officer).post(carer_url("carer-link", carer_factory()), {"child_id": 424242, "kind": "other"})
    assert response.status_code == 400 and response.json()["errors"] == {"child_id": ["There is no child with this id"]}


def test_a_carer_born_on_an_impossible_date_is_refused(api, officer):
    response = api(officer).post(
        reverse("api:carer-create"), {"given_name": "Layla", "family_name": "Haddad", "date_of_birth": "1990-13-01"}
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["date_of_birth"]


def test_carers_are_for_caseworkers_only(api, partner_user, carer_factory):
    carer = carer_factory()
    assert api(partner_user).get(carer_url("carer-detail", carer)).status_code == 403
    assert api(partner_user).post(carer_url("carer-link", carer), {}).status_code == 403


def test_a_missing_carer_is_404(api, officer):
    assert api(officer).get(reverse("api:carer-detail", kwargs={"carer_id": 424242})).status_code == 404
