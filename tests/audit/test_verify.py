"""chain_verify and `cme audit verify`: an intact chain passes; every kind of tampering is caught and named."""

import datetime
import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from cme.audit.events import AuditEvent
from cme.audit.keys import audit_keyring, generate_key, keyring_from
from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry
from cme.audit.services import audit_record
from cme.audit.verify import Problem, chain_verify
from cme.cli import main

from .conftest import triggers_off

pytestmark = pytest.mark.django_db


def test_an_intact_chain_verifies_with_its_details(chain):
    result = chain_verify()

    assert result.ok, result.message
    assert (result.entries_checked, result.details_checked, result.details_erased) == (8, 2, 0)
    assert (result.head_sequence, result.head_hash) == (8, chain[-1].entry_hash)


def test_an_empty_chain_verifies():
    result = chain_verify()

    assert result.ok
    assert result.entries_checked == 0


def test_small_batches_check_the_same_chain(chain):
    assert chain_verify(batch_size=3).entries_checked == 8


def test_unusual_text_verifies_the_same_in_the_database_as_in_python(officer):
    # The verifier lets the database assemble each entry's hashed text; it must match ours character for character.
    audit_record(
        actor=officer,
        event=AuditEvent.NOTE_CORRECTED,
        target_type="cases.note",
        target_id="9:x",
        payload={"naïve": "caf\u00e9 \U0001f600", "quote": "\"'\\", "n": -1.5},
        purpose_text="Line one\nLine two\t— “quoted” 12:34",
        detail={"username": "Zoë"},
    )
    audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "=cmd|' /C calc'!A0"})

    assert chain_verify().ok


def test_an_entry_whose_time_has_no_fraction_of_a_second_verifies(officer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, 0, tzinfo=datetime.UTC), tick=False)

    audit_record(actor=officer, event=AuditEvent.SIGN_IN)

    assert chain_verify().ok


@pytest.mark.parametrize(
    "change",
    [
        {"event": AuditEvent.CASE_REOPENED},
        {"payload": '{"length":1}'},
        {"occurred_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
        {"actor_username": "someone-else"},
        {"subject_child_id": 999},
    ],
    ids=["event", "payload", "time", "actor", "child"],
)
def test_an_altered_entry_is_named(chain, change):
    with triggers_off():
        AuditEntry.objects.filter(pk=4).update(**change)

    result = chain_verify()

    assert not result.ok
    assert (result.problem, result.sequence) == (Problem.ALTERED, 4)
    assert "Entry 4 was altered" in result.message
    assert result.entries_checked == 3


def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_link_to_the_next(chain):
    from cme.audit.verify import entry_hash_recompute

    with triggers_off():
        AuditEntry.objects.filter(pk=4).update(event=AuditEvent.CASE_REOPENED)
        forged = AuditEntry.objects.get(pk=4)
        AuditEntry.objects.filter(pk=4).update(entry_hash=entry_hash_recompute(forged))

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.BROKEN_LINK, 5)
    assert "Entry 4 was altered and its hash rewritten" in result.message


def test_a_removed_entry_is_named(chain):
    with triggers_off():
        AuditEntry.objects.filter(pk=3).delete()

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.REMOVED, 3)
    assert result.message == "Entry 3 is missing: removed from the chain."


def test_several_removed_entries_are_named_as_a_range(chain):
    with triggers_off():
        AuditEntry.objects.filter(pk__in=[3, 4]).delete()

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.REMOVED, 3)
    assert "Entries 3 to 4 are missing" in result.message


def test_removing_the_newest_entries_is_caught_by_the_head(chain):
    with triggers_off():
        AuditEntry.objects.filter(pk__in=[7, 8]).delete()

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.HEAD_MISMATCH, 7)
    assert "Entries 7 to 8 are missing" in result.message


def test_reordered_entries_are_named(chain):
    with triggers_off():
        AuditEntry.objects.filter(pk=3).update(sequence=1000)
        AuditEntry.objects.filter(pk=4).update(sequence=3)
        AuditEntry.objects.filter(pk=1000).update(sequence=4)

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.REORDERED, 3)
    assert "now numbered 4" in result.message


def test_an_altered_detail_is_named(chain):
    with triggers_off():
        AuditDetail.objects.filter(entry_id=5).update(purpose="safeguarding")

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.DETAIL_ALTERED, 5)
    assert "detail of entry 5 was altered" in result.message


def test_a_detail_added_to_an_entry_that_had_none_is_named(chain):
    AuditDetail.objects.create(entry_id=3, salt="0" * 32, purpose="locate")

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.DETAIL_UNCOMMITTED, 3)


def test_an_erased_detail_is_counted_not_an_error(chain):
    AuditDetail.objects.filter(entry_id=2).delete()

    result = chain_verify()

    assert result.ok
    assert (result.details_checked, result.details_erased) == (1, 1)


def test_a_deleted_head_is_named(chain):
    with triggers_off():
        AuditChainHead.objects.all().delete()

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.HEAD_MISSING, 1)


def test_entries_name_their_key_and_an_older_key_kept_in_the_list_still_verifies_them(officer):
    first = audit_record(actor=officer, event=AuditEvent.SIGN_IN)
    newer = generate_key()
    with override_settings(CME_AUDIT_KEYS=[newer, *settings.CME_AUDIT_KEYS]):
        second = audit_record(actor=officer, event=AuditEvent.SIGN_OUT)
        assert chain_verify().ok
    assert first.key_id != second.key_id
    assert second.key_id == keyring_from((newer,)).newest_id

    result = chain_verify()  # the newer key is gone from the list: its entry cannot be checked

    assert (result.problem, result.sequence) == (Problem.UNKNOWN_KEY, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET event = 'sign_out' WHERE sequence = 1",
        "DELETE FROM audit_auditentry WHERE sequence = 8",
        "UPDATE audit_auditdetail SET purpose = 'analytics'",
        "DELETE FROM audit_auditchainhead",
    ],
)
def test_postgresql_refuses_changes_to_the_chain(chain, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert chain_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_postgresql_lets_retention_delete_a_detail(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditdetail WHERE entry_id = 2")

    assert chain_verify().details_erased == 1


def test_the_command_prints_a_summary_and_exits_zero_for_an_intact_chain(chain):
    out = io.StringIO()

    call_command("audit", "verify", stdout=out)

    assert "The audit chain is intact: 8 entries checked, 2 details checked, 0 details erased" in out.getvalue()
    assert f"Head: entry 8, hash {chain[-1].entry_hash}" in out.getvalue()


def test_the_command_exits_one_naming_the_first_bad_entry(chain):
    with triggers_off():
        AuditEntry.objects.filter(pk=6).update(target_id="9")
        AuditEntry.objects.filter(pk=7).delete()
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--batch-size", "2", stderr=err)

    assert exit_.value.code == 1
    assert "The audit chain is broken at entry 6 (altered)." in err.getvalue()
    assert "Before it: 5 entries checked" in err.getvalue()


def test_cme_audit_verify_from_the_console_script(chain, monkeypatch):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's connection (see tests/cli)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out):
        main(["audit", "verify"])
    assert "intact" in out.getvalue()

    with triggers_off():
        AuditEntry.objects.filter(pk=3).delete()
    with redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(["audit", "verify"])
    assert exit_.value.code == 1
    assert "Entry 3 is missing" in err.getvalue()


def test_an_entry_rewritten_with_the_separator_inside_a_field_is_caught_even_with_a_matching_hash(chain):
    # Someone rewrites the newest entry, its hash and the head consistently, smuggling the field separator into a
    # field: only the separator count can tell.
    from cme.audit.chain import SEPARATOR, entry_message, entry_parts

    last = AuditEntry.objects.get(pk=8)
    last.target_type = f"cases.case{SEPARATOR}"
    forged = audit_keyring().newest(entry_message(last.key_id, entry_parts(last)).encode())
    with triggers_off():
        AuditEntry.objects.filter(pk=8).update(target_type=last.target_type, entry_hash=forged)
        AuditChainHead.objects.update(last_hash=forged)

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.ALTERED, 8)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_check_reads_ahead_on_a_second_connection(officer):
    for n in range(30):
        audit_record(actor=officer, event=AuditEvent.SEARCH, payload={"results": n}, fields=["name"] if n % 3 else ())

    result = chain_verify(batch_size=7, prefetch=True)  # several pages: the reader hands over more than one

    assert result.ok, result.message
    assert (result.entries_checked, result.details_checked) == (30, 20)


@pytest.mark.django_db(transaction=True)
def test_reading_ahead_stops_cleanly_at_the_first_problem(officer):
    for _ in range(30):
        audit_record(actor=officer, event=AuditEvent.SIGN_IN)
    with triggers_off():
        AuditEntry.objects.filter(pk=3).update(event=AuditEvent.SIGN_OUT)

    result = chain_verify(batch_size=2, prefetch=True)

    assert (result.problem, result.sequence) == (Problem.ALTERED, 3)
