"""Fixtures for API tests: a token-authenticated client for any user, and an officer and manager in one team."""

import pytest
from rest_framework.test import APIClient

from cme.accounts.enums import Role
from cme.accounts.services import api_token_create


@pytest.fixture
def api():
    """`api(user)`: a client sending `user`'s API token; `api()` an anonymous one."""

    def _client(user=None) -> APIClient:
        client = APIClient()
        client.default_format = "json"  # the API parses JSON only
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=None, username=user.username)}")
        return client

    return _client


@pytest.fixture
def team(team_factory):
    return team_factory(name="North team")


@pytest.fixture
def officer(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, username="test-officer", team=team)


@pytest.fixture
def manager(user_factory, team):
    return user_factory(role=Role.CME_MANAGER, username="test-manager", team=team)


@pytest.fixture
def case(case_factory, officer):
    return case_factory(officer=officer)


@pytest.fixture
def other_case(case_factory, user_factory, team_factory):
    """A case of another team's officer: the `officer` fixture may not see it."""
    return case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team_factory(name="South team")))
