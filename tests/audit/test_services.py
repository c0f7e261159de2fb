"""audit_record: one chained entry per event, its personal detail kept apart, written in the caller's transaction."""

import json

import pytest
from django.db import transaction

from cme.audit.chain import GENESIS_HASH
from cme.audit.events import AuditEvent
from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry
from cme.audit.services import audit_details_erase, audit_record, audit_record_read
from cme.audit.verify import chain_verify, entry_hash_recompute

pytestmark = pytest.mark.django_db


def test_entries_are_numbered_from_one_and_each_names_the_hash_of_the_one_before(officer):
    first = audit_record(actor=officer, event=AuditEvent.SIGN_IN)
    second = audit_record(actor=officer, event=AuditEvent.SIGN_OUT)

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert entry_hash_recompute(AuditEntry.objects.get(pk=2)) == second.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (2, second.entry_hash)


def test_the_entry_holds_who_and_what_and_the_detail_holds_the_personal_part(officer):
    entry = audit_record(
        actor=officer,
        event=AuditEvent.CHILD_VIEWED,
        target_type="people.child",
        target_id=123,
        fields=["date_of_birth", "address"],
        purpose="locate",
        purpose_text="School says the family moved",
    )

    entry = AuditEntry.objects.select_related("detail").get(pk=entry.sequence)
    assert (entry.actor_id, entry.actor_username) == (officer.pk, officer.username)
    assert (entry.event, entry.target_type, entry.target_id) == ("child_viewed", "people.child", "123")
    assert entry.subject_child_id == 123
    assert entry.payload == "{}"
    assert "date_of_birth" not in entry.payload and "locate" not in entry.payload
    detail = entry.detail
    assert detail.fields == ["date_of_birth", "address"]
    assert (detail.purpose, detail.purpose_text) == ("locate", "School says the family moved")
    assert len(detail.salt) == 32
    assert len(entry.detail_hash) == 64


def test_an_entry_with_nothing_personal_has_no_detail(officer):
    entry = audit_record(actor=officer, event=AuditEvent.SIGN_IN)

    assert entry.detail_hash == ""
    assert not AuditDetail.objects.exists()


def test_a_model_instance_as_target_gives_its_type_and_id_and_the_child_it_is_about(officer, child, case_factory):
    case = case_factory(child=child)

    child_entry = audit_record(actor=officer, event=AuditEvent.CHILD_CHANGED, target=child, fields=["sex"])
    case_entry = audit_record(actor=officer, event=AuditEvent.CASE_CHANGED, target=case, related=child)

    assert (child_entry.target_type, child_entry.target_id, child_entry.subject_child_id) == (
        "people.child",
        str(child.pk),
        child.pk,
    )
    assert (case_entry.target_type, case_entry.subject_child_id) == ("cases.case", child.pk)
    assert (case_entry.related_type, case_entry.related_id) == ("people.child", str(child.pk))


def test_a_failed_sign_in_has_no_actor_and_keeps_the_username_tried_only_in_the_detail():
    entry = audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "olivia.okafor"})

    entry = AuditEntry.objects.get(pk=entry.sequence)
    assert (entry.actor_id, entry.actor_username) == (None, "")
    assert "olivia" not in entry.payload
    assert entry.detail.data_dict == {"username": "olivia.okafor"}


def test_deleting_the_user_leaves_the_entry_and_its_username_snapshot(user_factory):
    user = user_factory(username="leaver")
    entry = audit_record(actor=user, event=AuditEvent.SIGN_IN)
    user_id = user.pk

    user.delete()

    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_username) == (user_id, "leaver")
    assert chain_verify().ok


def test_a_rolled_back_change_leaves_no_entry_and_the_next_entry_is_still_number_one(officer):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(
            actor=officer,
            event=AuditEvent.CASE_CLOSED,
            target_type="cases.case",
            target_id=1,
            purpose_text="Found on the roll of a school in Leeds",
        )
        raise RuntimeError("the change failed")

    assert not AuditEntry.objects.exists()
    assert not AuditDetail.objects.exists()
    assert audit_record(actor=officer, event=AuditEvent.SIGN_IN).sequence == 1


def test_a_failing_audit_write_fails_the_callers_transaction_too(officer, monkeypatch):
    # No change without its entry: the caller's atomic block must not commit when the entry could not be written.
    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=officer, event=AuditEvent.SIGN_IN)
        monkeypatch.setattr("cme.audit.services._write", refuse)
        audit_record(actor=officer, event=AuditEvent.SIGN_OUT)

    monkeypatch.undo()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"event": "child_peeked"}, "not an audit event"),
        ({"event": AuditEvent.CHILD_VIEWED, "target_type": "Child", "target_id": 1}, "not an object type"),
        ({"event": AuditEvent.CHILD_VIEWED, "purpose": "Just curious"}, "not a purpose code"),
        ({"event": AuditEvent.CHILD_VIEWED, "payload": {"fields": ["address"]}}, "may not hold fields"),
        ({"event": AuditEvent.EXPORT, "payload": {"ids": list(range(1000))}}, "may not exceed"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(officer, arguments, message):
    with pytest.raises(ValueError, match=message):
        audit_record(actor=officer, **arguments)
    assert not AuditEntry.objects.exists()


def test_an_unsaved_target_is_refused(officer, child_factory):
    with pytest.raises(ValueError, match="no id yet"):
        audit_record(actor=officer, event=AuditEvent.CHILD_CREATED, target=child_factory.build())


def test_the_separator_is_refused_in_ids_and_replaced_in_a_persons_own_words(officer):
    with pytest.raises(ValueError, match="U\\+001F"):
        audit_record(actor=officer, event=AuditEvent.CASE_VIEWED, target_type="cases.case", target_id="7\x1f8")

    entry = audit_record(actor=officer, event=AuditEvent.CASE_VIEWED, purpose_text="pasted\x1ftext")

    assert entry.detail.purpose_text == "pasted text"
    assert chain_verify().ok


def test_the_payload_is_stored_as_canonical_json(officer):
    entry = audit_record(actor=officer, event=AuditEvent.EXPORT, payload={"rows": 3, "format": "csv", "ids": [2, 1]})

    assert entry.payload == '{"format":"csv","ids":[2,1],"rows":3}'
    assert entry.payload_data == {"format": "csv", "ids": [2, 1], "rows": 3}


def test_recording_a_read_takes_the_event_from_the_kind_of_record(officer, child):
    entry = audit_record_read(actor=officer, target=child, purpose="locate", purpose_text="Checking the address")

    assert entry.event == AuditEvent.CHILD_VIEWED
    assert entry.subject_child_id == child.pk


def test_recording_a_read_refuses_a_change_event(officer, child):
    with pytest.raises(ValueError, match="not a read"):
        audit_record_read(actor=officer, target=child, event=AuditEvent.CHILD_CHANGED)


def test_erasing_details_keeps_the_chain_whole_and_is_itself_recorded(chain, dpo):
    erased = audit_details_erase(actor=dpo, sequences=[2, 5, 6])

    assert erased == 2  # entry 6 had no detail
    assert not AuditDetail.objects.filter(entry_id__in=[2, 5]).exists()
    last = AuditEntry.objects.first()
    assert last.event == AuditEvent.AUDIT_DETAILS_ERASED
    assert json.loads(last.payload) == {"count": 2, "first": 2, "last": 6}
    result = chain_verify()
    assert result.ok
    assert (result.details_erased, result.details_checked) == (2, 0)
