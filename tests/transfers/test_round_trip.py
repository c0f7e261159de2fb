"""A case moves from Northam to Southam and the receipt comes back: each step checked, refused files refused."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, Outcome, ReferralSource
from cme.cases.models import Referral
from cme.common.errors import ApplicationError
from cme.people.models import Child
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure, DisclosureSubject
from cme.transfers import crypto
from cme.transfers.enums import IncomingState
from cme.transfers.models import Council, IncomingTransfer
from cme.transfers.services import TransferRefused, transfer_import, transfer_make

pytestmark = pytest.mark.django_db


def _make(councils, case, officer, **kwargs):
    councils.be(councils.northam)
    southam = Council.objects.get(code=councils.southam.code)
    return transfer_make(actor=officer, case=case, council=southam, rationale="Moved to Southam", **kwargs).transfer


def _open(councils, data: bytes) -> dict:
    """What Southam reads inside the package (the test's own look, with Southam's key)."""
    envelope = json.loads(data)
    return crypto.package_open(
        envelope,
        encryption_key=councils.southam.keys.encryption,
        sender_signing_key=councils.northam.keys.signing_public,
    )


def test_a_case_goes_to_another_council_and_the_receipt_comes_back(councils, transfer_case, officer, manager):
    transfer = _make(councils, transfer_case, officer)
    data = bytes(transfer.package)
    envelope = json.loads(data)
    assert envelope["format"] == "cme-transfer-package" and envelope["version"] == 1
    assert envelope["recipient"]["code"] == "302" and envelope["sender"]["code"] == "301"
    assert "Maisie" not in data.decode()  # encrypted: the child's name is not in the file

    councils.be(councils.southam)
    result = transfer_import(actor=manager, data=data, new_child_reason="Northam's record of the same child")
    incoming = result.incoming
    assert incoming.state == IncomingState.RECEIVED and bytes(incoming.package) == b""
    referral = incoming.referral
    assert referral.source == ReferralSource.OTHER_COUNCIL
    assert referral.referrer_organisation == "Northam Council"
    assert referral.safeguarding_concern  # on a child protection plan
    assert "Tenancy ended; forwarding address in Southam." in referral.concerns
    assert referral.carers[0]["name"] == "Dana Oakhurst"
    assert referral.child_id != transfer_case.child_id  # a new record, as the officer said
    receipt = json.loads(bytes(incoming.receipt))
    assert receipt["package_id"] == transfer.package_id and receipt["sender"]["code"] == "302"

    councils.be(councils.northam)
    back = transfer_import(actor=officer, data=bytes(incoming.receipt))
    assert back.is_receipt and back.transfer.pk == transfer.pk
    transfer.refresh_from_db()
    assert transfer.received_at is not None and transfer.receipt_reference == f"Referral {referral.pk}"
    assert AuditEntry.objects.filter(event=AuditEvent.TRANSFER_RECEIPT_RECORDED, target_id=str(transfer.pk)).exists()


def test_the_sender_records_a_decision_and_a_disclosure_and_the_receiver_a_receipt(
    councils, transfer_case, officer, manager
):
    transfer = _make(councils, transfer_case, officer)
    assert transfer_case.decisions.filter(kind=DecisionKind.REFER_OTHER_COUNCIL).exists()
    out = Disclosure.objects.get(direction=Direction.SHARED_OUT, cause_id=transfer.pk)
    assert out.organisation == "Southam Council"
    child_type = ContentType.objects.get_for_model(Child)
    assert DisclosureSubject.objects.filter(disclosure=out, subject_type=child_type, subject_id=transfer_case.child_id)

    councils.be(councils.southam)
    incoming = transfer_import(actor=manager, data=bytes(transfer.package), new_child_reason="Their record").incoming
    received = Disclosure.objects.get(
        direction=Direction.RECEIVED_IN, cause_type=ContentType.objects.get_for_model(IncomingTransfer)
    )
    assert received.organisation == "Northam Council" and received.cause_id == incoming.pk
    assert DisclosureSubject.objects.filter(
        disclosure=received, subject_type=child_type, subject_id=incoming.referral.child_id
    )


def test_file_notes_stay_behind_unless_the_officer_chooses_to_send_them(councils, transfer_case, officer):
    without = _open(councils, bytes(_make(councils, transfer_case, officer).package))
    assert without["notes"] == [] and without["notes_included"] is False
    assert "Grandmother" not in json.dumps(without)
    with_notes = _open(councils, bytes(_make(councils, transfer_case, officer, include_notes=True).package))
    assert [note["text"] for note in with_notes["notes"]] == [
        "Grandmother says they moved in with her uncle privately."
    ]


def test_the_duplicate_check_finds_the_child_already_known(councils, transfer_case, officer, manager):
    # In one database Southam already holds the child Northam sends: the check must find them.
    transfer = _make(councils, transfer_case, officer)
    councils.be(councils.southam)
    result = transfer_import(actor=manager, data=bytes(transfer.package))
    assert result.waiting and transfer_case.child_id in [d.id for d in result.duplicates]
    assert not Referral.objects.filter(source=ReferralSource.OTHER_COUNCIL).exists()

    # Importing the file again while it waits carries on; choosing the known child opens the referral on them.
    done = transfer_import(actor=manager, data=bytes(transfer.package), child_id=transfer_case.child_id)
    assert done.incoming.state == IncomingState.RECEIVED
    assert done.incoming.referral.child_id == transfer_case.child_id
    assert Child.objects.filter(family_name="Oakhurst").count() == 1


def test_a_new_child_whose_upn_another_record_holds_is_refused_in_words(councils, transfer_case, officer, manager):
    transfer_case.child.upn = "B801200005001"
    transfer_case.child.save(update_fields=["upn"])
    transfer = _make(councils, transfer_case, officer)
    councils.be(councils.southam)
    with pytest.raises(ApplicationError, match="UPN B801200005001 is already on the record"):
        transfer_import(actor=manager, data=bytes(transfer.package), new_child_reason="Another child")
    assert IncomingTransfer.objects.get().state == IncomingState.WAITING


def test_a_child_nobody_holds_becomes_a_new_record_without_asking(councils, officer, manager):
    southam = Council.objects.get(code="302")
    keys = councils.northam.keys
    payload = {
        "payload_version": 1,
        "child": {"given_name": "Zephyrine", "family_name": "Quillfeather", "date_of_birth": "2014-02-03", "sex": "F"},
        "carers": [],
        "case": {"reference": "CME-000099"},
        "enquiries": [],
        "decisions": [],
        "notes": [],
    }
    _package_id, data = crypto.package_seal(
        payload=payload,
        sender=crypto.Party(code="301", name="Northam Council", key=keys.signing_public),
        recipient=crypto.Party(code="302", name=southam.name, key=councils.southam.keys.encryption_public),
        signing_key=keys.signing,
    )
    councils.be(councils.southam)
    result = transfer_import(actor=manager, data=data)
    assert result.incoming.referral.child.family_name == "Quillfeather"


def _refused(councils, actor, data, reason):
    before = AuditEntry.objects.filter(event=AuditEvent.TRANSFER_REFUSED).count()
    with pytest.raises(TransferRefused) as caught:
        transfer_import(actor=actor, data=data, new_child_reason="Their record")
    assert caught.value.reason == reason
    entry = AuditEntry.objects.filter(event=AuditEvent.TRANSFER_REFUSED).order_by("-pk").first()
    assert AuditEntry.objects.filter(event=AuditEvent.TRANSFER_REFUSED).count() == before + 1
    assert entry.payload_data["refusal"] == reason
    assert not Referral.objects.filter(source=ReferralSource.OTHER_COUNCIL).exists() or reason == "replay"
    return caught.value


def test_a_tampered_package_is_refused(councils, transfer_case, officer, manager):
    envelope = json.loads(bytes(_make(councils, transfer_case, officer).package))
    councils.be(councils.southam)
    cipher = bytearray(crypto.unb64(envelope["ciphertext"], what="ciphertext"))
    cipher[40] ^= 1
    _refused(
        councils, manager, json.dumps({**envelope, "ciphertext": crypto.b64(bytes(cipher))}).encode(), "cannot_decrypt"
    )
    # The header is bound to the ciphertext too: a changed date is caught.
    _refused(
        councils, manager, json.dumps({**envelope, "created_at": "2020-01-01T00:00:00Z"}).encode(), "cannot_decrypt"
    )


def test_a_package_signed_by_someone_else_is_refused(councils, manager):
    # Encrypted properly for Southam, and saying it is Northam's, but signed with another key.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forger = Ed25519PrivateKey.generate()
    _id, data = crypto.package_seal(
        payload={"child": {"given_name": "A", "family_name": "B", "date_of_birth": "2015-01-01"}},
        sender=crypto.Party(code="301", name="Northam Council", key=councils.northam.keys.signing_public),
        recipient=crypto.Party(code="302", name="Southam Council", key=councils.southam.keys.encryption_public),
        signing_key=forger,
    )
    councils.be(councils.southam)
    error = _refused(councils, manager, data, "bad_signature")
    assert "Northam Council" in error.message


def test_a_package_for_another_council_is_refused(councils, transfer_case, officer, manager, tmp_path):
    data = bytes(_make(councils, transfer_case, officer).package)
    # A third council, Westam, tries to import Southam's package.
    westam_signing, westam_encryption = crypto.keys_generate(tmp_path / "303")
    councils.settings.CME_TRANSFER_COUNCIL_CODE = "303"
    councils.settings.CME_TRANSFER_SIGNING_KEY_FILE = str(westam_signing)
    councils.settings.CME_TRANSFER_ENCRYPTION_KEY_FILE = str(westam_encryption)
    error = _refused(councils, manager, data, "wrong_recipient")
    assert "another council" in error.message


def test_a_package_from_a_council_not_in_the_register_is_refused(councils, transfer_case, officer, manager):
    data = bytes(_make(councils, transfer_case, officer).package)
    Council.objects.filter(code="301").update(is_active=False)
    councils.be(councils.southam)
    error = _refused(councils, manager, data, "unknown_sender")
    assert "not in this council's register" in error.message


def test_a_package_imported_twice_is_refused_the_second_time(councils, transfer_case, officer, manager):
    data = bytes(_make(councils, transfer_case, officer).package)
    councils.be(councils.southam)
    transfer_import(actor=manager, data=data, new_child_reason="Their record")
    _refused(councils, manager, data, "replay")
    assert Referral.objects.filter(source=ReferralSource.OTHER_COUNCIL).count() == 1


def test_a_receipt_recorded_twice_or_altered_is_refused(councils, transfer_case, officer, manager):
    transfer = _make(councils, transfer_case, officer)
    councils.be(councils.southam)
    receipt = bytes(transfer_import(actor=manager, data=bytes(transfer.package), new_child_reason="x").incoming.receipt)
    councils.be(councils.northam)
    altered = json.loads(receipt)
    altered["received_at"] = "2030-01-01T00:00:00Z"
    with pytest.raises(TransferRefused) as caught:
        transfer_import(actor=officer, data=json.dumps(altered).encode())
    assert caught.value.reason == "bad_signature"
    transfer_import(actor=officer, data=receipt)
    with pytest.raises(TransferRefused) as caught:
        transfer_import(actor=officer, data=receipt)
    assert caught.value.reason == "replay"


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\xff\xfe\x00", b"not json", b"[]", b'{"format": "cme-transfer-package"}', b'{"format": "x", "version": 1}',
     b'{"format": "cme-transfer-package", "version": 9}',
     b'{"format": "cme-transfer-package", "version": 1, "package_id": "x", "encryption": {}}',
     json.dumps({"format": "cme-transfer-package", "version": 1, "package_id": "p", "created_at": "t",
                 "sender": {"code": "301", "name": "N", "signing_key_fingerprint": "f"},
                 "recipient": {"code": "302", "name": "S", "encryption_key_fingerprint": "f"},
                 "encryption": {"key_agreement": "X25519", "kdf": "HKDF-SHA256", "cipher": "AES-256-GCM"},
                 "signature_algorithm": "Ed25519"}).encode()],
)  # fmt: skip
def test_garbage_is_refused_in_words(councils, manager, garbage):
    councils.be(councils.southam)
    with pytest.raises(TransferRefused) as caught:
        transfer_import(actor=manager, data=garbage)
    assert caught.value.message and "Traceback" not in caught.value.message


def test_transferring_can_close_the_case_as_known_in_another_council(councils, transfer_case, officer):
    councils.be(councils.northam)
    southam = Council.objects.get(code="302")
    made = transfer_make(actor=officer, case=transfer_case, council=southam, rationale="Moved", close_case=True)
    transfer_case.refresh_from_db()
    if made.closed:
        assert transfer_case.status == CaseStatus.CLOSED
        assert transfer_case.outcome == Outcome.KNOWN_OTHER_LA
        assert transfer_case.destination_council == "Southam Council"
    else:  # the council's settings ask a manager to sign this off
        assert made.sign_off_asked and transfer_case.sign_off_requests.exists()
