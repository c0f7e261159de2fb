"""Forms for rights requests (the DPO's) and the public "tell us something is wrong" form."""

from crispy_forms_gds.layout import HTML, Layout, Submit
from django import forms

from cme.rights.enums import (
    COMPLAINT_OUTCOMES,
    REQUEST_OUTCOMES,
    IcoStage,
    IdentityCheck,
    PauseReason,
    RequesterRole,
    RequestKind,
)
from cme.web.forms import GovukForm, PastDateField

REASON_WIDGET = forms.Textarea(attrs={"rows": 4})


class RequestForm(GovukForm):
    title = "Log a rights request or complaint"
    submit_label = "Log the request"
    kind = forms.ChoiceField(label="What are they asking for?", choices=RequestKind.choices, widget=forms.RadioSelect)
    received_on = PastDateField(label="Date received")
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    requester_role = forms.ChoiceField(
        label="Who is asking?", choices=RequesterRole.choices, widget=forms.RadioSelect, initial=RequesterRole.SELF
    )
    requester_contact = forms.CharField(
        label="How to reply (optional)", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="An email address, telephone number or postal address.",
    )  # fmt: skip
    details = forms.CharField(
        label="What they asked", max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In their words, or a summary of their letter or call.",
    )  # fmt: skip
    identity = forms.ChoiceField(
        label="Has their identity been checked?", choices=IdentityCheck.choices, widget=forms.RadioSelect,
        initial=IdentityCheck.NOT_CHECKED,
    )  # fmt: skip
    identity_notes = forms.CharField(
        label="How identity was checked (optional)", required=False, max_length=2000, widget=REASON_WIDGET
    )


class SubjectForm(GovukForm):
    title = "Name a person the request is about"
    submit_label = "Add to the request"
    kind = forms.ChoiceField(
        label="Whose record is it?", choices=(("child", "A child"), ("carer", "A parent or carer")),
        widget=forms.RadioSelect,
    )  # fmt: skip
    number = forms.IntegerField(label="Their record number", min_value=1, max_value=2**63 - 1)


class IdentityForm(GovukForm):
    title = "How was their identity checked?"
    submit_label = "Save"
    identity = forms.ChoiceField(label="Identity", choices=IdentityCheck.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=2000, widget=REASON_WIDGET)


class PauseForm(GovukForm):
    title = "Stop the clock"
    submit_label = "Stop the clock"
    reason = forms.ChoiceField(label="What are you waiting for?", choices=PauseReason.choices, widget=forms.RadioSelect)
    started_on = PastDateField(label="Date you asked the requester")
    note = forms.CharField(label="What you asked for (optional)", required=False, max_length=2000, widget=REASON_WIDGET)


class ResumeForm(GovukForm):
    title = "Restart the clock"
    submit_label = "Restart the clock"
    ended_on = PastDateField(label="Date what you asked for arrived")


class ExtendForm(GovukForm):
    title = "Extend the time to answer"
    submit_label = "Extend"
    months = forms.TypedChoiceField(
        label="By how long?", coerce=int, choices=((1, "One further month"), (2, "Two further months")),
        widget=forms.RadioSelect,
    )  # fmt: skip
    reason = forms.CharField(
        label="Why is more time needed?", max_length=2000, widget=REASON_WIDGET,
        help_text="The requester must be told of the extension, and why, within the first month.",
    )  # fmt: skip


class CloseForm(GovukForm):
    title = "Close the request"
    submit_label = "Close the request"
    outcome = forms.ChoiceField(label="Outcome", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(
        label="What was done, or why it was refused", max_length=5000, widget=REASON_WIDGET,
        error_messages={"required": "Enter the reason for your decision"},
    )  # fmt: skip

    def __init__(self, *args, complaint: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = COMPLAINT_OUTCOMES if complaint else REQUEST_OUTCOMES
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]


class DecisionForm(GovukForm):
    submit_label = "Record the decision"
    decision = forms.TypedChoiceField(label="Your decision", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                      choices=(("yes", "Grant"), ("no", "Refuse")))  # fmt: skip
    reason = forms.CharField(
        label="Why",
        max_length=5000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter the reason for your decision"},
    )

    def __init__(self, *args, title: str, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = title
        self.fields["decision"].choices = choices


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Why", max_length=5000, widget=REASON_WIDGET)

    def __init__(self, *args, title: str, submit_label: str, **kwargs):
        self.title, self.submit_label = title, submit_label
        super().__init__(*args, **kwargs)


class AcknowledgeForm(GovukForm):
    title = "Record the acknowledgement"
    submit_label = "Save"
    acknowledged_on = PastDateField(label="Date the complaint was acknowledged")


class IcoForm(GovukForm):
    title = "The route to the Information Commissioner"
    submit_label = "Save"
    stage = forms.ChoiceField(label="Where has it got to?", choices=IcoStage.choices, widget=forms.RadioSelect,
                              required=False)  # fmt: skip
    reference = forms.CharField(label="ICO case reference (optional)", required=False, max_length=50)
    outcome = forms.CharField(label="What the ICO decided (optional)", required=False, max_length=5000,
                              widget=REASON_WIDGET)  # fmt: skip


class ChildCorrectionForm(GovukForm):
    title = "Correct the child's record"
    submit_label = "Make the correction"
    given_name = forms.CharField(label="First name", max_length=100)
    middle_names = forms.CharField(label="Middle names (optional)", max_length=150, required=False)
    family_name = forms.CharField(label="Last name", max_length=100)
    preferred_name = forms.CharField(label="Known as (optional)", max_length=100, required=False)
    date_of_birth = PastDateField(label="Date of birth")
    upn = forms.CharField(label="UPN (optional)", max_length=13, required=False)
    first_language = forms.CharField(label="First language (optional)", max_length=100, required=False)
    reason = forms.CharField(label="What was wrong, and how you checked", max_length=2000, widget=REASON_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CarerCorrectionForm(GovukForm):
    title = "Correct the parent's or carer's record"
    submit_label = "Make the correction"
    given_name = forms.CharField(label="First name", max_length=100)
    middle_names = forms.CharField(label="Middle names (optional)", max_length=150, required=False)
    family_name = forms.CharField(label="Last name", max_length=100)
    reason = forms.CharField(label="What was wrong, and how you checked", max_length=2000, widget=REASON_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SomethingWrongForm(GovukForm):
    """The public form: no sign-in. `website` is a honeypot a person never sees (hidden by CSS, not by JavaScript)."""

    title = "Tell us something is wrong or has changed"
    submit_label = "Send"
    name = forms.CharField(label="Your name", max_length=200)
    contact = forms.CharField(
        label="How can we reply to you?", max_length=500,
        help_text="An email address, telephone number or postal address.",
    )  # fmt: skip
    child_name = forms.CharField(
        label="The child's name and date of birth (optional)", max_length=300, required=False,
        help_text="So that we can find their record.",
    )  # fmt: skip
    details = forms.CharField(
        label="What is wrong or has changed?", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For example, a name spelt wrongly, a new address, or a school they now go to.",
    )  # fmt: skip
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        honeypot = HTML(
            '<div class="cme-honeypot"><label for="id_website">Leave this empty</label>'
            '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off"></div>'
        )
        self.helper.layout = Layout(
            "name", "contact", "child_name", "details", honeypot, Submit("submit", self.submit_label)
        )
