"""Who may see and change children's and carers' records: the CME caseworkers.

Officers may open any child the service holds, not only their own cases', because finding a child means checking
whether the service already knows them. (A later issue asks them to state a purpose outside their own caseload.)
"""

import rules

from cme.accounts.policies import is_caseworker

rules.add_perm("people.view_child", is_caseworker)
rules.add_perm("people.change_child", is_caseworker)
rules.add_perm("people.search_children", is_caseworker)
