"""Correcting a child's record through the pages: a Change link for each fact, a reason for every change, the old
value kept and shown in the history; special-category fields shown and edited for cleared roles; carers, enrolments
and a case's details changed on pages."""

import datetime

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.people.models import FieldChange
from cme.web.people.views import child_circumstances
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_factory):
    return user_factory(role=Role.CME_OFFICER, username="corrections-officer")


@pytest.fixture
def case(case_factory, child_factory, officer):
    child = child_factory(given_name="Precious", family_name="Adeyemi", date_of_birth=datetime.date(2014, 5, 2))
    return case_factory(officer=officer, child=child)


def _dates(name: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _child_form(child, **changes) -> dict:
    form = {
        "given_name": child.given_name,
        "middle_names": child.middle_names,
        "family_name": child.family_name,
        "preferred_name": child.preferred_name,
        "sex": child.sex,
        "upn": child.upn,
        "nhs_number": child.nhs_number,
        "first_language": child.first_language,
        "ethnicity": child.ethnicity,
        "sen_provision": child.sen_provision,
        "version": child.version,
        **_dates("date_of_birth", child.date_of_birth),
    }
    form.update(changes)
    return form


def test_every_fact_on_the_childs_page_has_a_change_link(sign_in, officer, case, enrolment_factory):
    CarerRelationshipFactory(child=case.child)
    enrolment_factory(child=case.child)
    html = sign_in(officer).get(reverse("web:children:detail", args=[case.child.pk])).content.decode()
    update = reverse("web:children:update", args=[case.child.pk])
    for field in ("date_of_birth", "given_name", "preferred_name", "sex", "upn", "nhs_number", "first_language"):
        assert f"{update}#id_{field}" in html, field
    for field in (
        "ethnicity",
        "sen_provision",
        "child_protection_plan",
        "receives_benefits",
        "immigration_involvement",
    ):
        assert f"{update}#id_{field}" in html, field
    assert "/carers/" in html and "/edit/" in html and "/enrolments/" in html
    assert reverse("web:children:history", args=[case.child.pk]) in html


def test_changing_the_date_of_birth_needs_a_reason_and_keeps_the_old_one(sign_in, officer, case):
    client, child = sign_in(officer), case.child
    url = reverse("web:children:update", args=[child.pk])

    refused = client.post(url, _child_form(child, **_dates("date_of_birth", datetime.date(2014, 2, 5))))
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html and 'href="#id_reason"' in html
    assert "Enter why you are making this change" in html
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2014, 5, 2)

    form = _child_form(child, reason="Birth certificate seen", **_dates("date_of_birth", datetime.date(2014, 2, 5)))
    assert client.post(url, form).status_code == 302
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2014, 2, 5)

    history = client.get(reverse("web:children:history", args=[child.pk])).content.decode()
    for text in (
        "Date of birth",
        "2 May 2014",
        "5 February 2014",
        "Birth certificate seen",
        officer.get_full_name() or officer.username,
    ):
        assert text in history


def test_special_category_fields_are_shown_and_edited_by_a_caseworker(sign_in, officer, case):
    client, child = sign_in(officer), case.child
    url = reverse("web:children:update", args=[child.pk])
    edit = client.get(url).content.decode()
    for name in ("ethnicity", "sen_provision", "looked_after", "police_probation_involvement", "receives_benefits"):
        assert f'name="{name}"' in edit
    form = _child_form(
        child, reason="Told by social care", ethnicity="BAFR", looked_after="on", immigration_involvement="on"
    )
    assert client.post(url, form).status_code == 302
    child.refresh_from_db()
    assert (child.ethnicity, child.looked_after, child.immigration_involvement) == ("BAFR", True, True)
    page = client.get(reverse("web:children:detail", args=[child.pk])).content.decode()
    assert "Black African" in page
    history = client.get(reverse("web:children:history", args=[child.pk])).content.decode()
    assert "Looked after by a local authority" in history and "Told by social care" in history


def test_a_role_not_cleared_sees_special_category_circumstances_withheld(analyst, officer, case):
    case.child.looked_after = True
    rows = {name: (value, withheld) for name, _label, value, withheld in child_circumstances(case.child, user=analyst)}
    assert rows["looked_after"] == ("Withheld", True)
    assert rows["police_probation_involvement"] == ("Withheld", True)
    cleared = {name: value for name, _label, value, _withheld in child_circumstances(case.child, user=officer)}
    assert cleared["looked_after"] == "Yes"


def test_a_carer_is_changed_on_a_page_with_a_reason(sign_in, officer, case):
    relationship = CarerRelationshipFactory(child=case.child, kind="mother", parental_responsibility=True)
    carer = relationship.carer
    url = reverse("web:children:carer-update", args=[case.child.pk, carer.pk])
    client = sign_in(officer)
    assert client.get(url).status_code == 200
    form = {
        "given_name": "Folake",
        "family_name": carer.family_name,
        "sex": "F",
        "kind": "aunt_uncle",
        "lives_with": "on",
        "reason": "She is the child's aunt",
        "version": carer.version,
        **_dates("date_of_birth", None),
    }
    assert client.post(url, form).status_code == 302
    carer.refresh_from_db()
    relationship.refresh_from_db()
    assert (carer.given_name, relationship.kind, relationship.parental_responsibility) == (
        "Folake",
        "aunt_uncle",
        False,
    )
    fields = set(FieldChange.objects.filter(child=case.child).values_list("field", flat=True))
    assert {"given_name", "kind", "parental_responsibility"} <= fields


def test_a_carer_of_another_child_is_not_found(sign_in, officer, case):
    stranger = CarerRelationshipFactory().carer
    url = reverse("web:children:carer-update", args=[case.child.pk, stranger.pk])
    assert sign_in(officer).get(url).status_code == 404


def test_an_enrolment_is_corrected_on_a_page(sign_in, officer, case, enrolment_factory):
    enrolment = enrolment_factory(child=case.child, start_date=datetime.date(2023, 9, 4))
    url = reverse("web:children:enrolment-correct", args=[case.child.pk, enrolment.pk])
    form = {
        "status": enrolment.status,
        "reason": "Admission register says the 5th",
        "deletion_ground": "",
        **_dates("start_date", datetime.date(2023, 9, 5)),
        **_dates("leave_date", None),
    }
    assert sign_in(officer).post(url, form).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.start_date == datetime.date(2023, 9, 5)


def test_a_cases_main_reason_and_date_are_corrected_with_history(sign_in, officer, case):
    client = sign_in(officer)
    detail = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert reverse("web:cases:details", args=[case.pk]) in detail
    form = {
        "version": case.version,
        "primary_reason": "new_to_area",
        "rationale": "The family arrived in October",
        **_dates("became_cme_on", datetime.date(2026, 10, 1)),
    }
    assert client.post(reverse("web:cases:details", args=[case.pk]), form).status_code == 302
    history = client.get(reverse("web:cases:history", args=[case.pk])).content.decode()
    for text in ("Missing education since", "20 October 2026", "1 October 2026", "Main reason", "The family arrived"):
        assert text in history
