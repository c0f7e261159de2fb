"""Permissions for schools: the register is not personal data, so council staff may read it."""

import rules

from cme.accounts.policies import is_council_staff

rules.add_perm("schools.view_school", is_council_staff)
