"""Who may see and work on referrals and cases: officers their team's (and their own) cases, managers every case.

School users, partner agency users, analysts and the system administrator see no case data at all.
"""

import rules

from cme.accounts.enums import Role
from cme.accounts.policies import is_caseworker, is_manager, is_officer, is_partner_user

# Who may be allocated a case: an active CME officer or manager. The one statement of the rule: the reallocation
# service checks it (may_be_allocated_cases), and the officer lists offered for allocation are built from it
# (cme.cases.selectors.officer_list_allocatable).
ALLOCATABLE_ROLES = (Role.CME_OFFICER, Role.CME_MANAGER)


def may_be_allocated_cases(user) -> bool:
    return bool(user.is_active and user.role in ALLOCATABLE_ROLES)


@rules.predicate
def is_allocated_officer(user, case) -> bool:
    return case is not None and case.officer_id is not None and case.officer_id == user.pk


@rules.predicate
def is_in_case_team(user, case) -> bool:
    return case is not None and user.team_id is not None and case.team_id == user.team_id


can_work_case = is_manager | (is_officer & (is_allocated_officer | is_in_case_team))

rules.add_perm("cases.view_caseload", is_caseworker)  # the dashboard and lists, filtered by case_list_for_user
rules.add_perm("cases.view_case", can_work_case)
rules.add_perm("cases.work_case", can_work_case)  # enquiries, notes, documents, decisions on the case
rules.add_perm("cases.reallocate_case", is_manager)
rules.add_perm("cases.view_team_caseload", is_manager)
rules.add_perm("cases.view_referral", is_caseworker)
rules.add_perm("cases.create_referral", is_caseworker)
rules.add_perm("cases.triage_referral", is_caseworker)


def may_sign_off(user) -> bool:
    """Who may approve or send back a request to close a case: an active CME manager (the one statement of it)."""
    return bool(user.is_active and user.role == Role.CME_MANAGER)


rules.add_perm("cases.sign_off_case", is_manager)  # the sign-off queue, approving and sending back


# The wording of the council's letters: the CME manager, who answers for what the service sends to families and
# agencies (and has legal wording reviewed). Not the system administrator, whose role is the system, not casework.
rules.add_perm("cases.change_letter_templates", is_manager)


# Partner agencies working in cme: a partner agency user opens their own organisation's inbox and nothing else of
# casework (which records it holds is decided by cme.cases.partner_access); caseworkers see what waits on partners.
rules.add_perm("cases.view_partner_inbox", is_partner_user)
rules.add_perm("cases.answer_partner_enquiry", is_partner_user)
rules.add_perm("cases.view_waiting_on_partners", is_caseworker)
