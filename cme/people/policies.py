"""Who may see and change children's and carers' records: the CME caseworkers.

Officers may open any child the service holds, not only their own cases', because finding a child means checking
whether the service already knows them. (A later issue asks them to state a purpose outside their own caseload.)
"""

import rules

from cme.accounts.policies import is_caseworker, is_manager

rules.add_perm("people.view_child", is_caseworker)
rules.add_perm("people.change_child", is_caseworker)
rules.add_perm("people.search_children", is_caseworker)
# Two records found to be one child: an officer may propose merging them; only a manager merges, or undoes a merge.
rules.add_perm("people.propose_child_merge", is_caseworker)
rules.add_perm("people.merge_children", is_manager)
