"""Forms for letters and school attendance orders."""

from crispy_forms_gds.layout import Button, Layout, Submit
from django import forms

from cme.cases.attendance_orders import minimum_notice_days, rule_for
from cme.cases.enums import AttendanceOrderStage, LetterKind
from cme.cases.letters import AGENCY_LETTERS, CARER_LETTERS
from cme.web.cases.forms import date_field, rationale_field
from cme.web.forms import GovukForm

Stage = AttendanceOrderStage


class LetterTemplateForm(GovukForm):
    submit_label = "Save the letter"
    subject = forms.CharField(
        label="Heading", max_length=200, error_messages={"required": "Enter the letter's heading"}
    )
    body = forms.CharField(
        label="Letter text",
        help_text="Write plain text. Leave a blank line between paragraphs. Put a merge field in double curly "
        "brackets, like {{ child.full_name }}.",
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={"required": "Enter the letter's text"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.title = title
        self.helper.layout = Layout(
            "subject",
            "body",
            "version",
            Button.secondary("preview", "Preview"),
            Button("save", self.submit_label),
        )


def _carer_choices(carer_relationships) -> list[tuple[str, str]]:
    return [
        (str(rel.carer_id), f"{rel.carer.given_name} {rel.carer.family_name} ({rel.get_kind_display()})")
        for rel in carer_relationships
    ]


class LetterCreateForm(GovukForm):
    title = "Produce a letter"
    submit_label = "Produce the letter"
    kind = forms.ChoiceField(
        label="Which letter?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which letter to produce"},
    )
    carer = forms.ChoiceField(label="Parent or carer it is to", required=False)
    enquiry = forms.ChoiceField(label="Enquiry it is for (letters to an agency)", required=False)

    def __init__(self, *args, carer_relationships=(), enquiries=(), kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = kinds or [LetterKind.FIND_CHILD, LetterKind.AGENCY_ENQUIRY]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["carer"].choices = [("", "Choose a parent or carer"), *_carer_choices(carer_relationships)]
        self.fields["enquiry"].choices = [
            ("", "Choose an enquiry"),
            *[(str(e.pk), f"{e.get_agency_display()}, {e.requested_on:%d/%m/%Y}") for e in enquiries],
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in CARER_LETTERS and not cleaned.get("carer"):
            self.add_error("carer", "Choose the parent or carer the letter is to")
        if kind in AGENCY_LETTERS and not cleaned.get("enquiry"):
            self.add_error("enquiry", "Choose the enquiry the letter is for")
        return cleaned


class LetterSentForm(GovukForm):
    title = "Record that the letter was sent"
    submit_label = "Record as sent"
    sent_on = date_field("Date sent", past=True)


class AttendanceOrderStepForm(GovukForm):
    """One step of the process; the fields shown depend on the step."""

    submit_label = "Record the step"

    def __init__(self, *args, order, stage: Stage, carer_relationships=(), **kwargs):
        super().__init__(*args, **kwargs)
        rule = rule_for(order.regime, stage)
        self.title = rule.title
        self.rule = rule
        fields: dict[str, forms.Field] = {}
        served = stage in (Stage.NOTICE_SERVED, Stage.SCHOOL_NOTICE_SERVED, Stage.ORDER_SERVED, Stage.REVOKED)
        fields["occurred_on"] = date_field("Date served" if served else "Date of the decision", past=True)
        if stage in (Stage.NOTICE_SERVED, Stage.SCHOOL_NOTICE_SERVED, Stage.ORDER_SERVED) and order.carer is None:
            fields["carer"] = forms.ChoiceField(
                label="Parent it is served on",
                choices=[("", "Choose a parent or carer"), *_carer_choices(carer_relationships)],
                error_messages={"required": "Choose the parent it is served on"},
            )
        if stage == Stage.NOTICE_SERVED:
            minimum = minimum_notice_days(order.regime)
            fields["period_days"] = forms.IntegerField(
                label="How many days does the notice give the parent?",
                help_text=f"Count the day it is served as the first day. The law sets at least {minimum} days."
                if minimum > 1
                else "Count the day it is served as the first day, as the notice states it.",
                min_value=1,
                max_value=365,
                initial=minimum if minimum > 1 else None,
                error_messages={
                    "required": "Enter how many days the notice gives the parent",
                    "invalid": "Enter the number of days as a whole number, like 15",
                    "min_value": "Enter a number of days of 1 or more",
                    "max_value": "Enter 365 days or fewer",
                },
            )
        if stage in (Stage.SCHOOL_NOTICE_SERVED, Stage.PARENT_CHOICE, Stage.ORDER_SERVED):
            fields["school_name"] = forms.CharField(
                label="School named" if stage != Stage.SCHOOL_NOTICE_SERVED else "School the council intends to name",
                max_length=200,
                required=not order.school_name,
                initial=order.school_name,
                error_messages={"required": "Enter the school's name"},
            )
        if stage == Stage.PARENT_CHOICE:
            fields["parent_chose"] = forms.BooleanField(
                label="The parent chose this school, or it offered the child a place after the parent applied",
                required=False,
            )
        if stage == Stage.REFERRED_FOR_PROSECUTION:
            fields["eso_considered"] = forms.BooleanField(
                label="The council has considered applying for an education supervision order (section 447)",
                required=False,
            )
        fields["rationale"] = rationale_field()
        for name, field in fields.items():
            self.fields[name] = field
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))
