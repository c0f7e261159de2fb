"""Letters from a case: merge fields, the council's templates checked and rendered in a sandbox, and the PDF.

A council edits its letters' wording. What it writes is template text for Django's template engine, but a restricted
one: the text is checked node by node when it is saved (`template_check`), and only plain text, the merge fields in
MERGE_FIELDS (with a few harmless filters), `{% if %}` on a merge field and comments pass. `{% include %}`,
`{% extends %}`, `{% load %}`, `{% url %}` and every other tag are refused, so a template can neither load another
template nor reach the database: the context it renders with is a dictionary of plain strings built here
(`merge_context`). The text itself is escaped before it is parsed, so a template cannot carry HTML (no images or
links that WeasyPrint would fetch), and values are escaped as they are rendered (autoescape on). WeasyPrint is given
a URL fetcher that refuses everything, so rendering never reaches the network.
"""

import html
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Node, TextNode, VariableNode
from django.template.defaulttags import CommentNode, IfNode, TemplateLiteral
from django.template.smartif import Literal

from cme.common.errors import ApplicationError

from .enums import LetterKind

# Every merge field a template may use, with what it holds (shown beside the template editor).
MERGE_FIELDS: dict[str, str] = {
    "letter.date": "The date the letter is produced, like 2 May 2026",
    "case.reference": "The case reference, like CME-000123",
    "child.full_name": "The child's full name",
    "child.given_name": "The child's first name (or the name they are known by)",
    "child.date_of_birth": "The child's date of birth, like 14 March 2015",
    "child.address": "The child's current address on one line",
    "recipient.name": "Who the letter is to: the parent or carer, or the agency",
    "recipient.address": "The recipient's address on one line",
    "officer.name": "The case officer's name",
    "officer.job_title": "The case officer's job title",
    "officer.email": "The case officer's email address",
    "council.name": "The council's name",
    "council.address": "The council's letterhead address on one line",
    "council.email": "The service's email address",
    "council.phone": "The service's telephone number",
    "enquiry.agency": "The agency an enquiry letter goes to",
    "enquiry.contact_name": "The person at the agency, if known",
    "order.section": "The law the step rests on, like Education Act 1996, s437(1) and (2)",
    "order.served_on": "The day the notice or order is served",
    "order.period_days": "How many days the parent has, counting the day of service",
    "order.period_ends_on": "The last day of the parent's period",
    "order.next_step_from": "The first day the council may take the next step",
    "order.school_name": "The school the council intends to name, or has named",
}
ALLOWED_FILTERS = {"upper", "lower", "capfirst", "default"}

ERROR_UNKNOWN_FIELD = "{field} is not a merge field. Use one of the merge fields listed on this page"
ERROR_TAG = "Letters cannot use the {tag} tag. Use only merge fields, like {{{{ child.full_name }}}}, and {{% if %}}"
ERROR_FILTER = "Letters cannot use the {name} filter. Use upper, lower, capfirst or default"
ERROR_SYNTAX = "The {part} has a mistake in a merge field or tag: {message}"
ERROR_EMPTY = "Enter the letter's {part}"

# One engine for every council template: no loaders (nothing to include or extend), no libraries to load, debug off.
_ENGINE = Engine(loaders=[], libraries={}, builtins=[], autoescape=True, debug=False, string_if_invalid="")


class TemplateRefused(ApplicationError):
    """The template text uses something letters may not: the message names it."""


def _escape_source(text: str) -> str:
    """Escape the author's text as HTML text before parsing: & < > only, so tags and merge fields still parse."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check_variable(expression, part: str) -> None:
    var = expression.var
    lookups = getattr(var, "lookups", None)
    if lookups is None:  # a literal, like "15" or 'text'
        return
    name = ".".join(lookups)
    if name not in MERGE_FIELDS:
        raise TemplateRefused(ERROR_UNKNOWN_FIELD.format(field=name), field=part)
    for func, _args in expression.filters:
        if func.__name__ not in ALLOWED_FILTERS:
            raise TemplateRefused(ERROR_FILTER.format(name=func.__name__), field=part)


def _check_condition(condition, part: str) -> None:
    if isinstance(condition, TemplateLiteral):
        _check_variable(condition.value, part)
    elif isinstance(condition, Literal):
        return
    else:  # an operator: `not x`, `x and y`, `x == y`
        for side in (getattr(condition, "first", None), getattr(condition, "second", None)):
            if side is not None:
                _check_condition(side, part)


def _check_nodes(nodelist, part: str) -> None:
    for node in nodelist:
        if isinstance(node, (TextNode, CommentNode)):
            continue
        if isinstance(node, VariableNode):
            _check_variable(node.filter_expression, part)
        elif isinstance(node, IfNode):
            for condition, nodes in node.conditions_nodelists:
                if condition is not None:
                    _check_condition(condition, part)
                _check_nodes(nodes, part)
        else:
            tag = _tag_name(node)
            raise TemplateRefused(ERROR_TAG.format(tag="{% " + tag + " %}"), field=part)


def _tag_name(node: Node) -> str:
    token = getattr(node, "token", None)
    if token is not None and token.contents:
        return token.split_contents()[0]
    return type(node).__name__


def template_check(text: str, *, part: str = "body"):
    """Parse `text` in the sandbox and refuse anything but merge fields, `if` and comments. Returns the template."""
    if not text.strip():
        raise TemplateRefused(ERROR_EMPTY.format(part=part), field=part)
    try:
        template = _ENGINE.from_string(_escape_source(text))
    except TemplateSyntaxError as error:
        message = str(error)
        match = re.match(r"Invalid block tag on line \d+: '([^']+)'", message)
        if match:
            raise TemplateRefused(ERROR_TAG.format(tag="{% " + match.group(1) + " %}"), field=part) from error
        if "is not a registered tag library" in message:
            raise TemplateRefused(ERROR_TAG.format(tag="{% load %}"), field=part) from error
        match = re.match(r"Invalid filter: '([^']+)'", message)
        if match:
            raise TemplateRefused(ERROR_FILTER.format(name=match.group(1)), field=part) from error
        raise TemplateRefused(ERROR_SYNTAX.format(part=part, message=message), field=part) from error
    _check_nodes(template.nodelist, part)
    return template


def render_text(text: str, context: dict, *, part: str = "body") -> str:
    """The template rendered with `context` (merge fields to plain strings): HTML-escaped text, no markup."""
    return template_check(text, part=part).render(Context(context, autoescape=True))


def paragraphs_html(rendered: str) -> str:
    """Escaped text to HTML paragraphs: a blank line starts a paragraph, a single line break is kept."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", rendered.replace("\r\n", "\n")) if block.strip()]
    return "\n".join("<p>" + "<br>".join(line.strip() for line in block.split("\n")) + "</p>" for block in blocks)


def format_day(day: date | None) -> str:
    """GOV.UK style: 2 May 2026."""
    return f"{day.day} {day:%B %Y}" if day else ""


def one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def nested(flat: dict[str, str]) -> dict[str, dict[str, str]]:
    """{"child.full_name": "…"} to {"child": {"full_name": "…"}}, the shape a template reads."""
    out: dict[str, dict[str, str]] = {}
    for name, value in flat.items():
        group, field = name.split(".", 1)
        out.setdefault(group, {})[field] = str(value)
    return out


SAMPLE_VALUES: dict[str, str] = {
    "letter.date": "2 November 2026",
    "case.reference": "CME-000123",
    "child.full_name": "Sample Child Example",
    "child.given_name": "Sample",
    "child.date_of_birth": "14 March 2015",
    "child.address": "1 Example Street, Exampletown, EX1 1AA",
    "recipient.name": "Ms Sample Parent",
    "recipient.address": "1 Example Street, Exampletown, EX1 1AA",
    "officer.name": "Sam Officer",
    "officer.job_title": "Children missing education officer",
    "officer.email": "cme@example.org",
    "council.name": "Example Borough Council",
    "council.address": "Civic Centre, High Street, Exampletown",
    "council.email": "cme@example.org",
    "council.phone": "0113 496 0000",
    "enquiry.agency": "Housing",
    "enquiry.contact_name": "Housing options team",
    "order.section": "Education Act 1996, s437(1) and (2)",
    "order.served_on": "2 November 2026",
    "order.period_days": "15",
    "order.period_ends_on": "16 November 2026",
    "order.next_step_from": "17 November 2026",
    "order.school_name": "Example Primary School",
}


# --- The layout every letter shares (cme's own, not editable): letterhead, marking, addressee, reference, sign-off.

_LAYOUT = _ENGINE.from_string(
    """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{{ subject }}</title>
<style>
  @page { size: A4; margin: 2.2cm 2cm;
    @top-center { content: "{{ marking }}"; font: bold 10pt sans-serif; }
    @bottom-center { content: "{{ marking }}"; font: bold 10pt sans-serif; }
    @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; } }
  body { font-family: sans-serif; font-size: 11pt; line-height: 1.4; color: #0b0c0c; }
  .letterhead { text-align: right; margin-bottom: 1.5em; }
  .letterhead .council { font-size: 16pt; font-weight: bold; }
  .recipient { margin-bottom: 1.5em; }
  .reference { margin-bottom: 1em; }
  h1 { font-size: 13pt; margin: 1em 0; }
</style>
</head>
<body>
<div class="letterhead">
  <div class="council">{{ council.name }}</div>
  {% for line in address_lines %}<div>{{ line }}</div>{% endfor %}
  <div>{{ contact }}</div>
</div>
<div class="recipient">
  <div>{{ recipient_name }}</div>
  {% for line in recipient_lines %}<div>{{ line }}</div>{% endfor %}
</div>
<div class="reference">Our reference: {{ reference }}<br>Date: {{ letter_date }}</div>
<h1>{{ subject }}</h1>
{{ body }}
</body>
</html>"""
)


@dataclass(frozen=True)
class LetterContent:
    subject: str
    body_html: str  # escaped paragraphs, safe to mark safe


def letter_content(*, subject: str, body: str, values: dict[str, str]) -> LetterContent:
    context = nested(values)
    rendered_subject = html.unescape(render_text(subject, context, part="subject")).strip()
    return LetterContent(subject=rendered_subject, body_html=paragraphs_html(render_text(body, context, part="body")))


def letter_html(
    *,
    content: LetterContent,
    values: dict[str, str],
    recipient_name: str,
    recipient_address: str,
    council_address: str,
    contact: str,
    marking: str,
) -> str:
    from django.utils.safestring import mark_safe

    return _LAYOUT.render(
        Context(
            {
                "subject": content.subject,
                # Escaped text in <p> and <br> only (paragraphs_html).
                "body": mark_safe(content.body_html),  # noqa: S308
                "marking": marking.replace('"', "'").replace("\\", ""),
                "council": {"name": values["council.name"]},
                "address_lines": [line.strip() for line in council_address.splitlines() if line.strip()],
                "contact": contact,
                "recipient_name": recipient_name,
                "recipient_lines": [line.strip() for line in recipient_address.splitlines() if line.strip()],
                "reference": values["case.reference"],
                "letter_date": values["letter.date"],
            },
            autoescape=True,
        )
    )


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"Letters fetch nothing: {url[:40]}")


def pdf_from_html(document_html: str) -> bytes:
    """The PDF of a letter's HTML. WeasyPrint needs Pango from the operating system (README, prerequisites)."""
    from weasyprint import HTML

    return HTML(string=document_html, url_fetcher=_refuse_fetch).write_pdf()


# --- cme's default wording for each kind of letter, in templates/letters/default/<kind>.txt: the first line is the
# heading, then a blank line, then the text. Plain words; the council edits them (LetterTemplate).

_DEFAULTS = Path(__file__).resolve().parent / "templates" / "letters" / "default"


def _default(kind: LetterKind) -> tuple[str, str]:
    subject, _blank, body = (_DEFAULTS / f"{kind.value}.txt").read_text(encoding="utf-8").partition("\n\n")
    return subject.strip(), body.strip()


DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {kind: _default(kind) for kind in LetterKind}

# Which letters go to a parent or carer, which to an agency, and which to the council's own legal service.
CARER_LETTERS = frozenset(
    {
        LetterKind.FIND_CHILD,
        LetterKind.SAO_NOTICE,
        LetterKind.SAO_SCHOOL_NOTICE,
        LetterKind.SAO_ORDER,
        LetterKind.SAO_REVOCATION,
        LetterKind.SAO_PRELIMINARY_NOTICE,
        LetterKind.SAO_NOMINATION_NOTICE,
    }
)
AGENCY_LETTERS = frozenset({LetterKind.AGENCY_ENQUIRY})
LEGAL_LETTERS = frozenset({LetterKind.SAO_PROSECUTION_REFERRAL})
