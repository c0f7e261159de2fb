"""The letter pages: the manager edits a template with a preview and a GOV.UK error naming an unknown merge field; an
officer produces a letter, records it as sent, and takes the school attendance order steps from the process page."""

from datetime import date

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.cases.enums import AttendanceOrderStage, LetterKind
from cme.cases.models import Letter, LetterTemplate
from tests.factories.people import CarerRelationshipFactory


@pytest.fixture(autouse=True)
def documents_in_tmp(settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path


@pytest.fixture
def team(team_factory):
    return team_factory(name="Letters team")


@pytest.fixture
def officer(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, team=team)


@pytest.fixture
def case(case_factory, officer, team):
    return case_factory(officer=officer, team=team)


@pytest.fixture
def parent(case):
    return CarerRelationshipFactory(child=case.child, parental_responsibility=True).carer


def _form(**fields):
    return {key: value for key, value in fields.items()}


@pytest.mark.django_db
def test_the_manager_previews_and_saves_a_template_and_an_unknown_merge_field_is_a_govuk_error(sign_in, manager):
    client = sign_in(manager)
    url = reverse("web:letters:template-edit", args=[LetterKind.FIND_CHILD.value])
    page = client.get(url).content.decode()
    assert "child.full_name" in page and "Preview" in page

    bad = client.post(url, {"subject": "Hello", "body": "Dear {{ child.nmae }}", "version": 0, "save": ""})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "govuk-error-summary" in text and "child.nmae is not a merge field" in text and 'href="#id_body"' in text
    assert not LetterTemplate.objects.exists()

    preview = client.post(
        url,
        {"subject": "About {{ child.given_name }}", "body": "Dear {{ recipient.name }}", "version": 0, "preview": ""},
    ).content.decode()
    assert "Preview, with made-up details" in preview and "Dear Ms Sample Parent" in preview
    assert not LetterTemplate.objects.exists()

    saved = client.post(
        url, {"subject": "About {{ child.given_name }}", "body": "Dear {{ recipient.name }}", "version": 0, "save": ""}
    )
    assert saved.status_code == 302 and LetterTemplate.objects.get().version == 1
    listing = client.get(reverse("web:letters:template-list")).content.decode()
    assert "The council&#x27;s own, version 1" in listing or "The council's own, version 1" in listing


@pytest.mark.django_db
def test_an_unknown_letter_is_not_found(sign_in, manager):
    assert sign_in(manager).get(reverse("web:letters:template-edit", args=["no_such_letter"])).status_code == 404


@pytest.mark.django_db
def test_an_officer_produces_a_letter_and_records_it_sent(sign_in, officer, case, parent):
    client = sign_in(officer)
    url = reverse("web:cases:letter-create", args=[case.pk])
    missing = client.post(url, {"kind": LetterKind.FIND_CHILD.value})
    assert "Choose the parent or carer the letter is to" in missing.content.decode()
    response = client.post(url, {"kind": LetterKind.FIND_CHILD.value, "carer": parent.pk})
    assert response.status_code == 302
    letter = Letter.objects.get()
    detail = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert letter.document.title in detail and reverse("web:cases:letter-sent", args=[case.pk, letter.pk]) in detail
    sent = client.post(
        reverse("web:cases:letter-sent", args=[case.pk, letter.pk]),
        {"sent_on_0": "2", "sent_on_1": "11", "sent_on_2": "2026"},
    )
    assert sent.status_code == 302
    letter.refresh_from_db()
    assert letter.sent_on == date(2026, 11, 2) and letter.disclosure is not None


@pytest.mark.django_db
def test_the_process_page_takes_each_step_with_its_letter(sign_in, officer, case, parent):
    client = sign_in(officer)
    start = client.post(reverse("web:cases:sao", args=[case.pk]), {"rationale": "Refused every school place"})
    order = case.attendance_orders.get()
    assert start["Location"] == reverse("web:cases:sao-detail", args=[case.pk, order.pk])
    page = client.get(start["Location"]).content.decode()
    assert "Education Act 1996, s437(1) and (2)" in page

    step_url = reverse("web:cases:sao-step", args=[case.pk, order.pk]) + "?stage=notice_served"
    short = client.post(
        step_url,
        {
            "occurred_on_0": "2",
            "occurred_on_1": "11",
            "occurred_on_2": "2026",
            "carer": parent.pk,
            "period_days": 10,
            "rationale": "No evidence of education",
        },
    )
    assert "at least 15 days" in short.content.decode()
    done = client.post(
        step_url,
        {
            "occurred_on_0": "2",
            "occurred_on_1": "11",
            "occurred_on_2": "2026",
            "carer": parent.pk,
            "period_days": 15,
            "rationale": "No evidence of education",
        },
    )
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "16 November 2026" in page and "Produce the letter" in page
    step = order.steps.get()
    assert step.stage == AttendanceOrderStage.NOTICE_SERVED
    letter_page = client.get(reverse("web:cases:letter-create", args=[case.pk]) + f"?step={step.pk}").content.decode()
    assert "s437(1)" in letter_page
    made = client.post(
        reverse("web:cases:letter-create", args=[case.pk]) + f"?step={step.pk}",
        {"kind": LetterKind.SAO_NOTICE.value, "carer": parent.pk},
    )
    assert made.status_code == 302 and Letter.objects.get().attendance_order_step == step
    # A step the law does not allow next is not found.
    wrong = reverse("web:cases:sao-step", args=[case.pk, order.pk]) + "?stage=order_served"
    assert client.get(wrong).status_code == 404
