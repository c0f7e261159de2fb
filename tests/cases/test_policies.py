"""Who sees which case: officers their own and their team's, managers all; nobody else any."""

import pytest

from cme.accounts.enums import Role
from cme.cases.selectors import case_list_for_user

pytestmark = pytest.mark.django_db


def test_officers_see_their_teams_cases_managers_all_and_other_roles_none(
    officer, manager, case, case_factory, user_factory, team_factory
):
    other_team_case = case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team_factory(name="South")))
    teammate = user_factory(role=Role.CME_OFFICER, team=officer.team)
    assert set(case_list_for_user(user=officer)) == {case}
    assert set(case_list_for_user(user=teammate)) == {case}
    assert set(case_list_for_user(user=manager)) == {case, other_team_case}
    assert teammate.has_perm("cases.view_case", case) and not teammate.has_perm("cases.view_case", other_team_case)
    for role in (Role.SCHOOL_USER, Role.PARTNER_USER, Role.ANALYST, Role.SYSADMIN, Role.DPO):
        outsider = user_factory(role=role)
        assert not case_list_for_user(user=outsider).exists()
        assert not outsider.has_perm("cases.view_case", case)
        assert not outsider.has_perm("cases.view_caseload")


def test_only_managers_reallocate(officer, manager, case):
    assert manager.has_perm("cases.reallocate_case", case)
    assert not officer.has_perm("cases.reallocate_case", case)
