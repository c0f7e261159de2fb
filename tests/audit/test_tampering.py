"""A database administrator who alters an entry, re-hashes the rest of the chain and moves the head is caught:
without the audit key by the HMAC, and even holding it by the signed checkpoints kept outside the database."""

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from cme.audit.chain import detail_message, detail_parts, entry_message, entry_parts
from cme.audit.checkpoints import checkpoint_write, checkpoints_check
from cme.audit.events import AuditEvent
from cme.audit.keys import _sha256, keyring_from, signing_key_generate
from cme.audit.models import AuditChainHead, AuditEntry
from cme.audit.services import audit_record
from cme.audit.verify import Problem, chain_verify

from .conftest import triggers_off

pytestmark = pytest.mark.django_db

# Someone who reads the application's configuration could use the real key; the attacker here guesses one.
GUESSED_KEY = "Z3Vlc3NlZC1ieS1hLWRhdGFiYXNlLWFkbWluLTAwMDA="


def rewrite(start: int, *, digest, key_id: str | None = None, change=None) -> None:
    """Alter entry `start` (with `change`), re-hash it and every entry after it with `digest`, move the head."""
    entries = list(AuditEntry.objects.filter(sequence__gte=start).order_by("sequence"))
    previous = AuditEntry.objects.get(sequence=start - 1).entry_hash if start > 1 else "0" * 64
    with triggers_off():
        for entry in entries:
            if change is not None and entry.sequence == start:
                change(entry)
            if key_id is not None:
                entry.key_id = key_id
            if entry.detail_or_none is not None:  # the detail's hash is keyed too: re-hash it alike
                entry.detail_hash = digest(detail_message(detail_parts(entry.detail)).encode())
            entry.previous_hash = previous
            entry.entry_hash = digest(entry_message(entry.key_id, entry_parts(entry)).encode())
            AuditEntry.objects.filter(pk=entry.pk).update(
                target_id=entry.target_id,
                key_id=entry.key_id,
                detail_hash=entry.detail_hash,
                previous_hash=entry.previous_hash,
                entry_hash=entry.entry_hash,
            )
            previous = entry.entry_hash
        AuditChainHead.objects.update(last_hash=previous)


def retarget(entry: AuditEntry) -> None:
    entry.target_id = "999"  # the record someone opened is now another child's


@pytest.fixture
def signing_key_file(tmp_path):
    path = tmp_path / "signing.pem"
    signing_key_generate(path)
    with override_settings(CME_AUDIT_SIGNING_KEY_FILE=str(path)):
        yield path


def test_entries_are_keyed_with_the_newest_audit_key(chain):
    assert {entry.key_id for entry in chain} == {keyring_from(tuple(settings.CME_AUDIT_KEYS)).newest_id}


def test_a_rewrite_without_the_key_is_caught_by_the_hmac(chain):
    rewrite(2, digest=keyring_from((GUESSED_KEY,)).newest, change=retarget)

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.ALTERED, 2)


def test_a_rewrite_as_unkeyed_entries_after_keyed_ones_is_caught(chain):
    rewrite(3, digest=_sha256, key_id="", change=retarget)

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.UNKEYED, 3)


def test_a_whole_chain_rewritten_as_unkeyed_is_caught_because_its_newest_entry_is_unkeyed(chain):
    rewrite(1, digest=_sha256, key_id="", change=retarget)

    result = chain_verify()

    assert (result.problem, result.sequence) == (Problem.UNKEYED, 8)


def test_a_rewrite_with_the_key_passes_the_hash_check_but_contradicts_an_earlier_checkpoint(
    chain, signing_key_file, tmp_path
):
    checkpoints = tmp_path / "checkpoints"
    first = checkpoint_write(directory=checkpoints)
    audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "someone"})
    checkpoint_write(directory=checkpoints)

    rewrite(2, digest=keyring_from(tuple(settings.CME_AUDIT_KEYS)).newest, change=retarget)

    assert chain_verify().ok  # the key itself was stolen: only the checkpoints can tell
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--checkpoints", str(checkpoints), stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "contradicts a checkpoint (rewritten)" in err.getvalue()
    assert f"Checkpoint {first.path.name} (entry 8," in err.getvalue()  # the first one, at entry 8
    assert "rewritten at or before entry 8" in err.getvalue()


def test_a_truncated_chain_with_its_head_moved_back_contradicts_a_checkpoint(chain, signing_key_file, tmp_path):
    written = checkpoint_write(directory=tmp_path)
    with triggers_off():
        AuditEntry.objects.filter(sequence__gte=7).delete()
        AuditChainHead.objects.update(last_sequence=6, last_hash=chain[5].entry_hash)
    assert chain_verify().ok

    checked, problem = checkpoints_check(directory=tmp_path, head_sequence=6)

    assert (checked, problem.kind, problem.checkpoint.path) == (0, "truncated", written.path)
    assert "the chain now ends at entry 6" in problem.message


def test_a_checkpoint_altered_to_match_a_rewritten_chain_is_not_signed(chain, signing_key_file, tmp_path):
    written = checkpoint_write(directory=tmp_path)
    document = json.loads(written.path.read_text())
    document["hash"] = "f" * 64
    written.path.write_text(json.dumps(document))

    _, problem = checkpoints_check(directory=tmp_path, head_sequence=8)

    assert problem.kind == "unsigned"
    assert "not signed by the audit signing key" in problem.message


def test_an_intact_chain_extends_every_checkpoint(chain, signing_key_file, tmp_path):
    call_command("audit", "checkpoint", "--output", str(tmp_path), stdout=io.StringIO())
    audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "someone"})
    out = io.StringIO()
    call_command("audit", "checkpoint", "--output", str(tmp_path), stdout=out)
    assert "Head: entry 9" in out.getvalue()

    out = io.StringIO()
    call_command("audit", "verify", "--checkpoints", str(tmp_path), stdout=out)

    assert "The chain extends every checkpoint in" in out.getvalue() and "(2 checked)" in out.getvalue()
    assert len(list(tmp_path.glob("audit-checkpoint-*.json"))) == 2


def test_a_checkpoint_needs_the_signing_key(chain, tmp_path):
    with override_settings(CME_AUDIT_SIGNING_KEY_FILE=""), pytest.raises(CommandError, match="not set"):
        call_command("audit", "checkpoint", "--output", str(tmp_path), stdout=io.StringIO())


def test_the_signing_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "key.pem"
    call_command("audit", "generate-signing-key", str(path), stdout=io.StringIO())
    assert path.stat().st_mode & 0o777 == 0o600

    with pytest.raises(CommandError, match="never overwritten"):
        call_command("audit", "generate-signing-key", str(path), stdout=io.StringIO())


def test_a_chain_made_before_keys_verifies_after_the_migration_marks_the_first_keyed_entry(officer):
    # Entries as the chain held them before this change: no key id, plain SHA-256, the v1 message.
    chain = [audit_record(actor=officer, event=AuditEvent.SIGN_IN) for _ in range(3)]
    rewrite(1, digest=_sha256, key_id="")
    assert chain_verify().problem == Problem.UNKEYED  # not yet marked
    migration = __import__("cme.audit.migrations.0005_keyed_entries", fromlist=["mark_first_keyed_entry"])

    migration.mark_first_keyed_entry(apps, SimpleNamespace(connection=SimpleNamespace(alias="default")))

    result = chain_verify()
    assert result.ok, result.message
    assert (result.entries_checked, result.unkeyed_entries) == (4, 3)
    marker = AuditEntry.objects.get(sequence=4)
    assert marker.event == AuditEvent.AUDIT_CHAIN_KEYED
    assert marker.key_id and marker.payload_data == {"unkeyed_entries": 3}
    assert len(chain) == 3


def test_the_keyed_hash_is_hmac_sha_256():
    import base64
    import hmac

    key = GUESSED_KEY
    digest = keyring_from((key,)).newest
    message = "cme.audit.entry.v2\x1f…".encode()

    assert digest(message) == hmac.digest(base64.urlsafe_b64decode(key), message, "sha256").hex()


def test_the_daily_task_writes_a_checkpoint_into_the_configured_directory(chain, signing_key_file, tmp_path):
    from cme.audit.tasks import audit_checkpoint_daily

    with override_settings(CME_AUDIT_CHECKPOINT_DIR=str(tmp_path / "daily")):
        written = audit_checkpoint_daily.call()

    assert json.loads(Path(written).read_text())["sequence"] == 8
    assert "cme.audit.tasks.audit_checkpoint_daily" in settings.CME_DAILY_TASKS


def test_the_daily_task_writes_nothing_until_configured(chain, tmp_path):
    from cme.audit.tasks import audit_checkpoint_daily

    with override_settings(CME_AUDIT_CHECKPOINT_DIR="", CME_AUDIT_SIGNING_KEY_FILE=""):
        assert audit_checkpoint_daily.call() == ""
