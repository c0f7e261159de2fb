"""The GOV.UK error summary, with every link pointing at the box it is about.

crispy-forms-gds's own summary links a date input's whole-date errors, and every radio or checkbox error, to an id
no input carries (the date's wrapper, the radios' fieldset), so following the link moved focus nowhere. Here a link
always names an input: the box a date error is about (the day box for the date as a whole), the first radio or
checkbox, the field itself otherwise; a problem with the form as a whole, or with a hidden field, links to the
first input of the form.
"""

from django import forms, template

register = template.Library()


def _first_input_id(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"  # crispy-forms-gds numbers the options from 1
    return bound_field.auto_id


def error_links(form) -> list[tuple[str, str]]:
    """(target id, message) for every error on `form`, in the order of its fields, each message once per field."""
    visible = form.visible_fields()
    first_id = _first_input_id(visible[0]) if visible else ""
    links = [(first_id, str(error)) for error in form.non_field_errors()]
    for bound_field in form.hidden_fields():
        links.extend((first_id, str(error)) for error in bound_field.errors)
    for bound_field in visible:
        seen: set[str] = set()
        if isinstance(bound_field.field, forms.MultiValueField):
            for index, subfield in enumerate(bound_field.field.fields):
                for error in getattr(subfield.widget, "errors", []):
                    if str(error) not in seen:
                        seen.add(str(error))
                        links.append((f"{bound_field.auto_id}_{index}", str(error)))
        for error in bound_field.errors:
            if str(error) not in seen:
                seen.add(str(error))
                links.append((_first_input_id(bound_field), str(error)))
    return links


@register.inclusion_tag("layouts/error_summary.html")
def govuk_error_summary(form):
    """`{% govuk_error_summary form %}`: the summary at the top of a form page, when the form has errors."""
    return {"links": error_links(form) if form.errors else []}
