"""The GOV.UK base forms: page title, button text and error wording live on the form."""

import re
from collections.abc import Callable
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from cme.people import ages


def _name(field: forms.Field) -> tuple[str, str]:
    """The field's label as a message starts it ("Date received") and as it reads mid-sentence ("date received")."""
    label = re.sub(r"\s*\([^)]*\)\s*$", "", str(field.label or "This")).rstrip("?: ")
    return label, label[0].lower() + label[1:] if label[1:2].islower() else label


def govuk_messages(field: forms.Field) -> None:
    """Replace Django's generic messages ("This field is required.", "Select a valid choice. …", "Enter a whole
    number.", "Ensure this value has at most …") with ones naming the field, as the GOV.UK patterns do. A message
    the form set itself is kept."""
    label, what = _name(field)
    defaults: dict[str, str] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update({key: str(value) for key, value in getattr(klass, "default_error_messages", {}).items()})
    choices = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    ours = {
        "required": f"Choose {what}" if choices else f"Enter {what}",
        "invalid_choice": f"Choose {what} from the list",
        "invalid": f"{label} must be a whole number" if isinstance(field, forms.IntegerField) else "",
        "max_value": f"{label} must be %(limit_value)s or less",
        "min_value": f"{label} must be %(limit_value)s or more",
    }
    for key, message in ours.items():
        current = field.error_messages.get(key)
        if message and (current is None or str(current) == defaults.get(key)):
            field.error_messages[key] = message
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator) and validator.message == MaxLengthValidator.message:
            validator.message = f"{label} must be %(limit_value)d characters or less"


class GovukFormMixin:
    """Builds a crispy-forms-gds helper so `{% crispy form %}` renders GOV.UK markup with the form's own button."""

    title = ""  # the page's h1
    submit_label = "Continue"
    label_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, GovukDateField):
                govuk_messages(field)
        self.helper = FormHelper()
        if self.label_size:
            self.helper.label_size = self.label_size
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


# Every date the service records lies inside these years: a year like 99999999999 or 0001 is a typing slip, and
# refusing it here keeps date arithmetic further on (due dates, ages) from overflowing.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DateBound = date | Callable[[], date] | None
PARTS = ("day", "month", "year")


def long_date(day: date) -> str:
    """2 May 2014: how pages write a date."""
    return f"{day.day} {day:%B %Y}"


def _today() -> date:
    return timezone.localdate()


def child_birth_earliest() -> date:
    """The earliest date of birth of a child the service could deal with, as of today (cme.people.ages)."""
    return ages.child_birth_earliest(_today())


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes), with the design system's error messages.

    Messages name the date asked for ("Date of birth must include a month", "Date of birth must be a real date",
    "Year must include 4 numbers"); Python's own messages never reach the page. `earliest` and `latest` (a date,
    or a function of no arguments returning one, for bounds relative to today) narrow the years every date is
    held to (1900 to 2099). Each message is put on the box it is about, so the error summary links to that box.
    """

    def __init__(self, *, label: str, earliest: DateBound = None, latest: DateBound = None, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(label=label, **kwargs)
        self.name = re.sub(r"\s*\([^)]*\)\s*$", "", label)  # without "(optional)", "(new case)"
        self.what = f"{self.name[0].lower()}{self.name[1:]}"
        self.earliest, self.latest = earliest, latest
        self.error_messages["required"] = f"Enter the {self.what}"
        self.error_messages["incomplete"] = f"Enter the {self.what} as a day, month and year"

    def bounds(self) -> tuple[date, date]:
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        return max(earliest or EARLIEST_DATE, EARLIEST_DATE), min(latest or LATEST_DATE, LATEST_DATE)

    def _refuse(self, message: str, parts: tuple[int, ...], code: str = "invalid"):
        for index in parts:
            self.fields[index].widget.errors = [message]
        raise ValidationError(message, code=code)

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        if not isinstance(value, list | tuple):
            raise ValidationError(f"{self.name} must be a real date", code="invalid")
        texts = [str(part).strip() if part is not None else "" for part in (*value, None, None, None)[:3]]
        if not any(texts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [index for index, text in enumerate(texts) if not text]
        if missing:
            names = " and ".join(PARTS[index] for index in missing)
            self._refuse(f"{self.name} must include a {names}", tuple(missing), code="incomplete")
        not_numbers = [index for index, text in enumerate(texts) if not re.fullmatch(r"[0-9]+", text, re.ASCII)]
        if not_numbers:
            self._refuse(f"{self.name} must be a real date", tuple(not_numbers))
        if len(texts[2]) != 4:
            self._refuse("Year must include 4 numbers", (2,))
        if len(texts[0]) > 2 or len(texts[1]) > 2:
            self._refuse(f"{self.name} must be a real date", (0 if len(texts[0]) > 2 else 1,))
        day, month, year = (int(text) for text in texts)
        if not 1 <= month <= 12:
            self._refuse(f"{self.name} must be a real date", (1,))
        try:
            result = date(year, month, day)
        except ValueError:
            self._refuse(f"{self.name} must be a real date", (0,))
        self.check_bounds(result)
        self.validate(result)
        self.run_validators(result)
        return result

    def check_bounds(self, value: date) -> None:
        earliest, latest = self.bounds()
        if earliest <= value <= latest:
            return
        today = _today()
        if latest == today and earliest == EARLIEST_DATE:
            message = f"{self.name} must be today or in the past"
        elif earliest == today and latest == LATEST_DATE:
            message = f"{self.name} must be today or in the future"
        else:
            latest_text = "today" if latest == today else long_date(latest)
            earliest_text = "today" if earliest == today else long_date(earliest)
            message = f"{self.name} must be between {earliest_text} and {latest_text}"
        self._refuse(message, (0, 1, 2))

    def compress(self, data_list):
        return None  # clean() builds the date itself


class ChildDateOfBirthField(GovukDateField):
    """A child's date of birth: not in the future, and no more than 19 years ago (CHILD_MAX_AGE_YEARS)."""

    def __init__(self, *, label: str = "Date of birth", **kwargs):
        super().__init__(label=label, earliest=child_birth_earliest, latest=_today, **kwargs)


class PastDateField(GovukDateField):
    """A date that has happened: today or before."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, latest=_today, **kwargs)


__all__ = ["ChildDateOfBirthField", "GovukDateField", "GovukForm", "GovukModelForm", "PastDateField", "Size"]
