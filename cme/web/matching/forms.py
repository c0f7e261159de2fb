"""Forms for data matching pages. Wording follows the GOV.UK pattern: "Enter …", "Choose …"."""

from django import forms

from cme.matching.enums import SourceKind
from cme.privacy.enums import LawfulBasis
from cme.web.cases.forms import rationale_field
from cme.web.forms import GovukForm, PastDateField

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


NEW_CHILD = "new"


class CandidateConfirmForm(GovukForm):
    title = "Confirm this match and make a referral"
    submit_label = "Confirm and make referral"
    child = forms.ChoiceField(
        label="Which child's record is the referral about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child's record, or a new record"},
    )
    rationale = rationale_field("Why do you think this child may be missing education?")

    def __init__(self, *args, known=(), new_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (str(child.pk), f"{child}, born {child.date_of_birth:%-d %B %Y} (a record we hold)") for child in known
        ]
        if new_allowed:
            choices.append((NEW_CHILD, "A new record, from the details the sources give"))
        self.fields["child"].choices = choices
        if len(choices) == 1:
            self.fields["child"].initial = choices[0][0]


class CandidateDismissForm(GovukForm):
    title = "Dismiss this match"
    submit_label = "Dismiss"
    rationale = rationale_field("Why are you dismissing it?")


class MatchRunStartForm(GovukForm):
    title = "Start a match run"
    submit_label = "Start match run"
    on_date = PastDateField(label="Judge age and residence on", required=False)
    retrain = forms.BooleanField(
        label="Train the linkage models afresh",
        required=False,
        help_text="Otherwise the models the last run trained are used again, which is much quicker. Retrain when "
        "the extracts have changed shape, for example a new source or a new system at a supplier.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].help_text = "Leave blank for today. For example, 27 3 2026"


class DataSourceForm(GovukForm):
    title = "Register a data source"
    submit_label = "Register source"
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter a name for the source"})
    kind = forms.ChoiceField(
        label="What does it hold?",
        choices=SourceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the source holds"},
    )
    supplier = forms.CharField(
        label="Who supplies it?",
        max_length=200,
        help_text="The council team or organisation that sends the extract.",
        error_messages={"required": "Enter who supplies it"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for receiving it",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful basis"},
    )
    legal_gateway = forms.CharField(
        label="Legal gateway (optional)",
        max_length=300,
        required=False,
        help_text="For example, Education Act 1996 section 436A.",
    )


class SourceImportForm(GovukForm):
    title = "Import an extract"
    submit_label = "Upload and import"
    upload = forms.FileField(
        label="CSV file",
        help_text="Laid out as the template for this kind of source.",
        error_messages={"required": "Choose the CSV file to import"},
    )
    received_on = PastDateField(label="Date received")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 200 MB")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload
