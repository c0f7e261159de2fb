"""The council's settings page, for the system administrator."""

from django import forms
from django.views.generic import TemplateView

from cme.cases.enums import Outcome
from cme.council.models import CouncilSettings
from cme.council.selectors import closure_day_list, council_settings_get, school_calendar_get, term_period_list
from cme.council.services import EDITABLE_FIELDS, closure_day_create, council_settings_update, term_period_create
from cme.web.forms import GovukDateField, GovukForm, GovukModelForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView


class CouncilSettingsForm(GovukModelForm):
    title = "Council settings"
    submit_label = "Save settings"
    complaints_url = forms.URLField(
        label="Where to complain",
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.org/complaints"
        },
    )

    sign_off_outcomes = forms.MultipleChoiceField(
        label="Outcomes a manager must sign off before a case closes",
        choices=Outcome.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="An officer closing a case with one of these asks a manager, who approves or sends it back.",
    )

    class Meta:
        model = CouncilSettings
        fields = EDITABLE_FIELDS
        error_messages = {
            "council_name": {"required": "Enter the council's name"},
            "service_email": {
                "required": "Enter the service's email address",
                "invalid": "Enter an email address in the correct format, like cme@example.org",
            },
            "dpo_name": {"required": "Enter the name or title of the data protection officer"},
            "dpo_email": {
                "required": "Enter the data protection officer's email address",
                "invalid": "Enter an email address in the correct format, like dpo@example.org",
            },
            "accessibility_contact_email": {
                "required": "Enter an email address for accessibility problems",
                "invalid": "Enter an email address in the correct format, like accessibility@example.org",
            },
            "protective_marking": {"required": "Enter the protective marking printed on letters"},
            "attendance_order_regime": {"required": "Choose which law's school attendance order steps to follow"},
            "roll_max_age_days": {
                "required": "Enter how old a school roll may be, in days",
                "invalid": "Enter how old a school roll may be as a whole number of days, like 42",
                "min_value": "A school roll may be at least 1 day old",
                "max_value": "Enter 366 days or fewer",
            },
            "sign_off_open_school_days": {
                "invalid": "Enter the number of school days as a whole number, like 60",
                "min_value": "Enter at least 1 school day, or leave it empty for no such rule",
                "max_value": "Enter 2000 school days or fewer",
            },
        }


class CouncilSettingsView(ServiceFormView):
    permission_required = "council.change_settings"
    form_class = CouncilSettingsForm
    nav_section = "manage-settings"
    success_url_name = "web:manage:council-settings"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": council_settings_get()}

    def perform(self, form):
        changes = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        return council_settings_update(actor=self.request.user, **changes)

    def success_message(self, council) -> str:
        return "Settings saved."


class TermDatesView(PermissionRequiredMixin, TemplateView):
    """The school terms and closure days the statutory clocks count over."""

    permission_required = "council.change_settings"
    template_name = "council/term_dates.html"
    nav_section = "manage-terms"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            terms=term_period_list(), closures=closure_day_list(), calendar=school_calendar_get(), **kwargs
        )


class TermPeriodForm(GovukForm):
    title = "Add a term"
    submit_label = "Add term"
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="For example, Autumn 1 2027",
        error_messages={"required": "Enter a name for the term"},
    )
    first_day = GovukDateField(label="First day")
    last_day = GovukDateField(label="Last day")


class ClosureDayForm(GovukForm):
    title = "Add a closure day"
    submit_label = "Add closure day"
    day = GovukDateField(label="Date")
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, INSET day",
        error_messages={"required": "Enter the reason the schools are closed"},
    )


class TermPeriodCreateView(ServiceFormView):
    permission_required = "council.change_settings"
    form_class = TermPeriodForm
    nav_section = "manage-terms"
    success_url_name = "web:manage:term-dates"

    def perform(self, form):
        return term_period_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, term) -> str:
        return f"{term.name} added."


class ClosureDayCreateView(ServiceFormView):
    permission_required = "council.change_settings"
    form_class = ClosureDayForm
    nav_section = "manage-terms"
    success_url_name = "web:manage:term-dates"

    def perform(self, form):
        return closure_day_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, closure) -> str:
        return "Closure day added."
