"""The GOV.UK base forms: page title, button text and error wording live on the form."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms


class GovukFormMixin:
    """Builds a crispy-forms-gds helper so `{% crispy form %}` renders GOV.UK markup with the form's own button."""

    title = ""  # the page's h1
    submit_label = "Continue"
    label_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        if self.label_size:
            self.helper.label_size = self.label_size
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes), with the error wording naming the date asked for."""

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(label=label, **kwargs)
        self.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"
        self.error_messages["incomplete"] = f"Enter the {label[0].lower()}{label[1:]} as a day, month and year"


__all__ = ["GovukDateField", "GovukForm", "GovukModelForm", "Size"]
