"""Forms of the partner agencies' pages, and the officers' choices when sending to a partner."""

from django import forms

from cme.accounts.enums import OrganisationKind
from cme.accounts.models import Organisation
from cme.cases.enums import EnquiryResult
from cme.cases.partner_sharing import DEFAULT_SHARED, SharedDetail
from cme.cases.services.enquiries import DEFAULT_REPLY_WITHIN_DAYS, MAX_REPLY_WITHIN_DAYS
from cme.cases.services.partners import PARTNER_RESULTS

from ..forms import GovukForm


class PartnerAnswerForm(GovukForm):
    title = "Answer the enquiry"
    submit_label = "Send answer"
    result = forms.ChoiceField(
        label="What does your organisation know?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your organisation found"},
        choices=[(r.value, EnquiryResult(r).label) for r in PARTNER_RESULTS],
    )
    findings = forms.CharField(
        label="What you know about where the child is",
        help_text="For example an address, a school, or when your service last saw the child.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PartnerReferralAcceptForm(GovukForm):
    title = "Accept the referral"
    submit_label = "Accept referral"
    response = forms.CharField(
        label="Anything the CME officer should know (optional)",
        help_text="For example the team or social worker now dealing with it.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# The officer's choices when sending an enquiry or an escalation to a partner's inbox (added to the case forms).


def organisation_field(*, kinds: list[str] | None = None, label: str) -> forms.ModelChoiceField:
    organisations = Organisation.objects.filter(users__is_active=True).distinct().order_by("name")
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    return forms.ModelChoiceField(
        label=label,
        help_text="Only organisations whose staff sign in to cme are listed. Leave it empty to record an enquiry "
        "made another way (a telephone call, a letter).",
        queryset=organisations,
        required=False,
        empty_label="Not sent in cme",
    )


def shared_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="What to share with the organisation",
        help_text="Share the least that lets them find the child. They see only these details, never the case.",
        choices=SharedDetail.choices,
        initial=list(DEFAULT_SHARED),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def reply_within_days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Days the organisation has to answer",
        help_text=f"A reminder is emailed to them (a link, never the child's details) after each such period without "
        f"an answer. Usually {DEFAULT_REPLY_WITHIN_DAYS}.",
        min_value=1,
        max_value=MAX_REPLY_WITHIN_DAYS,
        required=False,
        initial=DEFAULT_REPLY_WITHIN_DAYS,
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 10",
            "min_value": f"Enter a number of days from 1 to {MAX_REPLY_WITHIN_DAYS}",
            "max_value": f"Enter a number of days from 1 to {MAX_REPLY_WITHIN_DAYS}",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )


SOCIAL_CARE_KINDS = [OrganisationKind.CHILDRENS_SOCIAL_CARE]


class WaitingFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Partner organisation", queryset=Organisation.objects.order_by("name"), required=False, empty_label="All"
    )
