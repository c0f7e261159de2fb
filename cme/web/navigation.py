"""The service navigation: which sections a signed-in user sees, decided by the same permissions the views check."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    section: str  # the URL namespace prefix that marks the item current
    training_only: bool = False  # shown on the training site (CME_TRAINING=1) only


NAV_ITEMS = (
    NavItem("Home", "web:home", "web.view_home", "home"),
    NavItem("Training", "web:training", "web.view_home", "training", training_only=True),
    NavItem("Children", "web:children:search", "people.search_children", "children"),
    NavItem("Tasks", "web:tasks:list", "web.view_tasks", "tasks"),
    NavItem("Cases", "web:cases:list", "cases.view_caseload", "cases"),
    NavItem("Referrals", "web:referrals:list", "cases.view_referral", "referrals"),
    NavItem("Waiting on partners", "web:partners:waiting", "cases.view_waiting_on_partners", "partners-waiting"),
    NavItem("Inbox", "web:partners:inbox", "cases.view_partner_inbox", "partners-inbox"),
    NavItem("Caseload", "web:cases:caseload", "cases.view_team_caseload", "caseload"),
    NavItem("Sign-offs", "web:cases:sign-offs", "cases.view_caseload", "sign-offs"),
    NavItem("Transfers", "web:transfers:received", "transfers.receive_transfer", "transfers"),
    NavItem("Match review", "web:matching:queue", "matching.view_candidates", "matching-queue"),
    NavItem("Data matching", "web:matching:runs", "matching.view_runs", "matching"),
    NavItem("Reports", "web:reports:dashboard", "reports.view_dashboards", "reports"),
    NavItem("Equal opportunities", "web:reports:equalities", "reports.view_equalities", "reports-equalities"),
    NavItem("Extracts", "web:reports:extracts", "reports.view_extracts", "reports-extracts"),
    NavItem("Schools", "web:schools:list", "schools.view_school", "schools"),
    NavItem("Audit trail", "web:privacy:audit", "privacy.view_audit", "privacy-audit"),
    NavItem("Disclosures", "web:privacy:disclosures", "privacy.view_disclosures", "privacy-disclosures"),
    NavItem("Access reasons", "web:privacy:access-purposes", "privacy.view_access_purposes", "privacy-access"),
    NavItem("Record of processing", "web:privacy:ropa", "privacy.view_ropa", "privacy"),
    NavItem("Retention", "web:privacy:retention", "privacy.manage_retention", "privacy-retention"),
    NavItem("Rights requests", "web:rights:list", "rights.manage_requests", "privacy-rights"),
    NavItem("Subject access", "web:privacy:sar-list", "privacy.manage_subject_access", "privacy-sar"),
    NavItem("Privacy notice", "web:privacy:notice-versions", "privacy.publish_notice", "privacy-notice"),
    NavItem("Users", "web:manage:user-list", "accounts.manage_users", "manage-users"),
    NavItem("Role approvals", "web:manage:role-grant-list", "accounts.view_role_grants", "role-grants"),
    NavItem("Teams", "web:manage:team-list", "accounts.manage_teams", "manage-teams"),
    NavItem("Organisations", "web:manage:organisation-list", "accounts.manage_organisations", "manage-organisations"),
    NavItem("Settings", "web:manage:council-settings", "council.change_settings", "manage-settings"),
    NavItem("Letters", "web:letters:template-list", "cases.change_letter_templates", "manage-letters"),
    NavItem("Term dates", "web:manage:term-dates", "council.change_settings", "manage-terms"),
    NavItem("Transfer councils", "web:transfers:councils", "transfers.manage_councils", "manage-councils"),
    NavItem("Webhooks", "web:manage:webhook-list", "webhooks.manage_webhooks", "manage-webhooks"),
    NavItem("Your account", "web:account", "accounts.view_own_account", "account"),
    NavItem("Returns", "web:returns:school-list", "schools.view_own_returns", "returns"),
    NavItem("Schools' returns", "web:returns:inbox", "schools.view_return_inbox", "returns-inbox"),
    NavItem("At risk", "web:returns:at-risk", "schools.view_at_risk", "at-risk"),
)


def navigation_for(request) -> list[dict]:
    """The items `request.user` may open; the one whose section matches the current view's `nav_section` is marked."""
    user = request.user
    if not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    section = getattr(view_class, "nav_section", "")
    return [
        {"label": item.label, "href": reverse(item.url_name), "current": item.section == section}
        for item in NAV_ITEMS
        if user.has_perm(item.permission) and (settings.CME_TRAINING or not item.training_only)
    ]
