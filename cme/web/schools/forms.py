"""Forms for schools' returns: the question pages a school user fills in, the upload, and officers' triage."""

from django import forms

from cme.schools.enums import FORM_KINDS, DeletionGround, ReturnKind
from cme.web.cases.forms import rationale_field
from cme.web.forms import ChildDateOfBirthField, GovukDateField, GovukForm

SEX_CHOICES = [("F", "Female"), ("M", "Male"), ("U", "Not known")]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, *, required: bool = False, max_length: int = 150, help_text: str = "", what: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": f"Enter the {what or label[0].lower() + label[1:]}"},
    )


def _area(label: str, *, required: bool = False, what: str = "", help_text: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": f"Enter {what or label[0].lower() + label[1:]}"},
    )


class ReturnKindForm(GovukForm):
    title = "What do you need to tell the council?"
    kind = forms.ChoiceField(
        label="Type of return",
        choices=[(kind.value, kind.label) for kind in FORM_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of return"},
    )


class _PupilForm(GovukForm):
    """The pupil, as the school's admission register has them: asked on every return."""

    submit_label = "Send to the council"
    kind: ReturnKind
    field_order = [
        "upn",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "address_line1",
        "address_line2",
        "address_town",
        "address_postcode",
        "event_date",
        "parent1_name",
        "parent1_address",
        "parent1_phone",
        "parent2_name",
        "parent2_address",
        "parent2_phone",
    ]
    upn = _text("Unique pupil number (UPN)", max_length=20, help_text="13 characters, like A123456789012")
    given_name = _text("Pupil's first name", required=True, max_length=100)
    family_name = _text("Pupil's last name", required=True, max_length=100)
    date_of_birth = ChildDateOfBirthField(label="Pupil's date of birth")
    sex = forms.ChoiceField(label="Pupil's sex", choices=SEX_CHOICES, widget=forms.RadioSelect, required=False)
    address_line1 = _text("Pupil's address, first line")
    address_line2 = _text("Pupil's address, second line (optional)", what="second line of the address")
    address_town = _text("Town (optional)", max_length=100, what="town")
    address_postcode = _text("Postcode", max_length=10)

    def values(self) -> dict:
        """The RollReturn values the form collected (parents as a list, yes/no as booleans)."""
        data = dict(self.cleaned_data)
        parents = []
        for n in (1, 2):
            parent = {part: data.pop(f"parent{n}_{part}", "") for part in ("name", "address", "phone")}
            parents.append(parent)
        data["parents"] = parents
        if "parent_agreed" in data:
            data["parent_agreed"] = {"yes": True, "no": False}.get(data["parent_agreed"])
        return {name: value for name, value in data.items() if value is not None or name in _NULLABLE}


_NULLABLE = {"date_of_birth", "event_date", "school_days_absent", "hours_per_week", "parent_agreed"}


class _ParentsMixin(forms.Form):
    parent1_name = _text("First parent's full name", what="name of the parent the pupil lives with")
    parent1_address = _text("First parent's address, if different from the pupil's", max_length=300, what="address")
    parent1_phone = _text("First parent's emergency telephone number", max_length=30, what="telephone number")
    parent2_name = _text("Second parent's full name (optional)", what="second parent's name")
    parent2_address = _text("Second parent's address, if different (optional)", max_length=300, what="address")
    parent2_phone = _text("Second parent's emergency telephone number", max_length=30, what="telephone number")


def _further() -> forms.CharField:
    return _area("Anything else the council should know (optional)", what="further information")


class DeletionForm(_PupilForm, _ParentsMixin):
    title = "Tell the council about a deletion from your admission register"
    kind = ReturnKind.DELETION
    event_date = GovukDateField(label="Date the pupil's name was deleted")
    deletion_ground = forms.ChoiceField(
        label="Ground for deletion (regulation 9 of the 2024 regulations)",
        choices=[("", "Select a ground"), *DeletionGround.choices],
        error_messages={"required": "Select the ground for deletion (A to O)"},
    )
    future_address = _text("The pupil's new address, if you know it (optional)", max_length=300, what="new address")
    future_address_from = GovukDateField(label="Date the pupil lives there from (optional)", required=False)
    destination_school = _text("The pupil's new school, if you know it (optional)", max_length=200, what="school")
    destination_start_on = GovukDateField(label="Date the pupil starts at the new school (optional)", required=False)
    info_not_obtained = forms.BooleanField(label="We could not obtain some of this information", required=False)
    info_not_obtained_details = _area("What could you not find out?", what="what you could not find out")
    safeguarding_concern = forms.BooleanField(label="We have a safeguarding concern about this pupil", required=False)
    safeguarding_details = _area("Describe the safeguarding concern", what="the safeguarding concern")
    further_information = _further()


class NewPupilForm(_PupilForm, _ParentsMixin):
    title = "Tell the council about a new pupil"
    kind = ReturnKind.NEW_PUPIL
    event_date = GovukDateField(label="Pupil's starting day")
    further_information = _further()


class _AbsenceForm(_PupilForm):
    event_date = GovukDateField(label="First day of the absence")
    school_days_absent = forms.IntegerField(
        label="School days absent so far",
        min_value=0,
        max_value=400,
        error_messages={"required": "Enter the number of school days absent", "invalid": "Enter a whole number"},
    )
    last_attended_on = GovukDateField(label="Last day the pupil attended (optional)", required=False)
    further_information = _area("What has the school done to contact the family? (optional)", what="what you did")


class UnauthorisedAbsenceForm(_AbsenceForm):
    title = "Tell the council about continuous unauthorised absence (10 school days or more)"
    kind = ReturnKind.UNAUTHORISED_ABSENCE


class SicknessForm(_AbsenceForm):
    title = "Tell the council about absence through sickness (15 school days or more)"
    kind = ReturnKind.SICKNESS


class _HoursMixin(forms.Form):
    hours_per_week = forms.DecimalField(
        label="Hours a week in school",
        max_digits=4,
        decimal_places=1,
        error_messages={"required": "Enter the hours per week, a number between 0 and 40", "invalid": "Enter a number"},
    )


class PartTimeTimetableForm(_PupilForm, _HoursMixin):
    title = "Tell the council about a part-time timetable"
    kind = ReturnKind.PART_TIME_TIMETABLE
    event_date = GovukDateField(label="Date the timetable started")
    planned_end_on = GovukDateField(label="Planned end date", required=False)
    timetable_reason = _area("Why is the pupil on a part-time timetable?", required=True, what="the reason")
    parent_agreed = forms.ChoiceField(
        label="Has the parent the pupil lives with agreed to it?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the parent agreed to the part-time timetable"},
    )
    next_review_on = GovukDateField(label="Date of the next review")
    further_information = _further()


class PlaceNotTakenUpForm(_PupilForm):
    title = "Tell the council a pupil did not take up their place"
    kind = ReturnKind.PLACE_NOT_TAKEN_UP
    event_date = GovukDateField(label="Date the pupil was expected to start")
    further_information = _area("What do you know about where the pupil is? (optional)", what="what you know")


class TimetableReviewForm(GovukForm):
    title = "Record a review of the part-time timetable"
    submit_label = "Send to the council"
    kind = ReturnKind.TIMETABLE_REVIEW
    event_date = GovukDateField(label="Date of the review")
    hours_per_week = forms.DecimalField(
        label="Hours a week in school from now (leave blank if unchanged)",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={"invalid": "Enter a number"},
    )
    next_review_on = GovukDateField(label="Date of the next review")
    further_information = _area("What was agreed at the review? (optional)", what="what was agreed")

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class TimetableEndForm(TimetableReviewForm):
    title = "Record the end of the part-time timetable"
    kind = ReturnKind.TIMETABLE_END
    event_date = GovukDateField(label="Date the pupil returned to a full timetable")
    hours_per_week = None
    next_review_on = None
    further_information = _area("Anything else the council should know (optional)", what="further information")


FORMS = {
    form.kind: form
    for form in (
        DeletionForm,
        NewPupilForm,
        UnauthorisedAbsenceForm,
        SicknessForm,
        PartTimeTimetableForm,
        PlaceNotTakenUpForm,
    )
}


class ReturnsUploadForm(GovukForm):
    title = "Upload returns"
    submit_label = "Upload"
    file_format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[("csv", "Returns in the council's spreadsheet template (CSV)"), ("ctf", "Common Transfer File (XML)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of file"},
    )
    file = forms.FileField(label="File", error_messages={"required": "Select a file", "empty": "The file is empty"})


class MatchForm(GovukForm):
    title = "Which child is this return about?"
    submit_label = "Confirm"
    child = forms.ChoiceField(label="Child", widget=forms.RadioSelect, error_messages={"required": "Select a child"})
    rationale = rationale_field("Why are you sure this is the child?")

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            (str(s.child.pk), f"{s.child} (born {s.child.date_of_birth:%d %B %Y}): {s.certainty}") for s in suggestions
        ] + [("new", "None of these: record a new child from the return")]


class TriageRationaleForm(GovukForm):
    rationale = rationale_field()
