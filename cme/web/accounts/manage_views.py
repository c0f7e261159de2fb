"""The system administrator's pages: users, teams and partner organisations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView

from cme.accounts import services
from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.accounts.selectors import organisation_list, team_list, user_list
from cme.common.errors import ApplicationError
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin

from .forms import OrganisationForm, TeamForm, UserCreateForm, UserUpdateForm


def _apply_error(form, error: ApplicationError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


class UserListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_users"
    template_name = "manage/user_list.html"
    nav_section = "manage-users"
    paginate_by = 50

    def get_queryset(self):
        return user_list(search=self.request.GET.get("q", "").strip(), role=self.request.GET.get("role", ""))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            roles=Role.choices, q=self.request.GET.get("q", ""), role=self.request.GET.get("role", ""), **kwargs
        )


class UserCreateView(PermissionRequiredMixin, FormView):
    permission_required = "accounts.manage_users"
    template_name = "layouts/form_page.html"
    form_class = UserCreateForm
    nav_section = "manage-users"

    def form_valid(self, form):
        try:
            user = services.user_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"User {user.username} added.")
        return redirect("web:manage:user-list")


class _UserObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.subject = get_object_or_404(User, pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class UserUpdateView(PermissionRequiredMixin, _UserObjectMixin, FormView):
    permission_required = "accounts.manage_users"
    template_name = "manage/user_update.html"
    form_class = UserUpdateForm
    nav_section = "manage-users"

    def get_initial(self):
        user = self.subject
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "job_title": user.job_title,
            "role": user.role,
            "team": user.team,
            "school": user.school,
            "organisation": user.organisation,
            "is_active": user.is_active,
        }

    def form_valid(self, form):
        try:
            services.user_update(actor=self.request.user, user=self.subject, **form.cleaned_data)
        except ApplicationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"User {self.subject.username} updated.")
        return redirect("web:manage:user-list")


class ConfirmForm(GovukForm):
    """A question page with no fields: the button is the answer."""


class _UserActionView(PermissionRequiredMixin, _UserObjectMixin, FormView):
    permission_required = "accounts.manage_users"
    template_name = "manage/user_action.html"
    nav_section = "manage-users"
    title = ""
    submit_label = ""
    explanation = ""

    def get_form_class(self):
        attributes = {"title": self.title.format(user=self.subject.display_name), "submit_label": self.submit_label}
        return type("ConfirmActionForm", (ConfirmForm,), attributes)

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)


class UserTwoFactorResetView(_UserActionView):
    title = "Reset two-factor sign-in for {user}"
    submit_label = "Reset two-factor sign-in"
    explanation = (
        "Their authenticator app will stop working for this service. They set up a new one when they next sign in."
    )

    def form_valid(self, form):
        services.user_two_factor_reset(actor=self.request.user, user=self.subject)
        messages.success(self.request, f"Two-factor sign-in reset for {self.subject.username}.")
        return redirect("web:manage:user-update", user_id=self.subject.pk)


class UserUnlockView(_UserActionView):
    title = "Unlock {user}"
    submit_label = "Unlock account"
    explanation = "This clears their failed sign-in attempts so they can sign in again straight away."

    def form_valid(self, form):
        services.user_unlock(actor=self.request.user, user=self.subject)
        messages.success(self.request, f"{self.subject.username} can sign in again.")
        return redirect("web:manage:user-update", user_id=self.subject.pk)


class TeamListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_teams"
    template_name = "manage/team_list.html"
    nav_section = "manage-teams"

    def get_queryset(self):
        return team_list()


class TeamCreateView(PermissionRequiredMixin, FormView):
    permission_required = "accounts.manage_teams"
    template_name = "layouts/form_page.html"
    form_class = TeamForm
    nav_section = "manage-teams"

    def form_valid(self, form):
        try:
            services.team_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Team {form.cleaned_data['name']} added.")
        return redirect("web:manage:team-list")


class OrganisationListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_organisations"
    template_name = "manage/organisation_list.html"
    nav_section = "manage-organisations"

    def get_queryset(self):
        return organisation_list()


class OrganisationCreateView(PermissionRequiredMixin, FormView):
    permission_required = "accounts.manage_organisations"
    template_name = "layouts/form_page.html"
    form_class = OrganisationForm
    nav_section = "manage-organisations"

    def form_valid(self, form):
        try:
            services.organisation_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Organisation {form.cleaned_data['name']} added.")
        return redirect("web:manage:organisation-list")
