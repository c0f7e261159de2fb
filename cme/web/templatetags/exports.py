"""`{% export_links "web:cases:export" %}`: links to download the list as shown, as CSV or XLSX."""

from django import template

from cme.web.exports import export_links as _links

register = template.Library()


@register.inclusion_tag("layouts/export_links.html", takes_context=True)
def export_links(context, url_name: str, noun: str = "this list"):
    request = context["request"]
    return {"links": _links(request, url_name), "noun": noun}
