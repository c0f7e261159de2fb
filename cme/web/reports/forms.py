from django import forms

from cme.web.forms import GovukDateField, GovukForm

MAX_PERIOD_DAYS = 366 * 5
ERROR_ORDER = "The end of the period must be the same as or after its start"
ERROR_LONG = "The period can be at most 5 years long"


class PeriodForm(GovukForm):
    """The date range of a report (GET): figures about referrals, located children and outcomes in the period."""

    title = "Choose a period"
    submit_label = "Show figures"
    since = GovukDateField(label="From")
    until = GovukDateField(label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if until < since:
                self.add_error("until", ERROR_ORDER)
            elif (until - since).days > MAX_PERIOD_DAYS:
                self.add_error("since", ERROR_LONG)
        return data


class CensusForm(GovukForm):
    title = "DfE return: children missing education"
    submit_label = "Build the return"
    census_date = GovukDateField(
        label="Census date", help_text="The DfE's census day for the term, for example 2 10 2025"
    )
    published = forms.BooleanField(
        label="Apply the DfE's publication conventions (rounded to the nearest 10), for the council's website",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"


class ExtractForm(GovukForm):
    title = "Create a pseudonymised extract"
    submit_label = "Approve and create the extract"
    study = forms.CharField(label="Study", max_length=200, help_text="The study's name, as approved")
    recipient = forms.CharField(label="Who receives it", max_length=200, help_text="The team or organisation")
    purpose = forms.CharField(label="What the study is for", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
