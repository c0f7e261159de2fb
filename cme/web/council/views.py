"""The council's settings page, for the system administrator."""

from django import forms

from cme.council.models import CouncilSettings
from cme.council.selectors import council_settings_get
from cme.council.services import EDITABLE_FIELDS, council_settings_update
from cme.web.forms import GovukModelForm
from cme.web.mixins import ServiceFormView


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
