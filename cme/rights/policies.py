"""Permissions for rights requests: the data protection officer's work, from logging to decision."""

import rules

from cme.accounts.policies import is_dpo

# Requests name people and say what they want of the council; only the DPO handles them (docs/roles.md).
rules.add_perm("rights.manage_requests", is_dpo)
