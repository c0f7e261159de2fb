"""The front door's question pages: one thing a page, every word through Django's translation machinery.

Labels, hints and messages are marked with gettext_lazy, so the pages speak the language the reporter chose
(locale/<code>/LC_MESSAGES/django.po). The officers' pages (StaffDecisionForm, below) stay in English."""

from crispy_forms_gds.layout import HTML, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from cme.frontdoor.enums import SharingBasis
from cme.people.identifiers import phone_to_e164
from cme.web.cases.forms import rationale_field
from cme.web.forms import GovukDateField, GovukForm, child_birth_earliest

YES, NO = "yes", "no"
# crispy-forms-gds marks its date input's box labels for translation; naming them here keeps them in our catalogue.
DATE_INPUT_LABELS = (gettext_noop("Day"), gettext_noop("Month"), gettext_noop("Year"))


def _text(label, *, required=False, max_length=200, help_text="", required_message="", textarea=False, **kwargs):
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}) if textarea else None,
        error_messages={
            "required": required_message or _("Enter an answer"),
            "max_length": _("Your answer must be %(limit_value)d characters or fewer"),
        },
        **kwargs,
    )
    return field


class QuestionForm(GovukForm):
    """A question page: `title` is the page's heading; the button says Continue in the reporter's language."""

    submit_label = _("Continue")
    caption = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.localise()
        self.helper.layout = Layout(*self.fields, Submit("submit", str(self.submit_label)))

    def localise(self) -> None:
        """Make fields whose messages are built from their label, in the language of this request."""

    @staticmethod
    def stored(cleaned: dict) -> dict:
        """The answers as the session keeps them (dates as ISO text)."""
        return {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in cleaned.items()}


class ChildNameForm(QuestionForm):
    title = _("What is the child's name?")
    child_given_name = _text(_("First name"), max_length=100, help_text=_("Leave this blank if you do not know it."))
    child_family_name = _text(_("Last name"), max_length=100, help_text=_("Leave this blank if you do not know it."))


class ChildAgeForm(QuestionForm):
    title = _("How old is the child?")
    child_date_of_birth = forms.DateField(required=False)  # replaced in localise(): a GOV.UK date input
    child_age = _text(
        _("If you do not know their date of birth, roughly how old are they?"), max_length=50,
        help_text=_("For example, about 12."),
    )  # fmt: skip

    def localise(self) -> None:
        self.fields["child_date_of_birth"] = GovukDateField(
            label=gettext("Date of birth"), required=False, earliest=child_birth_earliest, latest=timezone.localdate,
            help_text=gettext("For example, 27 3 2015. Leave this blank if you do not know it."),
        )  # fmt: skip


class ChildAddressForm(QuestionForm):
    title = _("Where does the child live?")
    child_address = _text(
        _("Their address, or the street or area"), required=True, max_length=500, textarea=True,
        help_text=_("Include the postcode if you know it."),
        required_message=_("Enter the child's address, or the area they live in"),
    )  # fmt: skip


class ChildSchoolForm(QuestionForm):
    title = _("Which school did the child last go to?")
    child_school = _text(_("School name"), help_text=_("Leave this blank if you do not know."))


class ConcernsForm(QuestionForm):
    title = _("Why do you think the child is missing education?")
    concerns = _text(
        _("Tell us what you know"), required=True, max_length=5000, textarea=True,
        help_text=_("For example, when you last saw them go to school, or what the family has said."),
        required_message=_("Tell us why you think the child is missing education"),
    )  # fmt: skip


class SafetyForm(QuestionForm):
    title = _("Are you worried about the child's safety?")
    safeguarding = forms.ChoiceField(
        label=_("Are you worried about the child's safety?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if you are worried about the child's safety")},
    )
    safeguarding_details = _text(
        _("If yes, what worries you?"), max_length=5000, textarea=True,
        help_text=_("If you think the child is in danger now, call 999."),
    )  # fmt: skip

    def stored(self, cleaned: dict) -> dict:
        worried = cleaned["safeguarding"] == YES
        return {"safeguarding_concern": worried, "safeguarding_details": cleaned["safeguarding_details"] if worried
                else ""}  # fmt: skip


class AboutYouForm(QuestionForm):
    title = _("Do you want to tell us who you are?")
    named = forms.ChoiceField(
        label=_("Do you want to tell us who you are?"),
        choices=[
            (YES, _("Yes, so that you can contact me if you need to know more")),
            (NO, _("No, I want to stay anonymous")),
        ],
        widget=forms.RadioSelect,
        help_text=_("You do not have to. We will not tell the family who told us."),
        error_messages={"required": _("Select whether you want to tell us who you are")},
    )

    def stored(self, cleaned: dict) -> dict:
        return {"is_anonymous": cleaned["named"] == NO}


def _phone_clean(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return phone_to_e164(value)
    except ValidationError:
        raise ValidationError(_("Enter a telephone number, like 01632 960 001 or 07700 900 982")) from None


class YourDetailsForm(QuestionForm):
    title = _("Your details")
    reporter_name = _text(_("Your name"), max_length=150, required=True,
                          required_message=_("Enter your name"))  # fmt: skip
    reporter_relationship = _text(_("How do you know the child?"), max_length=150,
                                  help_text=_("For example, a neighbour or a relative."))  # fmt: skip
    reporter_phone = _text(_("Telephone number"), max_length=30)
    reporter_email = forms.EmailField(
        label=_("Email address"), required=False, max_length=254,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )  # fmt: skip

    def clean_reporter_phone(self):
        return _phone_clean(self.cleaned_data["reporter_phone"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("reporter_phone") or cleaned.get("reporter_email")):
            self.add_error("reporter_phone", _("Enter a telephone number or an email address, so we can contact you"))
        return cleaned


class ProfessionalDetailsForm(YourDetailsForm):
    title = _("Your details")
    reporter_organisation = _text(
        _("Your organisation"), required=True, help_text=_("For example, a GP practice, a police force or a council."),
        required_message=_("Enter your organisation"),
    )  # fmt: skip
    reporter_relationship = _text(
        _("Your role"), required=True, max_length=150, help_text=_("For example, health visitor."),
        required_message=_("Enter your role"),
    )  # fmt: skip
    field_order = ["reporter_name", "reporter_organisation", "reporter_relationship", "reporter_phone",
                   "reporter_email"]  # fmt: skip


class SharingBasisForm(QuestionForm):
    title = _("On what lawful basis are you sharing this?")
    sharing_basis = forms.ChoiceField(
        label=_("On what lawful basis are you sharing this?"),
        choices=SharingBasis.choices,
        widget=forms.RadioSelect,
        help_text=_("Sharing to keep a child safe is allowed, and expected, by data protection law."),
        error_messages={"required": _("Select the lawful basis on which you are sharing this")},
    )


class SendForm(GovukForm):
    """The check page's button. `website` is a honeypot a person never sees (hidden by CSS, not by JavaScript)."""

    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        honeypot = HTML(
            '<div class="cme-honeypot"><label for="id_website">Leave this empty</label>'
            '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off"></div>'
        )
        self.helper.layout = Layout(honeypot, Submit("submit", str(_("Send report"))))


# --- the officers' page (English) ---------------------------------------------------------------------------------


class StaffDecisionForm(GovukForm):
    title = "Which child is this report about?"
    submit_label = "Confirm"
    child = forms.ChoiceField(label="Child", widget=forms.RadioSelect, error_messages={"required": "Select a child"})
    shown = forms.CharField(widget=forms.HiddenInput, required=False)  # the children the duplicate check showed
    given_name = forms.CharField(label="First name (for a new record)", required=False, max_length=100)
    family_name = forms.CharField(label="Last name (for a new record)", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth (for a new record)", required=False,
                                   earliest=child_birth_earliest)  # fmt: skip
    rationale = rationale_field("Why are you sure?")

    def __init__(self, *args, duplicates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            (str(d.id), f"{d.name} (born {d.date_of_birth.day} {d.date_of_birth:%B %Y}): {', '.join(d.reasons)}")
            for d in duplicates
        ] + [("new", "None of these: record a new child")]


class StaffNoFurtherActionForm(GovukForm):
    title = "No further action"
    submit_label = "Record decision"
    rationale = rationale_field("Why is no further action needed?")
