"""Forms for moving a case to another council and taking in what another council sent."""

from django import forms

from cme.transfers.crypto import MAX_FILE_BYTES
from cme.transfers.selectors import council_list
from cme.web.cases.forms import rationale_field
from cme.web.forms import GovukForm

YES_NO = [("no", "No"), ("yes", "Yes")]


class TransferMakeForm(GovukForm):
    title = "Transfer the case to another council"
    submit_label = "Make the transfer package"
    council = forms.ModelChoiceField(
        label="Which council is the child now living in?",
        queryset=council_list(),
        empty_label="Choose a council",
        error_messages={"required": "Choose the council the case goes to"},
    )
    include_notes = forms.TypedChoiceField(
        label="Send the case's file notes too?",
        help_text="File notes are internal: send them only if the receiving council needs them.",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to send the file notes"},
    )
    close_case = forms.TypedChoiceField(
        label="Close the case now, with the outcome “On roll or known in another council”?",
        help_text="If your council's settings need a manager's sign-off to close, it is asked for instead.",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to close the case"},
    )
    rationale = rationale_field("Why does the case go to this council?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = council_list()


class TransferFileForm(GovukForm):
    title = "Import a transfer from another council"
    submit_label = "Import the file"
    file = forms.FileField(
        label="Transfer package or receipt",
        help_text="The .json file another council's cme made: a case transfer package, or a receipt for one you sent.",
        error_messages={"required": "Choose the file to import", "empty": "The file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is too large to be a transfer package or receipt")
        return upload


NEW_CHILD = "new"


class TransferChildForm(GovukForm):
    title = "Which child is the transfer about?"
    submit_label = "Open the referral"
    child = forms.ChoiceField(
        label="The child may already have a record here",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child the transfer is about, or say it is a new child"},
    )
    reason = forms.CharField(
        label="If it is a new child, why is it none of these?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, duplicates, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (str(d.id), f"{d.name}, born {d.date_of_birth.day} {d.date_of_birth:%B %Y} ({', '.join(d.reasons)})")
            for d in duplicates
        ]
        self.fields["child"].choices = [*choices, (NEW_CHILD, "None of these: a child not yet known here")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("child") == NEW_CHILD and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter why the child is none of those already known")
        return cleaned


class CouncilAddForm(GovukForm):
    title = "Add a council for case transfers"
    submit_label = "Add the council"
    name = forms.CharField(label="Council's name", max_length=150)
    code = forms.CharField(label="Council's code (its DfE LA number)", max_length=20)
    signing_key = forms.CharField(
        label="Signing key", max_length=60, help_text="From the file their `cme transfer keys export` made."
    )
    encryption_key = forms.CharField(label="Encryption key", max_length=60)
