"""One error shape for every refusal, and a schema that documents it for every endpoint."""

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from cme.api.exceptions import INVALID_REQUEST

pytestmark = pytest.mark.django_db


def _shape(body: dict) -> None:
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in body["errors"].values()
    )


def test_malformed_json_is_a_400_in_the_same_shape(api, officer, case):
    response = api(officer).post(
        reverse("api:note-create", kwargs={"case_id": case.pk}), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    _shape(response.json())
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_a_body_that_is_not_an_object_is_a_400_naming_no_field(api, officer, case):
    response = api(officer).post(reverse("api:note-create", kwargs={"case_id": case.pk}), ["a", "list"])
    assert response.status_code == 400
    assert response.json()["message"] == INVALID_REQUEST and list(response.json()["errors"]) == ["non_field_errors"]


def test_form_encoded_bodies_are_refused_with_415(api, officer, case):
    response = api(officer).post(
        reverse("api:note-create", kwargs={"case_id": case.pk}), {"text": "x"}, format="multipart"
    )
    assert response.status_code == 415
    _shape(response.json())


@pytest.mark.parametrize(
    ("method", "name", "expected"),
    [("get", "api:case-list", 401), ("delete", "api:case-list", 405), ("get", "api:case-detail", 404)],
)
def test_refusals_use_the_one_shape(api, officer, method, name, expected):
    client = api() if expected == 401 else api(officer)
    path = reverse(name, kwargs={"case_id": 424242}) if "detail" in name else reverse(name)
    response = getattr(client, method)(path)
    assert response.status_code == expected
    _shape(response.json())
    assert response.json()["errors"] == {}


def _schema(api, user) -> dict:
    response = api(user).get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_and_documents_every_error_with_the_shared_shape(api, officer):
    schema = _schema(api, officer)
    validate_schema(schema)
    error = {"$ref": "#/components/schemas/Error"}
    duplicates = {"$ref": "#/components/schemas/PossibleDuplicatesError"}
    for path, operations in schema["paths"].items():
        if not path.startswith(("/api/v1/cases", "/api/v1/referrals", "/api/v1/children", "/api/v1/carers")):
            continue
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            responses = operation["responses"]
            assert {"401", "403"} <= set(responses), where
            if method == "post" or "{" in path:
                assert {"400", "404"} & set(responses), where
            if method == "post":
                assert "400" in responses and "requestBody" in operation, where
            for code, response in responses.items():
                if code.startswith("4"):
                    body = response["content"]["application/json"]["schema"]
                    if code == "409" and body == duplicates:  # the shared shape, with who may be the same child
                        continue
                    assert body == error, f"{where} {code}"
    # The 409 of a possible duplicate is the shared shape plus `possible_duplicates`.
    shapes = schema["components"]["schemas"]
    assert set(shapes["Error"]["properties"]) < set(shapes["PossibleDuplicatesError"]["properties"])
    assert "possible_duplicates" in shapes["PossibleDuplicatesError"]["required"]


def test_the_schema_names_each_code_set_once(api, officer):
    schemas = _schema(api, officer)["components"]["schemas"]
    assert schemas["RiskLevel"]["enum"] == ["not_assessed", "low", "medium", "high"]
    assert {"CaseStatus", "ReferralStatus", "Outcome", "EnquiryAgency", "Sex"} <= set(schemas)
    assert not [name for name in schemas if name.endswith("Enum")]
