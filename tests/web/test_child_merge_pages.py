"""The merge pages: choose the other record, compare side by side, merge (a manager) or propose (an officer), undo."""

import datetime

import pytest
from django.urls import reverse

from cme.people.enums import ChildMergeState
from cme.people.models import Child, ChildMerge

pytestmark = pytest.mark.django_db

BORN = datetime.date(2015, 9, 1)


@pytest.fixture
def records(child_factory, case_factory, note_factory, manager):
    survivor = child_factory(given_name="William", family_name="Wrenfield", date_of_birth=BORN, upn="")
    merged = child_factory(given_name="Billy", family_name="Wrenfield", date_of_birth=BORN, nhs_number="9434765919")
    note_factory(case=case_factory(child=merged, officer=manager))
    case_factory(child=survivor, officer=manager)  # both in the manager's caseload
    return survivor, merged


def test_a_manager_compares_merges_and_undoes(records, manager, sign_in):
    survivor, merged = records
    client = sign_in(manager)
    url = reverse("web:children:merge", args=[survivor.pk])

    chooser = client.get(url)
    assert chooser.status_code == 200
    assert f"?other={merged.pk}" in chooser.text  # offered from the possible duplicates

    compare = client.get(url, {"other": merged.pk})
    assert compare.status_code == 200
    assert "Different" in compare.text and "1 cases" in compare.text and "1 notes (with their cases)" in compare.text
    assert "twins or siblings" not in compare.text.split("<form")[0]  # Billy is William: no warning

    body = {"other": merged.pk, "survivor_version": survivor.version, "merged_version": merged.version}
    missing = client.post(url, {**body, "rationale": ""})
    assert missing.status_code == 200 and "Enter why these records are one child" in missing.text

    done = client.post(url, {**body, "rationale": "Same NHS number and address; the school confirmed"})
    assert done.status_code == 302, done.text[done.text.find("govuk-error-summary") :][:1500]
    assert done["Location"] == reverse("web:children:detail", args=[survivor.pk])
    assert Child.objects.get(pk=merged.pk).merged_into_id == survivor.pk

    page = client.get(reverse("web:children:detail", args=[survivor.pk]))
    assert "Same NHS number and address; the school confirmed" in page.text
    assert reverse("web:children:merge-undo", args=[survivor.pk]) in page.text
    pointer = client.get(reverse("web:children:detail", args=[merged.pk]))
    assert "This record was merged into another" in pointer.text
    assert reverse("web:children:detail", args=[survivor.pk]) in pointer.text

    undo_url = reverse("web:children:merge-undo", args=[survivor.pk])
    merge = ChildMerge.objects.get()
    assert client.get(undo_url).status_code == 200
    undone = client.post(undo_url, {"merge": merge.pk, "rationale": "Two children: the GP has two records"})
    assert undone.status_code == 302
    assert Child.objects.get(pk=merged.pk).merged_into_id is None and merged.cases.count() == 1
    assert "nothing to undo" in client.get(undo_url).text


def test_twins_need_the_managers_explicit_confirmation(child_factory, case_factory, manager, sign_in):
    one = child_factory(given_name="Isla", family_name="Penhallow", date_of_birth=BORN, sex="F")
    two = child_factory(given_name="Rowan", family_name="Penhallow", date_of_birth=BORN, sex="M")
    case_factory(child=one, officer=manager)
    case_factory(child=two, officer=manager)
    client = sign_in(manager)
    url = reverse("web:children:merge", args=[one.pk])
    compare = client.get(url, {"other": two.pk})
    assert "may be twins" in compare.text and "warnings_confirmed" in compare.text
    body = {"other": two.pk, "survivor_version": 1, "merged_version": 1, "rationale": "Same child"}
    refused = client.post(url, body)
    assert refused.status_code == 200 and "Confirm that they are one child" in refused.text
    assert not ChildMerge.objects.exists()
    assert client.post(url, {**body, "warnings_confirmed": "on"}).status_code == 302
    assert ChildMerge.objects.get().warnings_confirmed


def test_an_officer_proposes_and_a_manager_declines(records, officer, manager, sign_in, client):
    survivor, merged = records
    url = reverse("web:children:merge", args=[survivor.pk])
    for child in (survivor, merged):
        child.cases.update(officer=officer)
    sign_in(officer)
    body = {"other": merged.pk, "survivor_version": 1, "merged_version": 1, "rationale": "Looks like the same boy"}
    assert client.post(url, body).status_code == 302
    proposal = ChildMerge.objects.get()
    assert proposal.state == ChildMergeState.PROPOSED and Child.objects.get(pk=merged.pk).merged_into is None
    client.logout()
    for child in (survivor, merged):
        child.cases.update(officer=manager)
    sign_in(manager)
    assert "Looks like the same boy" in client.get(reverse("web:children:detail", args=[survivor.pk])).text
    declined = client.post(
        url, {"other": merged.pk, "decision": "decline", "decline_rationale": "Cousins with the same name"}
    )
    assert declined.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ChildMergeState.DECLINED and proposal.decided_by == manager


@pytest.mark.parametrize("other", ["abc", "-1", "0", "99999999999999999999"])
def test_nonsense_for_the_other_record_redisplays_the_chooser(records, manager, sign_in, other):
    survivor, _ = records
    response = sign_in(manager).get(reverse("web:children:merge", args=[survivor.pk]), {"other": other})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "govuk-error-summary" in response.text


def test_the_same_record_is_refused(records, manager, sign_in):
    survivor, _ = records
    response = sign_in(manager).get(reverse("web:children:merge", args=[survivor.pk]), {"other": survivor.pk})
    assert response.status_code == 200 and "cannot be merged with itself" in response.text


def test_the_survivors_audit_trail_includes_the_merged_records_entries(records, manager, dpo, sign_in):
    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record
    from cme.people.merging import child_merge

    survivor, merged = records
    audit_record(actor=manager, event=AuditEvent.CHILD_CHANGED, target=merged, fields=["first_language"])
    child_merge(
        actor=manager,
        survivor=survivor,
        merged=merged,
        rationale="One child",
        survivor_version=survivor.version,
        merged_version=merged.version,
    )
    page = sign_in(dpo).get(reverse("web:privacy:audit"), {"child_id": survivor.pk})
    assert page.status_code == 200
    assert f"child {merged.pk}" in page.text or str(merged) in page.text
    assert "changed the record of" in page.text
