"""Permissions for the council's settings."""

import rules

from cme.accounts.policies import is_sysadmin

rules.add_perm("council.change_settings", is_sysadmin)
