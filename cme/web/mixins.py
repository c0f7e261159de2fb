"""View mixins: every page either names the permission it needs or says outright that it is public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin

from cme.common.access import audit_list_read, audit_refused_request
from cme.common.errors import ApplicationError
from cme.people.access import audit_possible_duplicates_shown, audit_upn_holder_shown
from cme.people.errors import PossibleDuplicatesError, UpnTakenError


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """Refuses the request unless the user holds `permission_required` (a `rules` permission name).

    Signed-in users without it get 403; anonymous visitors never get this far (SignInRequiredMiddleware).
    A view that forgets to name a permission fails loudly instead of being open.
    """

    raise_exception = True

    def get_permission_required(self):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} must name permission_required.")
        return super().get_permission_required()

    def handle_no_permission(self):
        """403; audited when the URL names a protected record (a case, a child …)."""
        match = self.request.resolver_match
        audit_refused_request(
            user=self.request.user, status=403, route=match.view_name if match else "", url_kwargs=self.kwargs
        )
        return super().handle_no_permission()


class AuditedListMixin:
    """A page listing people's records (cases, referrals, returns, candidates): each page shown is audited, with the
    ids on it and the filters asked for (cme.common.access.audit_list_read). `listed_type` names the records
    ("cases.case"); `listed_key` is the context entry holding them; `listed_id(row)` a row's record id."""

    listed_type = ""
    listed_key = "object_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context[self.listed_key])
        paginator = context.get("paginator")
        match = self.request.resolver_match
        audit_list_read(
            user=self.request.user,
            target_type=self.listed_type,
            route=match.view_name if match else "",
            shown=[self.listed_id(row) for row in rows],
            total=paginator.count if paginator is not None else len(rows),
            criteria=self.audit_criteria(),
        )
        return context

    def audit_criteria(self) -> dict[str, str]:
        """The filters asked for (the erasable detail): the GET parameters unless the view reads them itself."""
        return self.request.GET.dict()

    def listed_id(self, row) -> int:
        return row.pk


class PublicPageMixin:
    """Marks a page anyone may read without signing in (privacy notice, cookies, accessibility, sign-in)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class TwoFactorExemptMixin:
    """Lets a signed-in user who has not yet passed two-factor sign-in reach this view (the 2FA pages, sign-out)."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.two_factor_exempt = True
        return view


def add_validation_error(form, error: ValidationError) -> None:
    """Put a model or service ValidationError on the form: on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


class ServiceFormView(PermissionRequiredMixin, FormView):
    """A form page whose valid submission calls one service.

    Subclasses implement `perform(form)` (call the service, return what it made) and `success_message(result)`,
    and set `success_url_name`. An ApplicationError from the service goes back onto the form, on its field when it
    names one, so the page re-displays with a GOV.UK error summary and nothing is saved.
    """

    template_name = "layouts/form_page.html"
    success_url_name = ""

    def perform(self, form):
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form).")

    def success_message(self, result) -> str:
        return ""

    def possible_duplicates(self, form, error):
        """A child was about to be recorded who may already be held: name them on the form (audited, as shown)."""
        audit_possible_duplicates_shown(user=self.request.user, duplicates=error.duplicates)
        form.add_error(None, error.named())
        return self.form_invalid(form)

    def get_success_url(self) -> str:
        return reverse(self.success_url_name)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except PossibleDuplicatesError as error:
            return self.possible_duplicates(form, error)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        except ValidationError as error:
            if isinstance(error, UpnTakenError):
                audit_upn_holder_shown(user=self.request.user, error=error)
            add_validation_error(form, error)
            return self.form_invalid(form)
        if message := self.success_message(result):
            messages.success(self.request, message)
        return redirect(self.get_success_url())
