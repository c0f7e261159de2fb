"""Permissions for pages that belong to no domain app."""

import rules

from cme.accounts.policies import is_signed_in

rules.add_perm("web.view_home", is_signed_in)


@rules.predicate
def has_task_list(user) -> bool:
    """Caseworkers (their casework and the service's intake) and the DPO (data rights requests) have task lists."""
    return user.has_perm("cases.view_caseload") or user.has_perm("rights.manage_requests")


rules.add_perm("web.view_tasks", has_task_list)
