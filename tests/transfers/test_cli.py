"""`cme transfer`: the stable arguments (export CASE_ID --to COUNCIL --output FILE; import FILE) and the key set-up."""

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from cme.cases.enums import ReferralSource
from cme.cases.models import Referral
from cme.transfers.models import Council, OutgoingTransfer

pytestmark = pytest.mark.django_db


def _run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("transfer", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_keys_are_made_owner_only_and_exported_for_the_other_council(tmp_path, settings, sysadmin):
    printed = _run("keys", "generate", str(tmp_path / "keys"))
    signing = tmp_path / "keys" / "transfer-signing.pem"
    assert f"CME_TRANSFER_SIGNING_KEY_FILE={signing}" in printed
    assert stat.S_IMODE(signing.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="never overwritten"):
        _run("keys", "generate", str(tmp_path / "keys"))

    settings.CME_TRANSFER_COUNCIL_CODE, settings.CME_LA_NAME = "305", "Westam Council"
    settings.CME_TRANSFER_SIGNING_KEY_FILE = str(signing)
    settings.CME_TRANSFER_ENCRYPTION_KEY_FILE = str(tmp_path / "keys" / "transfer-encryption.pem")
    _run("keys", "export", "--output", str(tmp_path / "westam.json"))
    card = json.loads((tmp_path / "westam.json").read_text())
    assert card["format"] == "cme-transfer-council" and card["code"] == "305"
    assert "PRIVATE" not in (tmp_path / "westam.json").read_text()

    settings.CME_TRANSFER_COUNCIL_CODE = "306"  # the other council adds Westam from the file
    added = _run("council", "add", "--file", str(tmp_path / "westam.json"), "--user", sysadmin.username)
    assert "Added Westam Council (305)" in added
    assert card["signing_key_fingerprint"][:4] in _run("council", "list")
    with pytest.raises(CommandError, match="already in the register"):
        _run("council", "add", "--file", str(tmp_path / "westam.json"))


def test_export_and_import_with_the_stable_arguments(councils, transfer_case, officer, manager, tmp_path, monkeypatch):
    package = tmp_path / "out" / "package.json"
    package.parent.mkdir()
    monkeypatch.setenv("CME_USER", officer.username)
    printed = _run("export", str(transfer_case.pk), "--to", "302", "--output", str(package))
    transfer = OutgoingTransfer.objects.get()
    assert transfer.reference in printed and json.loads(package.read_text())["package_id"] == transfer.package_id
    with pytest.raises(CommandError, match="already exists"):
        _run("export", transfer_case.reference, "--to", "Southam Council", "--output", str(package))

    councils.be(councils.southam)
    monkeypatch.setenv("CME_USER", manager.username)
    # In one database Southam already holds the child: the import stops and names who it may be.
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("transfer", "import", str(package), stdout=out, stderr=io.StringIO())
    assert caught.value.returncode == 2 and f"child {transfer_case.child_id}: Maisie Oakhurst" in out.getvalue()
    assert not Referral.objects.filter(source=ReferralSource.OTHER_COUNCIL).exists()

    printed = _run("import", str(package), "--child", str(transfer_case.child_id))
    receipt = package.with_name(f"cme-transfer-receipt-{transfer.package_id}.json")
    assert receipt.exists() and str(receipt) in printed
    assert Referral.objects.get(source=ReferralSource.OTHER_COUNCIL).child_id == transfer_case.child_id
    with pytest.raises(CommandError, match="already been imported") as caught:
        _run("import", str(package))
    assert caught.value.returncode == 1

    councils.be(councils.northam)
    monkeypatch.setenv("CME_USER", officer.username)
    assert "marked received" in _run("import", str(receipt))
    transfer.refresh_from_db()
    assert transfer.received_at is not None
    with pytest.raises(CommandError, match="already been recorded"):
        _run("receipt", str(receipt))


def test_import_refuses_a_file_that_is_not_a_transfer(councils, manager, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x89PNG not json")
    with pytest.raises(CommandError, match="Refused: The file is not a transfer package or receipt") as caught:
        _run("import", str(junk), "--user", manager.username)
    assert caught.value.returncode == 1


def test_export_needs_someone_who_works_on_the_case(councils, transfer_case, partner_user, tmp_path):
    with pytest.raises(CommandError, match="does not work on case"):
        _run("export", str(transfer_case.pk), "--to", "302", "--output", str(tmp_path / "p.json"),
             "--user", partner_user.username)  # fmt: skip
    with pytest.raises(CommandError, match="No council 'Nowhere'"):
        _run("export", str(transfer_case.pk), "--to", "Nowhere", "--output", str(tmp_path / "p.json"))
    assert not Council.objects.filter(name="Nowhere").exists()
