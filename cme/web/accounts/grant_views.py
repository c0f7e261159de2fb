"""Role grants waiting for a second person: the list, and the page where a CME manager or the DPO decides one."""

from django import forms
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from cme.accounts.enums import GrantDecision
from cme.accounts.grants import role_grant_decide, role_grant_list
from cme.accounts.models import RoleGrant
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

RECENT_DECISIONS = 20


class RoleGrantListView(PermissionRequiredMixin, ListView):
    """Grants waiting for approval, oldest first, and the most recent decisions."""

    permission_required = "accounts.view_role_grants"
    template_name = "manage/role_grant_list.html"
    nav_section = "role-grants"

    def get_queryset(self):
        return role_grant_list().order_by("created_at")

    def get_context_data(self, **kwargs):
        decided = role_grant_list(decision=None).exclude(decision=GrantDecision.PENDING).order_by("-decided_at")
        return super().get_context_data(
            decided=decided[:RECENT_DECISIONS],
            can_decide=self.request.user.has_perm("accounts.decide_role_grants"),
            **kwargs,
        )


class RoleGrantDecisionForm(GovukForm):
    title = "Decide this role request"
    submit_label = "Save decision"
    decision = forms.ChoiceField(
        label="Do you approve this role?",
        choices=[("approve", "Yes, give them the role"), ("refuse", "No, refuse it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve the role"},
    )


class RoleGrantDecideView(ServiceFormView):
    permission_required = "accounts.decide_role_grants"
    template_name = "manage/role_grant_decide.html"
    form_class = RoleGrantDecisionForm
    nav_section = "role-grants"
    success_url_name = "web:manage:role-grant-list"

    def dispatch(self, request, *args, **kwargs):
        self.grant = get_object_or_404(
            RoleGrant.objects.select_related("user", "team", "requested_by"), pk=kwargs["grant_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        own = user.pk in (self.grant.user_id, self.grant.requested_by_id)
        return super().get_context_data(grant=self.grant, own=own, **kwargs)

    def perform(self, form):
        return role_grant_decide(
            actor=self.request.user, grant=self.grant, approve=form.cleaned_data["decision"] == "approve"
        )

    def success_message(self, grant) -> str:
        verb = "approved: the account can now use it" if grant.decision == GrantDecision.APPROVED else "refused"
        return f"The {grant.get_role_display()} role for {grant.user.display_name} is {verb}."
