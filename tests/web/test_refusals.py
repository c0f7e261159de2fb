"""Refusals on the pages are audited: a record refused by the role check (403) or by its door (404)."""

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _after(sequence: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(sequence__gt=sequence).order_by("sequence"))


def _head() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_an_officer_refused_a_managers_action_on_their_own_case_is_audited(sign_in, officer, case_factory):
    case = case_factory(officer=officer)
    client = sign_in(officer)
    before = _head()

    response = client.get(reverse("web:cases:reallocate", args=[case.pk]))

    assert response.status_code == 403
    refusals = [e for e in _after(before) if e.event == AuditEvent.ACCESS_REFUSED]
    assert [(e.target_type, e.target_id, e.payload_data) for e in refusals] == [
        ("cases.case", str(case.pk), {"refusal": "not_permitted", "status": 403, "route": "web:cases:reallocate"})
    ]


def test_a_childs_page_refused_to_a_role_without_childrens_records_is_not_found_and_audited(sign_in, dpo, child):
    client = sign_in(dpo)
    before = _head()

    response = client.get(reverse("web:children:detail", args=[child.pk]))

    assert response.status_code == 404
    assert child.family_name not in response.content.decode()
    assert [(e.event, e.target_id, e.subject_child_id) for e in _after(before)] == [
        (AuditEvent.ACCESS_REFUSED, str(child.pk), child.pk)
    ]


def test_a_refused_list_page_names_no_record_and_is_not_audited(sign_in, school_user):
    client = sign_in(school_user)
    before = _head()
    assert client.get(reverse("web:cases:list")).status_code == 403
    assert _after(before) == []


def test_an_id_no_record_can_have_is_not_found_and_audited_without_naming_it(sign_in, officer):
    client = sign_in(officer)
    before = _head()

    response = client.get(reverse("web:children:detail", args=[10**30]))

    assert response.status_code == 404
    (entry,) = _after(before)
    assert (entry.event, entry.target_id, entry.subject_child_id) == (AuditEvent.ACCESS_REFUSED, "", None)
    assert entry.payload_data == {"refusal": "not_found", "id": "impossible"}
