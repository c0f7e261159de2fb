"""Template tags for casework pages: small pieces of markup repeated on every row of a case table."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cme.cases.enums import CaseStatus, RiskLevel

register = template.Library()

_STATUS_COLOUR = {CaseStatus.CLOSED: "govuk-tag--grey", CaseStatus.LOCATED: "govuk-tag--green"}
_RISK_TAG = {
    RiskLevel.HIGH: ("govuk-tag--red", "High risk"),
    RiskLevel.MEDIUM: ("govuk-tag--orange", "Medium risk"),
}


@register.simple_tag(takes_context=True)
def case_status_tags(context, case) -> str:
    """The case's status, its risk if medium or high, and "Overdue" when its current stage was due before today.

    A tag in Python rather than an included template: the dashboard shows fifty of these, and an include per row
    was a measurable share of the page's time.
    """
    today = context.get("today")
    tags = [
        format_html(
            '<strong class="govuk-tag {}">{}</strong>',
            _STATUS_COLOUR.get(case.status, "govuk-tag--blue"),
            case.get_status_display(),
        )
    ]
    if case.risk_level in _RISK_TAG:
        tags.append(format_html('<strong class="govuk-tag {}">{}</strong>', *_RISK_TAG[case.risk_level]))
    if case.is_open and case.due_on and today and case.due_on < today:
        tags.append(format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', "Overdue"))
    return mark_safe("\n".join(tags))  # noqa: S308 - every part was built by format_html, which escapes
