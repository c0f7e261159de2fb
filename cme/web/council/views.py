"""The council's settings page, for the system administrator."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView

from cme.council.models import CouncilSettings
from cme.council.selectors import council_settings_get
from cme.council.services import EDITABLE_FIELDS, council_settings_update
from cme.web.forms import GovukModelForm
from cme.web.mixins import PermissionRequiredMixin


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
        }


class CouncilSettingsView(PermissionRequiredMixin, FormView):
    permission_required = "council.change_settings"
    template_name = "layouts/form_page.html"
    form_class = CouncilSettingsForm
    nav_section = "manage-settings"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": council_settings_get()}

    def form_valid(self, form):
        council_settings_update(actor=self.request.user, **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS})
        messages.success(self.request, "Settings saved.")
        return redirect("web:manage:council-settings")
