"""The API: token authentication from `cme token create`, deny by default, and an OpenAPI schema."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cme.accounts.services import api_token_create
from cme.common.errors import ApplicationError

pytestmark = pytest.mark.django_db


def client_with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_identifies_its_user(officer):
    response = client_with_token(api_token_create(actor=None, username=officer.username)).get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json()["username"] == officer.username
    assert response.json()["role"] == "cme_officer"


def test_a_wrong_token_is_refused_with_401(officer):
    assert client_with_token("not-a-real-token").get(reverse("api:me")).status_code == 401


def test_a_token_stops_working_when_the_user_is_deactivated(officer):
    client = client_with_token(api_token_create(actor=None, username=officer.username))
    officer.is_active = False
    officer.save()
    assert client.get(reverse("api:me")).status_code == 401


def test_tokens_are_stored_only_as_hashes(officer):
    from knox.models import AuthToken

    token = api_token_create(actor=None, username=officer.username)
    stored = AuthToken.objects.get(user=officer)
    assert token not in (stored.digest, stored.token_key)


def test_tokens_are_refused_for_unknown_users_and_silly_lifetimes(officer):
    with pytest.raises(ApplicationError, match="no active user"):
        api_token_create(actor=None, username="nobody")
    with pytest.raises(ApplicationError, match="between 1 and 365"):
        api_token_create(actor=None, username=officer.username, days=1000)


def test_session_cookies_do_not_open_the_api(sign_in, officer):
    # The API takes tokens only, so a page session (possibly without two-factor) cannot be replayed against it.
    assert sign_in(officer).get(reverse("api:me")).status_code == 401


def test_the_schema_is_valid_openapi_and_lists_every_endpoint(officer):
    from drf_spectacular.validation import validate_schema

    response = client_with_token(api_token_create(actor=None, username=officer.username)).get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert {"/api/v1/me/", "/api/v1/schools/", "/api/v1/schools/{urn}/"} <= set(schema["paths"])


def test_school_list_filters_by_name(analyst, school_factory):
    school_factory(name="Larkfield Academy")
    school_factory(name="Meadow Primary School")
    client = client_with_token(api_token_create(actor=None, username=analyst.username))
    page = client.get(reverse("api:school-list"), {"q": "lark"}).json()
    assert page["count"] == 1
    assert [school["name"] for school in page["results"]] == ["Larkfield Academy"]
