from django import forms

from cme.web.forms import GovukForm
from cme.webhooks.enums import WebhookEvent

EVENTS_HELP = "Each message carries ids and links into cme, never a name, date of birth or address."


def _events_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Which events should it be told about?",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=EVENTS_HELP,
        error_messages={"required": "Choose at least one event"},
    )


def _url_field() -> forms.URLField:
    return forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="Where cme posts each message, starting with https://",
        error_messages={
            "required": "Enter the address",
            "invalid": "Enter an address like https://systems.example.gov.uk/cme-events",
        },
    )


class WebhookEndpointForm(GovukForm):
    title = "Add a webhook endpoint"
    submit_label = "Add endpoint"
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="The system it tells, for example: Early help case management",
        error_messages={"required": "Enter a name"},
    )
    url = _url_field()
    events = _events_field()


class WebhookEndpointChangeForm(GovukForm):
    title = "Change the webhook endpoint"
    submit_label = "Save changes"
    url = _url_field()
    events = _events_field()
    is_active = forms.BooleanField(label="Send messages to this endpoint", required=False)


class WebhookSecretForm(GovukForm):
    title = "Make a new secret"
    submit_label = "Make a new secret"
