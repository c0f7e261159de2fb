"""The GOV.UK base forms: page title, button text and error wording live on the form."""

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


__all__ = ["GovukForm", "GovukModelForm", "Size"]
