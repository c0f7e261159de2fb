"""Permissions for the council's settings."""

import rules

from cme.accounts.policies import is_dpo, is_sysadmin

rules.add_perm("council.change_settings", is_sysadmin)

# How long each kind of record is kept is the data protection officer's to set (the notice states the periods).
rules.add_perm("council.change_retention_periods", is_dpo)
