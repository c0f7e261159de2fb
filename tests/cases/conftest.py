"""Fixtures for casework tests: an officer and a manager in one team, and a case allocated to the officer."""

import pytest

from cme.accounts.enums import Role


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
