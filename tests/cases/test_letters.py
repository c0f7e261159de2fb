"""Letters: the council's templates checked in a sandbox, letters produced as PDF documents on a case with the
letterhead and protective marking, and sending recorded as a disclosure naming the people it is about."""

import json
from datetime import date, timedelta

import pytest

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import AttendanceOrderStage, DocumentKind, LetterKind
from cme.cases.letters import DEFAULT_TEMPLATES, MERGE_FIELDS, SAMPLE_VALUES, TemplateRefused, template_check
from cme.cases.services import (
    attendance_order_start,
    attendance_order_step_record,
    letter_generate,
    letter_mark_sent,
    letter_template_get,
    letter_template_save,
)
from cme.cases.services.letters import letter_render_pdf, merge_values
from cme.common.errors import ApplicationError
from cme.council.services import council_settings_update
from cme.privacy.enums import Direction
from cme.privacy.models import DisclosureSubject
from tests.factories.people import CarerRelationshipFactory


@pytest.fixture(autouse=True)
def documents_in_tmp(settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path


# --- The sandbox ------------------------------------------------------------------------------------------------------


def test_every_default_template_uses_only_merge_fields():
    assert set(DEFAULT_TEMPLATES) == set(LetterKind)
    for subject, body in DEFAULT_TEMPLATES.values():
        template_check(subject, part="subject")
        template_check(body)
    assert set(SAMPLE_VALUES) == set(MERGE_FIELDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear {{ child.nmae }}", "child.nmae is not a merge field"),
        ("{{ case.child.family.carers }}", "case.child.family.carers is not a merge field"),
        ('{% include "base.html" %}', "cannot use the {% include %} tag"),
        ('{% extends "base.html" %}', "cannot use the {% extends %} tag"),
        ("{% load static %}", "cannot use the {% load %} tag"),
        ("{% for c in child %}{% endfor %}", "cannot use the {% for %} tag"),
        ("{% debug %}", "cannot use the {% debug %} tag"),
        ("{{ child.full_name|safe }}", "cannot use the safe filter"),
        ("{% if council.secret_key %}x{% endif %}", "council.secret_key is not a merge field"),
        ("{{ child.__class__ }}", "mistake"),
        ("{% if child.full_name %}no end", "mistake"),
    ],
)
def test_the_sandbox_refuses_anything_but_merge_fields(text, message):
    with pytest.raises(TemplateRefused, match="^.*" + message.replace("{", r"\{").replace("|", r"\|")):
        template_check(text)


def test_html_in_a_template_or_a_value_is_printed_as_text():
    from cme.cases.letters import letter_content

    values = {**SAMPLE_VALUES, "child.full_name": "<img src='http://example.org/x'> O'Brien"}
    content = letter_content(subject="{{ child.full_name }}", body="<b>Hi</b> {{ child.full_name }}", values=values)
    assert "<b>" not in content.body_html and "&lt;b&gt;Hi&lt;/b&gt;" in content.body_html
    assert "<img" not in content.body_html and "&lt;img" in content.body_html
    assert content.subject == "<img src='http://example.org/x'> O'Brien"  # plain text, escaped by the layout


@pytest.mark.django_db
def test_saving_a_template_checks_it_and_keeps_a_version(manager):
    with pytest.raises(TemplateRefused, match=r"child\.nmae"):
        letter_template_save(
            actor=manager, kind=LetterKind.FIND_CHILD, subject="Hello", body="{{ child.nmae }}", expected_version=0
        )
    assert letter_template_get(LetterKind.FIND_CHILD).is_default
    row = letter_template_save(
        actor=manager,
        kind=LetterKind.FIND_CHILD,
        subject="Where is {{ child.given_name }}?",
        body="Dear {{ recipient.name }}\n\nPlease call us.",
        expected_version=0,
    )
    assert row.version == 1 and letter_template_get(LetterKind.FIND_CHILD).subject == "Where is {{ child.given_name }}?"
    with pytest.raises(ApplicationError, match="Someone else changed"):
        letter_template_save(actor=manager, kind=LetterKind.FIND_CHILD, subject="x", body="y", expected_version=0)
    assert AuditEntry.objects.filter(event=AuditEvent.LETTER_TEMPLATE_CHANGED).count() == 1


# --- Producing and sending ------------------------------------------------------------------------------------------


@pytest.fixture
def parent(case):
    return CarerRelationshipFactory(child=case.child, parental_responsibility=True).carer


@pytest.mark.django_db
def test_a_letter_is_a_pdf_document_on_the_case_with_letterhead_marking_and_merge_values(
    case, officer, parent, sysadmin
):
    council_settings_update(
        actor=sysadmin,
        council_name="Northbridge Council",
        letterhead_address="CME Service\nTown Hall\nNorthbridge NB1 1AA",
        protective_marking="OFFICIAL-SENSITIVE",
    )
    values = merge_values(case=case, actor=officer, carer=parent)
    assert values["child.full_name"].startswith(case.child.given_name)
    assert values["recipient.name"].endswith(parent.family_name)
    assert values["council.address"] == "CME Service, Town Hall, Northbridge NB1 1AA"

    letter = letter_generate(case=case, actor=officer, kind=LetterKind.FIND_CHILD, carer=parent)
    document = letter.document
    assert document.case == case and document.kind == DocumentKind.LETTER
    assert document.content_type == "application/pdf" and document.title.startswith("We are trying to find")
    with document.file.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF") and len(pdf) == document.size_bytes
    assert letter.recipient_name == values["recipient.name"] and letter.template_version == 0
    entry = AuditEntry.objects.get(event=AuditEvent.LETTER_GENERATED)
    assert entry.subject_child_id == case.child_id and json.loads(entry.payload)["document"] == document.pk


@pytest.mark.django_db
def test_the_letter_html_carries_the_letterhead_and_the_marking(case, officer, parent, sysadmin):
    from cme.cases.letters import letter_content, letter_html

    council_settings_update(actor=sysadmin, letterhead_address="Town Hall\nNorthbridge", protective_marking="OFFICIAL")
    values = merge_values(case=case, actor=officer, carer=parent)
    subject, body = DEFAULT_TEMPLATES[LetterKind.FIND_CHILD]
    document_html = letter_html(
        content=letter_content(subject=subject, body=body, values=values),
        values=values,
        recipient_name=values["recipient.name"],
        recipient_address="1 Any Street\nNorthbridge",
        council_address="Town Hall\nNorthbridge",
        contact="cme@example.org",
        marking="OFFICIAL",
    )
    assert '@top-center { content: "OFFICIAL"' in document_html and "<div>Town Hall</div>" in document_html
    assert f"Our reference: {case.reference}" in document_html
    assert values["child.date_of_birth"] in document_html


@pytest.mark.django_db
def test_marking_a_letter_sent_records_a_disclosure_naming_recipient_child_and_carer(case, officer, parent):
    letter = letter_generate(case=case, actor=officer, kind=LetterKind.FIND_CHILD, carer=parent)
    with pytest.raises(ApplicationError, match="today or in the past"):
        letter_mark_sent(letter=letter, actor=officer, sent_on=date.today() + timedelta(days=1))
    letter = letter_mark_sent(letter=letter, actor=officer, sent_on=date.today())
    disclosure = letter.disclosure
    assert disclosure.direction == Direction.SHARED_OUT and "Parent or carer" in disclosure.organisation
    named = set(
        DisclosureSubject.objects.filter(disclosure=disclosure).values_list("subject_type__model", "subject_id")
    )
    assert named == {("child", case.child_id), ("carer", parent.pk)}
    assert AuditEntry.objects.filter(event=AuditEvent.LETTER_SENT, subject_child_id=case.child_id).exists()
    with pytest.raises(ApplicationError, match="already"):
        letter_mark_sent(letter=letter, actor=officer, sent_on=date.today())


@pytest.mark.django_db
def test_an_enquiry_letter_goes_to_the_agency_and_its_disclosure_names_the_agency(case, officer, enquiry_factory):
    enquiry = enquiry_factory(case=case, contact_name="Housing options")
    letter = letter_generate(case=case, actor=officer, kind=LetterKind.AGENCY_ENQUIRY, enquiry=enquiry)
    assert letter.recipient_name == "Housing options" and letter.enquiry == enquiry
    letter = letter_mark_sent(letter=letter, actor=officer, sent_on=date.today())
    assert letter.disclosure.organisation == "Housing options"
    with pytest.raises(ApplicationError, match="Select the enquiry"):
        letter_generate(case=case, actor=officer, kind=LetterKind.AGENCY_ENQUIRY)


@pytest.mark.django_db
def test_a_letter_to_a_parent_needs_a_parent_of_this_child(case, officer, carer_factory):
    with pytest.raises(ApplicationError, match="Select the parent"):
        letter_generate(case=case, actor=officer, kind=LetterKind.FIND_CHILD)
    with pytest.raises(ApplicationError, match="of this child"):
        letter_generate(case=case, actor=officer, kind=LetterKind.FIND_CHILD, carer=carer_factory())


@pytest.mark.django_db
def test_each_notice_of_the_process_is_its_letter_with_the_computed_dates(case, officer, parent):
    order = attendance_order_start(case=case, actor=officer, rationale="Refused a place", carer=parent)
    step = attendance_order_step_record(
        order=order,
        actor=officer,
        stage=AttendanceOrderStage.NOTICE_SERVED,
        occurred_on=date(2026, 11, 2),
        rationale="No education seen",
        period_days=15,
    )
    values = merge_values(case=case, actor=officer, carer=parent, step=step)
    assert values["order.period_ends_on"] == "16 November 2026" and values["order.next_step_from"] == "17 November 2026"
    assert values["order.section"] == "Education Act 1996, s437(1) and (2)"
    letter = letter_generate(case=case, actor=officer, kind=LetterKind.SAO_NOTICE, carer=parent, step=step)
    assert letter.attendance_order_step == step and "437(1)" in letter.document.title
    letter = letter_mark_sent(letter=letter, actor=officer, sent_on=date(2026, 11, 2))
    assert letter.disclosure.lawful_basis == "legal_obligation"


@pytest.mark.django_db
def test_a_pdf_renders_under_a_second(case, officer, parent):
    import time

    values = merge_values(case=case, actor=officer, carer=parent)
    letter_render_pdf(kind=LetterKind.SAO_ORDER, values=values, recipient_name="A", recipient_address="B")  # fonts
    started = time.perf_counter()
    _subject, pdf, _version = letter_render_pdf(
        kind=LetterKind.SAO_ORDER, values=values, recipient_name="A", recipient_address="B"
    )
    assert pdf.startswith(b"%PDF") and time.perf_counter() - started < 1.0
