"""The home page, the public information pages and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from cme.cases.enums import ReferralStatus
from cme.cases.priority import case_flag
from cme.cases.selectors import case_list_for_user, dashboard_for, open_cases, referral_list_for_user
from cme.common.access import audit_list_read
from cme.council.selectors import council_settings_get
from cme.matching.selectors import candidate_queue
from cme.privacy.notice import Controller, notice_build
from cme.privacy.retention import retention_periods
from cme.privacy.versions import notice_version_current, notice_version_list
from cme.schools.enums import TriageState
from cme.schools.returns.selectors import return_inbox
from cme.web.mixins import PermissionRequiredMixin, PublicPageMixin

from .cookies import necessary_cookies
from .summary import home_summary_for


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "web.view_home"
    template_name = "pages/home.html"
    nav_section = "home"

    def get_context_data(self, **kwargs):
        user = self.request.user
        dashboard = dashboard_for(user=user) if user.has_perm("cases.view_caseload") else None
        safeguarding = None
        if dashboard is not None:
            _audit_dashboard(user, dashboard)
            safeguarding = safeguarding_waiting(user)
        return super().get_context_data(
            summary=home_summary_for(user=user), dashboard=dashboard, safeguarding=safeguarding, **kwargs
        )


def safeguarding_waiting(user) -> dict[str, int]:
    """Counts only (no child named) of what waits with a safeguarding concern, and open high-risk cases, for the
    dashboard's "Safeguarding first" banner (issue 11 point 4); each links to its list, where they come first."""
    counts = {
        "referrals": referral_list_for_user(user=user, status=ReferralStatus.RECEIVED)
        .filter(safeguarding_concern=True)
        .count(),
        "cases": open_cases(case_list_for_user(user=user)).filter(case_flag()).count(),
        "returns": 0,
        "candidates": 0,
    }
    if user.has_perm("schools.view_return_inbox"):
        counts["returns"] = return_inbox(state=TriageState.RECEIVED).filter(safeguarding_concern=True).count()
    if user.has_perm("matching.view_candidates"):
        counts["candidates"] = candidate_queue().filter(flagged=True).count()
    counts["total"] = sum(counts.values())
    return counts


def _audit_dashboard(user, dashboard) -> None:
    """The dashboard lists cases and referrals by child: audited as two lists shown (cme.common.access)."""
    case_ids = list(dict.fromkeys(case.pk for case in [*dashboard.my_cases, *dashboard.overdue]))
    audit_list_read(user=user, target_type="cases.case", route="web:home", shown=case_ids, total=len(case_ids))
    referral_ids = [referral.pk for referral in dashboard.new_referrals]
    audit_list_read(
        user=user,
        target_type="cases.referral",
        route="web:home",
        shown=referral_ids,
        total=dashboard.new_referral_count,
    )


class PrivacyNoticeView(PublicPageMixin, TemplateView):
    """The privacy notice: the version in force as it was published (cme.privacy.versions); before any version is
    published, as the data catalogue and the council's settings make it today (cme.privacy.notice)."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        current = notice_version_current()
        if current is not None:
            return super().get_context_data(published_html=mark_safe(current.html), version=current, **kwargs)  # noqa: S308 - rendered by our own template, escaped then
        notice = notice_build(controller=Controller.from_settings(council_settings_get()), periods=retention_periods())
        return super().get_context_data(notice=notice, **kwargs)


class PrivacyNoticeVersionListView(PublicPageMixin, TemplateView):
    """Every published version of the privacy notice, newest first, with its dates and what changed."""

    template_name = "pages/privacy_versions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(versions=notice_version_list(), **kwargs)


class PrivacyNoticeVersionView(PublicPageMixin, TemplateView):
    """One published version of the privacy notice, as it read."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(notice_version_list(), number=self.kwargs["number"])
        current = notice_version_current()
        return super().get_context_data(
            published_html=mark_safe(version.html),  # noqa: S308 - rendered by our own template, escaped then
            version=version,
            superseded=current is not None and current.number != version.number,
            **kwargs,
        )


class CookiesView(PublicPageMixin, TemplateView):
    template_name = "pages/cookies.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(necessary_cookies=necessary_cookies(), **kwargs)


class AccessibilityStatementView(PublicPageMixin, TemplateView):
    template_name = "pages/accessibility.html"


@login_not_required
def health(request) -> HttpResponse:
    """For load balancers and `make run`: answers 200 once the database answers. Reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
