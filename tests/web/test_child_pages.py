"""Children's records through the pages: search that forgives spelling, adding, editing safely, carers, addresses."""

import datetime

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.people.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_factory):
    return user_factory(role=Role.CME_OFFICER, username="children-officer")


@pytest.fixture
def child(case_factory, officer):
    """A child in the officer's caseload (they work the child's case), so no purpose is asked."""
    return case_factory(officer=officer).child


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


CHILD = {
    "given_name": "Muhammad",
    "family_name": "Khan",
    "sex": "M",
    **date_fields("date_of_birth", datetime.date(2015, 4, 9)),
}


def test_adding_a_child_and_finding_them_by_another_spelling(sign_in, officer):
    client = sign_in(officer)
    response = client.post(reverse("web:children:create"), CHILD)
    child = Child.objects.get()
    assert response["Location"] == reverse("web:children:detail", args=[child.pk])
    html = client.get(reverse("web:children:search"), {"name": "Mohammed Khan"}).content.decode()
    assert reverse("web:children:detail", args=[child.pk]) in html


def test_a_bad_upn_is_refused_on_its_field(sign_in, officer):
    response = sign_in(officer).post(reverse("web:children:create"), {**CHILD, "upn": "B801200005002"})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html and 'href="#id_upn"' in html
    assert not Child.objects.exists()


def test_a_upn_another_child_holds_is_refused_on_its_field_naming_that_childs_record(sign_in, officer, child_factory):
    holder = child_factory(given_name="Precious", family_name="Adeyemi", upn="B801200005001")
    response = sign_in(officer).post(reverse("web:children:create"), {**CHILD, "upn": "B801200005001"})

    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html and 'href="#id_upn"' in html
    assert f"already on the record of Precious Adeyemi, born 14 March 2016 (child record {holder.pk})" in html
    assert Child.objects.count() == 1
    shown = AuditEntry.objects.filter(event=AuditEvent.SEARCH).latest("pk")
    assert shown.payload_data["possible_duplicates"] == [holder.pk]  # naming the other child is audited


def test_an_empty_search_says_what_to_enter(sign_in, officer):
    html = sign_in(officer).get(reverse("web:children:search"), {"name": ""}).content.decode()
    assert "Enter a name, date of birth, UPN or postcode" in html


def test_a_stale_edit_is_refused_and_overwrites_nothing(sign_in, officer, case_factory, child_factory):
    child = case_factory(officer=officer, child=child_factory(given_name="Aleksandra")).child
    client = sign_in(officer)
    form = {
        **CHILD,
        "given_name": "Alexandra",
        "family_name": child.family_name,
        "version": child.version,
        "reason": "Spelling",
    }
    assert client.post(reverse("web:children:update", args=[child.pk]), form).status_code == 302
    again = client.post(reverse("web:children:update", args=[child.pk]), {**form, "given_name": "Ola"})
    assert "Someone else changed this record" in again.content.decode()
    child.refresh_from_db()
    assert child.given_name == "Alexandra"


def test_adding_a_carer_with_a_drama_range_phone_number(sign_in, officer, child):
    form = {
        "given_name": "Amina",
        "family_name": "Khan",
        "kind": "mother",
        "parental_responsibility": "on",
        "lives_with": "on",
        "phone": "07700 900123",
        "phone_label": "mobile",
    }
    sign_in(officer).post(reverse("web:children:carer-create", args=[child.pk]), form)
    relationship = child.carer_relationships.select_related("carer").get()
    assert relationship.parental_responsibility and relationship.carer.contact_points.get().value == "+447700900123"


def test_recording_a_move_keeps_the_old_address(sign_in, officer, child):
    client = sign_in(officer)
    first = {
        "line1": "4 Mill Lane",
        "town": "Wyndley",
        "postcode": "ZY1 2AB",
        "reason": "School admission form",
        **date_fields("valid_from", datetime.date(2024, 1, 5)),
    }
    second = {
        "line1": "9 Elm Close",
        "town": "Wyndley",
        "postcode": "zy3 4df",
        "reason": "Council tax record",
        **date_fields("valid_from", datetime.date(2026, 6, 1)),
    }
    client.post(reverse("web:children:address", args=[child.pk]), first)
    client.post(reverse("web:children:address", args=[child.pk]), second)
    html = client.get(reverse("web:children:detail", args=[child.pk])).content.decode()
    assert "9 Elm Close" in html and "ZY3 4DF" in html and "4 Mill Lane" in html
    history = client.get(reverse("web:children:history", args=[child.pk])).content.decode()
    assert "4 Mill Lane" in history and "9 Elm Close" in history and "Council tax record" in history


def test_the_child_page_links_to_a_new_referral(sign_in, officer, child):
    html = sign_in(officer).get(reverse("web:children:detail", args=[child.pk])).content.decode()
    assert reverse("web:referrals:create", args=[child.pk]) in html


def test_a_child_outside_the_caseload_opens_only_after_a_purpose_is_given(sign_in, officer, child_factory):
    from cme.privacy.models import AccessPurpose

    stranger = child_factory()
    client = sign_in(officer)
    record = reverse("web:children:detail", args=[stranger.pk])
    asked = client.get(record)
    assert asked.status_code == 302 and asked["Location"].startswith(
        reverse("web:children:purpose", args=[stranger.pk])
    )
    refused = client.post(asked["Location"], {"purpose": "locate", "reason": ""})
    assert "Enter why you need to open this record" in refused.content.decode()
    answered = client.post(asked["Location"], {"purpose": "locate", "reason": "A school outside our team asked"})
    assert answered["Location"] == record
    assert client.get(record).status_code == 200  # asked once per record per sign-in session
    statement = AccessPurpose.objects.get()
    assert (statement.user, statement.subject_id, statement.purpose) == (officer, stranger.pk, "locate")


def test_a_child_in_the_caseload_opens_without_a_question(sign_in, officer, child):
    assert sign_in(officer).get(reverse("web:children:detail", args=[child.pk])).status_code == 200


def test_the_dpo_sees_the_reasons_given_and_the_disclosures(sign_in, officer, child_factory, case_factory, dpo):
    from cme.cases.enums import DecisionKind
    from cme.cases.services import case_escalate

    stranger = child_factory()
    client = sign_in(officer)
    client.post(
        reverse("web:children:purpose", args=[stranger.pk]), {"purpose": "safeguarding", "reason": "Police asked"}
    )
    case = case_factory(officer=officer)
    case_escalate(case=case, actor=officer, kind=DecisionKind.ESCALATE_POLICE, recipient="Police hub", rationale="Risk")
    dpo_client = sign_in(dpo)
    assert "Police asked" in dpo_client.get(reverse("web:privacy:access-purposes")).content.decode()
    assert "Police hub" in dpo_client.get(reverse("web:privacy:disclosures")).content.decode()


def test_the_dpo_searches_the_audit_trail_by_child_and_exports_it(sign_in, officer, child, dpo):
    client = sign_in(officer)
    client.get(reverse("web:children:detail", args=[child.pk]))
    dpo_client = sign_in(dpo)
    page = dpo_client.get(reverse("web:privacy:audit"), {"child_id": child.pk}).content.decode()
    assert "viewed" in page and officer.display_name in page
    export = dpo_client.get(reverse("web:privacy:audit-csv"), {"child_id": child.pk})
    assert export["Content-Type"].startswith("text/csv") and str(child.pk).encode() in export.content
    from cme.audit.models import AuditEntry

    assert AuditEntry.objects.filter(event="audit_exported", actor_id=dpo.pk).exists()
