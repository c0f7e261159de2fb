"""Who may move cases between councils: the officer working the case makes a transfer; caseworkers import what
arrives; the system administrator keeps the register of councils (their keys), and sees no case data."""

import rules

from cme.accounts.policies import is_caseworker, is_sysadmin
from cme.cases.policies import can_work_case

rules.add_perm("transfers.make_transfer", can_work_case)
rules.add_perm("transfers.receive_transfer", is_caseworker)
rules.add_perm("transfers.manage_councils", is_sysadmin)
