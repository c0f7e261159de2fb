"""Entries as plain English: one sentence per event, with purpose and fields from the detail while it is held."""

import pytest

from cme.audit.events import AuditEvent
from cme.audit.formatters import PURPOSE_PHRASES, SENTENCES, audit_sentence, object_phrase
from cme.audit.models import AuditDetail, AuditEntry
from cme.audit.services import audit_record
from cme.privacy.enums import Purpose

pytestmark = pytest.mark.django_db


def test_every_event_has_a_sentence():
    assert set(SENTENCES) == set(AuditEvent.values)


def test_every_purpose_in_the_privacy_notice_has_a_phrase():
    assert set(PURPOSE_PHRASES) == set(Purpose.values)


def test_a_view_reads_with_its_purpose_reason_and_fields(officer):
    entry = audit_record(
        actor=officer,
        event=AuditEvent.CHILD_VIEWED,
        target_type="people.child",
        target_id=123,
        fields=["date_of_birth", "address"],
        purpose="locate",
        purpose_text="School says the family moved",
    )
    entry = AuditEntry.objects.select_related("detail").get(pk=entry.pk)

    assert audit_sentence(entry, actor_name="Olivia Okafor") == (
        "Olivia Okafor viewed the record of child 123 to find where the child is: “School says the family moved” "
        "(fields: date of birth, address)."
    )


def test_without_a_name_the_username_at_the_time_is_used(officer):
    entry = audit_record(actor=officer, event=AuditEvent.CASE_CLOSED, target_type="cases.case", target_id=7)

    assert audit_sentence(entry) == f"{officer.username} closed case 7."


def test_an_erased_detail_is_mentioned_not_shown(officer):
    entry = audit_record(
        actor=officer, event=AuditEvent.CHILD_VIEWED, target_type="people.child", target_id=1, purpose="locate"
    )
    AuditDetail.objects.all().delete()
    entry = AuditEntry.objects.get(pk=entry.pk)

    assert (
        audit_sentence(entry) == f"{officer.username} viewed the record of child 1 (details erased under the "
        "retention rules)."
    )


def test_a_failed_sign_in_names_the_username_tried_until_it_is_erased():
    entry = audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "o.okafor"})

    assert audit_sentence(AuditEntry.objects.get(pk=entry.pk)) == "Someone signing in as “o.okafor” failed to sign in."
    AuditDetail.objects.all().delete()
    assert audit_sentence(AuditEntry.objects.get(pk=entry.pk)) == (
        "Someone failed to sign in (details erased under the retention rules)."
    )


def test_payload_counts_and_related_objects_are_used(officer, dpo):
    search = audit_record(actor=officer, event=AuditEvent.SEARCH, payload={"results": 3})
    note = audit_record(
        actor=officer, event=AuditEvent.NOTE_ADDED, target_type="cases.note", target_id=5, related=("cases.case", 7)
    )
    erased = audit_record(actor=dpo, event=AuditEvent.AUDIT_DETAILS_ERASED, payload={"count": 12})

    assert audit_sentence(search) == f"{officer.username} searched and saw 3 results."
    assert audit_sentence(note) == f"{officer.username} added file note 5 (on case 7)."
    assert audit_sentence(erased) == f"{dpo.username} erased the personal details of 12 audit entries."


def test_an_unknown_purpose_code_and_object_type_still_read(officer):
    entry = audit_record(
        actor=officer,
        event=AuditEvent.EXPORT,
        target_type="reports.termly_return",
        target_id=3,
        purpose="statutory_return",
    )

    assert audit_sentence(AuditEntry.objects.get(pk=entry.pk)) == (
        f"{officer.username} exported termly return 3 for the purpose “statutory_return”."
    )


def test_object_phrase():
    assert object_phrase("people.child", "123") == "child 123"
    assert object_phrase("", "") == ""
