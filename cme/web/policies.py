"""Permissions for pages that belong to no domain app."""

import rules

from cme.accounts.policies import is_signed_in

rules.add_perm("web.view_home", is_signed_in)
