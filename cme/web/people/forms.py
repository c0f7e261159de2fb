"""Forms for children's and carers' records."""

from crispy_forms_gds.layout import Layout, Submit
from django import forms

from cme.people.enums import ContactLabel, Ethnicity, MaritalStatus, RelationshipKind, SenProvision, Sex, Title
from cme.people.models import Child
from cme.privacy.enums import Purpose
from cme.privacy.masking import may_see_sensitive, sensitive_field_names
from cme.schools.enums import DeletionGround, EnrolmentStatus
from cme.web.forms import ChildDateOfBirthField, GovukDateField, GovukForm, PastDateField, child_birth_earliest

REASON_HELP = "For example, the birth certificate shows a different date. The old value is kept in the history."


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Why are you making this change?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages={"required": "Enter why you are making this change"},
    )


def _relayout(form: GovukForm) -> None:
    """Rebuild the GOV.UK layout after fields were added or removed in __init__."""
    form.helper.layout = Layout(*form.fields, Submit("submit", form.submit_label))


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
    date_of_birth = ChildDateOfBirthField()
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    upn = forms.CharField(label="UPN", required=False, max_length=20, help_text="13 characters, like A123456789012")
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12, help_text="10 digits")
    first_language = forms.CharField(label="First language", required=False, max_length=100)


def _flag(name: str) -> forms.BooleanField:
    label = str(Child._meta.get_field(name).verbose_name)
    return forms.BooleanField(label=label[:1].upper() + label[1:], required=False)


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
    """Every fact about the child, with why it changes. Fields the user is not cleared to see are left out, so they
    can be neither shown nor changed (and are not sent to the service, which leaves them as they are)."""

    title = "Change the child's details"
    ethnicity = forms.ChoiceField(
        label="Ethnic background", required=False, choices=[("", "Not known"), *Ethnicity.choices]
    )
    traveller = _flag("traveller")
    sen_provision = forms.ChoiceField(
        label="Special educational needs support", required=False, choices=[("", "Not known"), *SenProvision.choices]
    )
    ehcp = _flag("ehcp")
    looked_after = _flag("looked_after")
    child_protection_plan = _flag("child_protection_plan")
    service_child = _flag("service_child")
    young_carer = _flag("young_carer")
    receives_benefits = _flag("receives_benefits")
    immigration_involvement = _flag("immigration_involvement")
    police_probation_involvement = _flag("police_probation_involvement")
    reason = _reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A record kept past the child's 19th birthday can still be corrected without re-entering an older date.
        if recorded := self.initial.get("date_of_birth"):
            self.fields["date_of_birth"].earliest = lambda: min(recorded, child_birth_earliest())
        if not may_see_sensitive(user):
            for name in sensitive_field_names(Child) & set(self.fields):
                del self.fields[name]
        _relayout(self)


class CarerUpdateForm(GovukForm):
    title = "Change the carer's details"
    submit_label = "Save changes"
    title_choice = forms.ChoiceField(label="Title", required=False, choices=[("", "None"), *Title.choices])
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the carer's first name"}
    )
    middle_names = forms.CharField(label="Middle names", required=False, max_length=150)
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the carer's last name"}
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
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
    lives_with = forms.BooleanField(label="The child lives with them", required=False)
    reason = _reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput)


class EnrolmentCorrectForm(GovukForm):
    title = "Correct the enrolment"
    submit_label = "Save changes"
    status = forms.ChoiceField(label="Enrolment status", choices=EnrolmentStatus.choices)
    start_date = GovukDateField(label="Date they started")
    leave_date = GovukDateField(
        label="Date they left", required=False, help_text="Leave blank if they are still on roll"
    )
    deletion_ground = forms.ChoiceField(
        label="Why their name was deleted from the roll",
        required=False,
        choices=[("", "Not deleted, or not known"), *DeletionGround.choices],
    )
    reason = _reason_field()


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
    date_of_birth = PastDateField(label="Date of birth", required=False)
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
    reason = forms.CharField(
        label="How do you know?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, the council tax record. The old address is kept in the address history.",
        error_messages={"required": "Enter how you know about the new address"},
    )


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


class MergeChooseForm(GovukForm):
    """Which other record may be the same child (a GET form: choosing shows the comparison, it changes nothing)."""

    title = "Merge records"
    submit_label = "Compare the records"
    other = forms.IntegerField(
        label="Record number of the other record",
        min_value=1,
        help_text="The number at the end of the other record's web address, for example 1234.",
        error_messages={"required": "Enter the record number of the other record", "invalid": "Enter a number"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"  # choosing changes nothing: it shows the two records side by side


class MergeForm(GovukForm):
    """The decision (a manager) or the proposal (an officer) to merge the other record into this one, and why."""

    title = "Merge records"
    submit_label = "Merge the records"
    other = forms.IntegerField(widget=forms.HiddenInput)
    survivor_version = forms.IntegerField(widget=forms.HiddenInput)
    merged_version = forms.IntegerField(widget=forms.HiddenInput)
    rationale = forms.CharField(
        label="Why are these records one child?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the school confirmed the birth certificate and address. This is shown on the record.",
        error_messages={"required": "Enter why these records are one child"},
    )
    warnings_confirmed = forms.BooleanField(
        label="I have checked the evidence above: these records are one child, not twins or siblings",
        required=False,
    )

    def __init__(self, *args, warnings=(), manager=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            del self.fields["warnings_confirmed"]
        if not manager:
            self.submit_label = "Propose merging the records"
            self.fields["rationale"].help_text = "A manager decides. " + self.fields["rationale"].help_text
        _relayout(self)


class MergeDeclineForm(GovukForm):
    title = "Do not merge"
    submit_label = "Do not merge the records"
    decline_rationale = forms.CharField(
        label="Why are these records not one child?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are not one child"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False  # the page's own form carries the other record and the decision


class MergeUndoForm(GovukForm):
    title = "Undo merge"
    submit_label = "Undo the merge"
    merge = forms.IntegerField(widget=forms.HiddenInput)
    rationale = forms.CharField(
        label="Why are you undoing the merge?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, a second birth certificate shows they are twins. This is shown on both records.",
        error_messages={"required": "Enter why you are undoing the merge"},
    )
