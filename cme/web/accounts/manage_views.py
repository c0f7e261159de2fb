"""The system administrator's pages: users, teams and partner organisations."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from cme.accounts import services
from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.accounts.selectors import organisation_list, team_list, user_list
from cme.web.filters import choice_param, text_param
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

from .forms import OrganisationForm, TeamForm, UserCreateForm, UserUpdateForm


class UserListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_users"
    template_name = "manage/user_list.html"
    nav_section = "manage-users"
    paginate_by = 50

    def filters(self) -> dict:
        return {
            "search": text_param(self.request.GET, "q"),
            "role": choice_param(self.request.GET, "role", Role.values),
        }

    def get_queryset(self):
        return user_list(**self.filters())

    def get_context_data(self, **kwargs):
        filters = self.filters()
        return super().get_context_data(roles=Role.choices, q=filters["search"], role=filters["role"], **kwargs)


class UserCreateView(ServiceFormView):
    permission_required = "accounts.manage_users"
    form_class = UserCreateForm
    nav_section = "manage-users"
    success_url_name = "web:manage:user-list"

    def perform(self, form):
        return services.user_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, user) -> str:
        if user.requested_grant is not None:
            return (
                f"User {user.username} added. The {user.get_role_display()} role opens children's records, so it "
                "waits for approval by a CME manager or the data protection officer: the account stays inactive "
                "until then."
            )
        return f"User {user.username} added."


class _UserObjectMixin:
    """Loads the user being managed (`subject`) from the URL; the administrator's own account is `request.user`."""

    def dispatch(self, request, *args, **kwargs):
        self.subject = get_object_or_404(User, pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class UserUpdateView(_UserObjectMixin, ServiceFormView):
    permission_required = "accounts.manage_users"
    template_name = "manage/user_update.html"
    form_class = UserUpdateForm
    nav_section = "manage-users"
    success_url_name = "web:manage:user-list"

    def get_initial(self):
        fields = (
            "first_name",
            "last_name",
            "email",
            "job_title",
            "role",
            "team",
            "school",
            "organisation",
            "is_active",
        )
        return {name: getattr(self.subject, name) for name in fields}

    def perform(self, form):
        return services.user_update(actor=self.request.user, user=self.subject, **form.cleaned_data)

    def success_message(self, user) -> str:
        if user.requested_grant is not None:
            return (
                f"User {user.username} updated. The {user.requested_grant.get_role_display()} role opens children's "
                "records, so it waits for approval by a CME manager or the data protection officer."
            )
        return f"User {user.username} updated."


class _UserActionView(_UserObjectMixin, ServiceFormView):
    """A question page with no fields about one user: the button is the answer; back to their page afterwards."""

    permission_required = "accounts.manage_users"
    template_name = "manage/user_action.html"
    nav_section = "manage-users"
    title = ""
    submit_label = ""
    explanation = ""

    def get_form_class(self):
        attributes = {"title": self.title.format(user=self.subject.display_name), "submit_label": self.submit_label}
        return type("ConfirmActionForm", (GovukForm,), attributes)

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:manage:user-update", args=[self.subject.pk])


class UserTwoFactorResetView(_UserActionView):
    title = "Reset two-factor sign-in for {user}"
    submit_label = "Reset two-factor sign-in"
    explanation = (
        "Their authenticator app will stop working for this service. They set up a new one when they next sign in."
    )

    def perform(self, form):
        return services.user_two_factor_reset(actor=self.request.user, user=self.subject)

    def success_message(self, result) -> str:
        return f"Two-factor sign-in reset for {self.subject.username}."


class UserUnlockView(_UserActionView):
    title = "Unlock {user}"
    submit_label = "Unlock account"
    explanation = "This clears their failed sign-in attempts so they can sign in again straight away."

    def perform(self, form):
        return services.user_unlock(actor=self.request.user, user=self.subject)

    def success_message(self, result) -> str:
        return f"{self.subject.username} can sign in again."


class TeamListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_teams"
    template_name = "manage/team_list.html"
    nav_section = "manage-teams"

    def get_queryset(self):
        return team_list()


class TeamCreateView(ServiceFormView):
    permission_required = "accounts.manage_teams"
    form_class = TeamForm
    nav_section = "manage-teams"
    success_url_name = "web:manage:team-list"

    def perform(self, form):
        return services.team_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, team) -> str:
        return f"Team {team.name} added."


class OrganisationListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_organisations"
    template_name = "manage/organisation_list.html"
    nav_section = "manage-organisations"

    def get_queryset(self):
        return organisation_list()


class OrganisationCreateView(ServiceFormView):
    permission_required = "accounts.manage_organisations"
    form_class = OrganisationForm
    nav_section = "manage-organisations"
    success_url_name = "web:manage:organisation-list"

    def perform(self, form):
        return services.organisation_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, organisation) -> str:
        return f"Organisation {organisation.name} added."
