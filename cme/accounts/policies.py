"""Role predicates shared by every app, and the permissions of the accounts area.

A permission is a name (`app.verb_noun`) bound to a `rules` predicate; views, API endpoints and templates ask for the
name, never for a role. Anything not granted here is refused: there are no superusers and no model permissions.
"""

import rules

from .enums import COUNCIL_ROLES, Role


def has_role(*roles: Role) -> rules.Predicate:
    """A predicate true for an active, signed-in user holding one of `roles`."""
    wanted = frozenset(roles)

    def check(user) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_active and user.role in wanted)

    return rules.Predicate(check, name="has_role(" + ",".join(sorted(wanted)) + ")")


is_signed_in = rules.is_authenticated & rules.is_active
is_officer = has_role(Role.CME_OFFICER)
is_manager = has_role(Role.CME_MANAGER)
is_school_user = has_role(Role.SCHOOL_USER)
is_partner_user = has_role(Role.PARTNER_USER)
is_dpo = has_role(Role.DPO)
is_analyst = has_role(Role.ANALYST)
is_sysadmin = has_role(Role.SYSADMIN)
is_council_staff = has_role(*COUNCIL_ROLES)
is_caseworker = has_role(Role.CME_OFFICER, Role.CME_MANAGER)

# The system administrator runs the installation (users, teams, settings) but is deliberately given no permission
# that reads a child's record: administering accounts is not a purpose for seeing casework.
rules.add_perm("accounts.view_own_account", is_signed_in)
rules.add_perm("accounts.manage_users", is_sysadmin)
rules.add_perm("accounts.manage_teams", is_sysadmin)
rules.add_perm("accounts.manage_organisations", is_sysadmin)
rules.add_perm("webhooks.manage_webhooks", is_sysadmin)  # outbound events to the council's other systems
# A role that reads children's records is granted by two people: the administrator asks, a CME manager or the DPO
# (never the one who asked, nor the account itself: cme.accounts.grants) decides.
rules.add_perm("accounts.view_role_grants", is_manager | is_dpo | is_sysadmin)
rules.add_perm("accounts.decide_role_grants", is_manager | is_dpo)
