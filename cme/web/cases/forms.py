"""Forms for casework pages. Wording follows the GOV.UK pattern: "Enter …", "Choose …"."""

from django import forms
from django.core.exceptions import ValidationError

from cme.accounts.enums import Role
from cme.cases.enums import (
    STATUS_MOVES,
    CaseStatus,
    CmeReason,
    DecisionKind,
    DocumentKind,
    EnquiryAgency,
    EnquiryResult,
    Outcome,
    ReferralSource,
    RiskLevel,
)
from cme.cases.selectors import (
    OFFICER_ME,
    OFFICER_NONE,
    STATUS_ALL,
    STATUS_OPEN,
    CaseListFilters,
    officer_list_allocatable,
)
from cme.common.writes import ERROR_NO_RATIONALE
from cme.people.identifiers import phone_to_e164
from cme.web.forms import GovukDateField, GovukForm, PastDateField
from cme.web.partners import forms as partner_forms

RATIONALE_HELP = "This is recorded with your name as the reason for the decision."


def rationale_field(label: str = "Why are you making this decision?") -> forms.CharField:
    """The reason for a decision: required, in the services' words; the service itself checks it (require_rationale)."""
    return forms.CharField(
        label=label,
        help_text=RATIONALE_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ERROR_NO_RATIONALE},
    )


def date_field(label: str, *, required: bool = True, past: bool = False) -> GovukDateField:
    """A date input; `past` ones (something that has happened) must be today or before."""
    return (PastDateField if past else GovukDateField)(label=label, required=required)


class VersionedForm(GovukForm):
    """Carries the version of the record the person read, so a save over someone else's change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralForm(GovukForm):
    title = "Record a referral"
    submit_label = "Save referral"
    source = forms.ChoiceField(
        label="Who made the referral?",
        choices=ReferralSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the referral"},
    )
    received_on = date_field("Date received", past=True)
    concerns = forms.CharField(
        label="What did they tell us?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the referrer told us"},
    )
    is_anonymous = forms.BooleanField(label="The referrer did not give their name", required=False)
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=150)
    referrer_role = forms.CharField(label="Referrer's role", required=False, max_length=150)
    referrer_organisation = forms.CharField(label="Referrer's organisation", required=False, max_length=200)
    referrer_phone = forms.CharField(label="Referrer's telephone number", required=False, max_length=30)
    referrer_email = forms.EmailField(
        label="Referrer's email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    safeguarding_concern = forms.BooleanField(
        label="The referrer raised a safeguarding concern (triage is due the same school day)", required=False
    )
    # A parent or carer the referrer named: joins the child's carers, with the referral as source, when accepted.
    carer_name = forms.CharField(label="Parent or carer the referrer named (optional)", required=False, max_length=150)
    carer_relationship = forms.CharField(label="Their relationship to the child", required=False, max_length=50)
    carer_phone = forms.CharField(label="Their telephone number", required=False, max_length=30)
    carer_address = forms.CharField(label="Their address, with postcode", required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        carer = {key: cleaned.pop(f"carer_{key}", "") or "" for key in ("name", "relationship", "phone", "address")}
        if carer["phone"]:
            try:
                carer["phone"] = phone_to_e164(carer["phone"])
            except ValidationError:
                self.add_error("carer_phone", "Enter a telephone number, like 01632 960 001 or 07700 900 982")
        if not carer["name"] and any(carer.values()):
            self.add_error("carer_name", "Enter the name of the parent or carer")
        cleaned["carers"] = [carer] if carer["name"] else []
        return cleaned


class ReferralAcceptForm(GovukForm):
    title = "Accept the referral"
    submit_label = "Accept referral"
    case = forms.ChoiceField(
        label="Which case?", widget=forms.RadioSelect, error_messages={"required": "Choose a case"}
    )
    primary_reason = forms.ChoiceField(
        label="Main reason the child may be missing education (new case)",
        required=False,
        choices=[("", "Choose a reason"), *CmeReason.choices],
    )
    became_cme_on = date_field("Date the child became missing education (new case)", required=False, past=True)
    risk_level = forms.ChoiceField(
        label="Risk level (new case)", choices=RiskLevel.choices, initial=RiskLevel.NOT_ASSESSED
    )
    rationale = rationale_field()

    def __init__(self, *args, open_cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("new", "Open a new case")] + [
            (str(case.pk), f"Add to {case.reference} ({case.get_status_display()})") for case in open_cases
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("case") == "new":
            if not cleaned.get("primary_reason"):
                self.add_error("primary_reason", "Choose the main reason the child may be missing education")
            if not cleaned.get("became_cme_on"):
                self.add_error("became_cme_on", "Enter the date the child became missing education")
        return cleaned


class RationaleForm(GovukForm):
    """A decision with nothing to choose but the reason (no further action, start SAO steps)."""

    rationale = rationale_field()


class CaseStatusForm(VersionedForm):
    title = "Change the case status"
    submit_label = "Change status"
    status = forms.ChoiceField(
        label="New status", widget=forms.RadioSelect, error_messages={"required": "Choose the new status"}
    )
    rationale = rationale_field()

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        moves = STATUS_MOVES[CaseStatus(case.status)]
        self.fields["status"].choices = [(s.value, s.label) for s in CaseStatus if s in moves]


class CaseRiskForm(VersionedForm):
    title = "Set the risk level"
    submit_label = "Set risk level"
    risk_level = forms.ChoiceField(
        label="Risk level",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a risk level"},
    )
    rationale = rationale_field()


class CaseReallocateForm(VersionedForm):
    title = "Reallocate the case"
    submit_label = "Reallocate"
    officer = forms.ModelChoiceField(
        label="Officer",
        queryset=officer_list_allocatable(),
        empty_label="Choose an officer",
        error_messages={"required": "Choose the officer to allocate the case to"},
    )
    rationale = rationale_field()


class CaseEscalateForm(GovukForm):
    title = "Escalate or refer the case"
    submit_label = "Record escalation"
    kind = forms.ChoiceField(
        label="Escalate to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you escalated to"},
        choices=[
            (k.value, k.label)
            for k in (DecisionKind.ESCALATE_SOCIAL_CARE, DecisionKind.ESCALATE_POLICE, DecisionKind.REFER_OTHER_COUNCIL)
        ],
    )
    recipient = forms.CharField(
        label="Team or organisation that received the information",
        max_length=200,
        error_messages={"required": "Enter who the information was shared with"},
    )
    rationale = rationale_field("Why, and what did you share?")
    # Children's social care can receive the escalation in its inbox in cme, with the details chosen and the reason
    # above (cme.cases.services.partners.partner_referral_send).
    organisation = partner_forms.organisation_field(
        kinds=partner_forms.SOCIAL_CARE_KINDS, label="Send it to children's social care's inbox in cme (optional)"
    )
    shared = partner_forms.shared_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].required = False  # the organisation's name when one is chosen
        self.fields["organisation"].help_text = (
            "Only social care organisations whose staff sign in to cme are listed. The reason you give above and the "
            "details you tick below are what they will see; they never see the case."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("recipient") and not cleaned.get("organisation") and "recipient" not in self.errors:
            self.add_error("recipient", "Enter who the information was shared with")
        if not cleaned.get("organisation"):
            cleaned["shared"] = None
        return cleaned


class CaseCloseForm(VersionedForm):
    title = "Close the case"
    submit_label = "Close case"
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    destination_school_urn = forms.CharField(
        label="School's URN (if the child is on a school roll)",
        required=False,
        max_length=6,
        help_text="6 digits, like 100150: a school in the register, or another council's school with its name below.",
    )
    destination_school_name = forms.CharField(
        label="School's name (if the register does not have it)", required=False, max_length=200
    )
    destination_council = forms.CharField(
        label="Council the child moved to (if another council's area)", required=False, max_length=150
    )
    destination_country = forms.CharField(label="Country (if the child moved abroad)", required=False, max_length=100)
    destination_on = PastDateField(label="Date the child started at the school or moved (optional)", required=False)
    rationale = rationale_field("Why are you closing the case?")


class SignOffApproveForm(GovukForm):
    title = "Sign off closing the case"
    submit_label = "Sign off and close the case"
    rationale = rationale_field("Why are you signing it off?")


class SignOffSendBackForm(GovukForm):
    title = "Send it back"
    submit_label = "Send it back"
    reason = forms.CharField(
        label="Why are you sending it back?",
        help_text="The officer sees this reason; it is recorded with your name.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are sending it back"},
    )


class CaseReopenForm(VersionedForm):
    title = "Reopen the case"
    submit_label = "Reopen case"
    rationale = rationale_field("Why are you reopening the case?")


class EnquiryForm(GovukForm):
    title = "Record an enquiry"
    submit_label = "Save enquiry"
    agency = forms.ChoiceField(
        label="Who did you ask?",
        choices=[("", "Choose an agency or check"), *EnquiryAgency.choices],
        error_messages={"required": "Choose who you asked"},
    )
    requested_on = date_field("Date of the enquiry", past=True)
    contact_name = forms.CharField(label="Name of the person contacted", required=False, max_length=150)
    contact_details = forms.CharField(label="Team, telephone number or email used", required=False, max_length=200)
    joint_enquiry = forms.BooleanField(
        label="Joint reasonable enquiry with the school (deletion ground H or I)", required=False
    )
    # Sending it to a partner agency's inbox in cme: the organisation, what it shares, and the days to answer.
    organisation = partner_forms.organisation_field(label="Send it to a partner agency's inbox in cme (optional)")
    shared = partner_forms.shared_field()
    reply_within_days = partner_forms.reply_within_days_field()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation"):
            cleaned["shared"] = None
            cleaned["reply_within_days"] = None
        return cleaned


class EnquiryResponseForm(VersionedForm):
    title = "Record the response"
    submit_label = "Save response"
    responded_on = date_field("Date of the response", past=True)
    result = forms.ChoiceField(
        label="What did the enquiry find?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the enquiry found"},
        choices=[(r.value, r.label) for r in EnquiryResult if r != EnquiryResult.AWAITING],
    )
    findings = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class NoteForm(GovukForm):
    title = "Add a file note"
    submit_label = "Save note"
    text = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 8}), error_messages={"required": "Enter the note"}
    )


class NoteCorrectForm(GovukForm):
    title = "Correct a file note"
    submit_label = "Save correction"
    text = forms.CharField(
        label="Corrected note",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the corrected note"},
    )
    reason = forms.CharField(
        label="Why are you correcting it?",
        max_length=300,
        error_messages={"required": "Enter why you are correcting the note"},
    )


class DocumentForm(GovukForm):
    title = "Upload a document"
    submit_label = "Upload"
    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, Word or Excel, up to 20 MB.",
        error_messages={"required": "Choose a file to upload"},
    )
    kind = forms.ChoiceField(
        label="Type of document",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of document"},
    )
    title_text = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the document"}
    )


class CaseDetailsCorrectForm(VersionedForm):
    title = "Correct the case's details"
    submit_label = "Save changes"
    primary_reason = forms.ChoiceField(
        label="Main reason the child is missing education",
        choices=CmeReason.choices,
        error_messages={"required": "Choose the main reason"},
    )
    became_cme_on = GovukDateField(label="Missing education since")
    rationale = rationale_field()


# ---------------------------------------------------------------------------------------------------------------
# The case list's search and filters


class CaseFilterForm(forms.Form):
    """The case list's search and filters, read from GET parameters into a `CaseListFilters` (cme.cases.selectors).

    One object for the page and anything that repeats its list (an export "filtered as on screen"):
    `CaseFilterForm.filters_from(request.GET, user=request.user)` gives the form (for its errors and choices) and the
    filters to pass to `case_list(user=…, filters=…)`. A value that is not one of the choices is reported on the form
    and left out of the filters; the rest still apply, so a mistyped address never hides the list.
    """

    q = forms.CharField(label="Name or case reference", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False)
    officer = forms.ChoiceField(label="Officer", required=False)
    risk = forms.ChoiceField(label="Risk", required=False)
    overdue = forms.BooleanField(label="Only overdue cases", required=False)
    # Older links (and the dashboard's "my open cases" until now) say ?mine=1: the same as officer=me.
    mine = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [
            (STATUS_OPEN, "All open cases"),
            *CaseStatus.choices,
            (STATUS_ALL, "Every case"),
        ]
        self.fields["status"].error_messages["invalid_choice"] = "Choose a status from the list"
        officers = officer_list_allocatable().order_by("last_name", "first_name", "pk")
        if user.role == Role.CME_OFFICER:
            officers = officers.filter(team_id=user.team_id) if user.team_id else officers.filter(pk=user.pk)
        self.fields["officer"].choices = [
            ("", "Any officer"),
            (OFFICER_ME, "Me"),
            (OFFICER_NONE, "Not allocated"),
            *((str(officer.pk), officer.display_name) for officer in officers),
        ]
        self.fields["officer"].error_messages["invalid_choice"] = "Choose an officer from the list"
        self.fields["risk"].choices = [("", "Any risk"), *RiskLevel.choices]
        self.fields["risk"].error_messages["invalid_choice"] = "Choose a risk level from the list"

    @classmethod
    def filters_from(cls, params, *, user) -> tuple["CaseFilterForm", CaseListFilters]:
        form = cls(params, user=user)
        form.is_valid()
        values = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
        officer = values.get("officer") or (OFFICER_ME if values.get("mine") else "")
        filters = CaseListFilters(
            query=values.get("q", "").strip(),
            status=values.get("status") or STATUS_OPEN,
            officer=officer,
            risk=values.get("risk", ""),
            overdue=bool(values.get("overdue")),
        )
        return form, filters
