"""Permissions for API endpoints that belong to no domain app."""

import rules

from cme.accounts.policies import is_signed_in

rules.add_perm("api.view_schema", is_signed_in)
