"""Forms for children's and carers' records."""

from crispy_forms_gds.layout import Layout, Submit
from django import forms

from cme.people.enums import ContactLabel, MaritalStatus, RelationshipKind, Sex, Title
from cme.privacy.enums import Purpose
from cme.web.forms import GovukDateField, GovukForm


class ChildSearchForm(GovukForm):
    title = "Find a child"
    submit_label = "Search"
    name = forms.CharField(
        label="Name", required=False, help_text="Any of their names. Nicknames and other spellings are found too."
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    upn = forms.CharField(label="UPN", required=False, max_length=20)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"  # a search changes nothing: results can be bookmarked and revisited

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("name", "date_of_birth", "upn", "postcode")):
            raise forms.ValidationError("Enter a name, date of birth, UPN or postcode")
        return cleaned


class ChildForm(GovukForm):
    title = "Add a child"
    submit_label = "Save child"
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    middle_names = forms.CharField(label="Middle names", required=False, max_length=150)
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    preferred_name = forms.CharField(label="Known as", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    upn = forms.CharField(label="UPN", required=False, max_length=20, help_text="13 characters, like A123456789012")
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12, help_text="10 digits")
    first_language = forms.CharField(label="First language", required=False, max_length=100)


SAME_OR_NEW_REQUIRED = "Choose the child already recorded who is this child, or say this is a different child"
DUPLICATE_REASON_REQUIRED = "Say why you chose this"
NEW_CHILD = "new"


class ChildCreateForm(ChildForm):
    """Adding a child. When the duplicate check found children who may be the same one (`duplicates`), the officer
    chooses one of them (the new information joins that record) or "a different child", and says why."""

    def __init__(self, *args, duplicates=(), **kwargs):
        self.duplicates = list(duplicates)
        super().__init__(*args, **kwargs)
        if not self.duplicates:
            return
        choices = [
            (str(d.id), f"The same child as {d.name}, born {d.date_of_birth:%-d %B %Y}") for d in self.duplicates
        ]
        self.fields["same_as"] = forms.ChoiceField(
            label="Is this one of the children already recorded?",
            choices=[*choices, (NEW_CHILD, "No, a different child")],
            widget=forms.RadioSelect,
            error_messages={"required": SAME_OR_NEW_REQUIRED},
        )
        self.fields["duplicate_reason"] = forms.CharField(
            label="Why?",
            help_text="For example: a different date of birth on the birth certificate, a different school, a twin",
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": DUPLICATE_REASON_REQUIRED},
        )
        self.fields["duplicates_shown"] = forms.CharField(widget=forms.HiddenInput, initial="1")
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class ChildUpdateForm(ChildForm):
    title = "Change the child's details"
    version = forms.IntegerField(widget=forms.HiddenInput)


class CarerForm(GovukForm):
    title = "Add a carer"
    submit_label = "Save carer"
    title_choice = forms.ChoiceField(label="Title", required=False, choices=[("", "None"), *Title.choices])
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the carer's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the carer's last name"}
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    marital_status = forms.ChoiceField(
        label="Marital or civil partnership status", required=False, choices=[("", "Not known"), *MaritalStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Relationship to the child",
        choices=RelationshipKind.choices,
        error_messages={"required": "Choose how they are related to the child"},
    )
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    lives_with = forms.BooleanField(label="The child lives with them", required=False, initial=True)
    phone = forms.CharField(label="Telephone number", required=False, max_length=30)
    phone_label = forms.ChoiceField(
        label="Type of number", required=False, choices=[("", "Not known"), *ContactLabel.choices]
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )


class AddressForm(GovukForm):
    title = "Record a new address"
    submit_label = "Save address"
    line1 = forms.CharField(
        label="Address line 1", max_length=150, error_messages={"required": "Enter the first line of the address"}
    )
    line2 = forms.CharField(label="Address line 2", required=False, max_length=150)
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"})
    uprn = forms.CharField(label="UPRN", required=False, max_length=12, help_text="If you know it")
    valid_from = GovukDateField(label="Date they moved in")


class AccessPurposeForm(GovukForm):
    title = "Why do you need to open this record?"
    submit_label = "Open the record"
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose"},
    )
    reason = forms.CharField(
        label="Tell us more",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a school in another team's area asked whether we know this child.",
        error_messages={"required": "Enter why you need to open this record"},
    )
