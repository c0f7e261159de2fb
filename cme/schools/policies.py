"""Permissions for schools: the register is not personal data, so council staff may read it."""

import rules

from cme.accounts.policies import is_caseworker, is_council_staff, is_school_user

rules.add_perm("schools.view_school", is_council_staff)

# Schools' returns. A school user sends returns and sees only their own school's, at a summary level; the
# caseworkers triage them and see the at-risk list. Nobody else has any purpose to see them.


@rules.predicate
def is_own_school(user, roll_return) -> bool:
    return roll_return is not None and user.school_id is not None and roll_return.school_id == user.school_id


rules.add_perm("schools.submit_return", is_school_user)
rules.add_perm("schools.view_own_returns", is_school_user)
rules.add_perm("schools.view_own_return", is_school_user & is_own_school)
rules.add_perm("schools.upload_returns", is_school_user | is_caseworker)
rules.add_perm("schools.view_return_inbox", is_caseworker)
rules.add_perm("schools.triage_return", is_caseworker)
rules.add_perm("schools.view_at_risk", is_caseworker)
rules.add_perm("schools.view_returns", is_school_user | is_caseworker)  # the API list: each sees what theirs is
