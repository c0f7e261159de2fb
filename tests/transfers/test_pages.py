"""The transfer pages: made from the case page, imported by upload, the child chosen, the register kept; GOV.UK
errors for every mistake and never a 500 for a file that is not a transfer."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cme.cases.enums import ReferralSource
from cme.cases.models import Referral
from cme.transfers.enums import IncomingState
from cme.transfers.models import Council, IncomingTransfer, OutgoingTransfer

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, name: str = "transfer.json"):
    return client.post(reverse("web:transfers:import"), {"file": SimpleUploadedFile(name, data)})


def _errors(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html, html[:500]
    return html


def test_an_officer_transfers_a_case_from_its_page(councils, transfer_case, officer, sign_in):
    client = sign_in(officer)
    case_page = client.get(reverse("web:cases:detail", args=[transfer_case.pk])).content.decode()
    make_url = reverse("web:transfers:make", args=[transfer_case.pk])
    assert make_url in case_page

    form = client.get(make_url)
    assert form.status_code == 200 and "Southam Council" in form.content.decode()
    html = _errors(client.post(make_url, {"include_notes": "no", "close_case": "no"}))
    assert "Choose the council the case goes to" in html
    assert not OutgoingTransfer.objects.exists()

    southam = Council.objects.get(code="302")
    done = client.post(
        make_url, {"council": southam.pk, "include_notes": "no", "close_case": "no", "rationale": "Moved to Southam"}
    )
    transfer = OutgoingTransfer.objects.get()
    assert done.status_code == 302 and done.url == reverse("web:transfers:sent", args=[transfer_case.pk, transfer.pk])
    assert "Download the package" in client.get(done.url).content.decode()
    download = client.get(reverse("web:transfers:package", args=[transfer_case.pk, transfer.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["package_id"] == transfer.package_id
    assert not transfer.include_notes


def test_a_page_says_when_this_council_has_no_keys(councils, transfer_case, officer, sign_in, settings):
    settings.CME_TRANSFER_SIGNING_KEY_FILE = ""
    client = sign_in(officer)
    southam = Council.objects.get(code="302")
    response = client.post(
        reverse("web:transfers:make", args=[transfer_case.pk]),
        {"council": southam.pk, "include_notes": "no", "close_case": "no", "rationale": "Moved"},
    )
    assert "CME_TRANSFER_SIGNING_KEY_FILE is not set" in _errors(response)


def test_the_receiving_council_imports_chooses_the_child_and_sends_the_receipt(
    councils, transfer_case, officer, manager, sign_in, client
):
    from cme.transfers.services import transfer_make

    transfer = transfer_make(
        actor=officer, case=transfer_case, council=Council.objects.get(code="302"), rationale="Moved"
    ).transfer
    councils.be(councils.southam)
    sign_in(manager)
    waiting = _upload(client, bytes(transfer.package))
    incoming = IncomingTransfer.objects.get()
    child_url = reverse("web:transfers:child", args=[incoming.pk])
    assert waiting.status_code == 302 and waiting.url == child_url
    page = client.get(child_url).content.decode()
    assert "Maisie Oakhurst" in page and "None of these" in page

    assert "Enter why the child is none of those already known" in _errors(client.post(child_url, {"child": "new"}))
    assert "Choose the child the transfer is about" in _errors(client.post(child_url, {}))
    done = client.post(child_url, {"child": str(transfer_case.child_id)})
    assert done.status_code == 302
    incoming.refresh_from_db()
    assert incoming.state == IncomingState.RECEIVED
    assert Referral.objects.get(source=ReferralSource.OTHER_COUNCIL).child_id == transfer_case.child_id
    receipt = client.get(reverse("web:transfers:receipt", args=[incoming.pk]))
    assert receipt.status_code == 200 and json.loads(receipt.content)["package_id"] == transfer.package_id

    # Uploading the same package again is refused in words.
    assert "already been imported" in _errors(_upload(client, bytes(transfer.package)))

    # Back at Northam, the officer uploads the receipt: the transfer is marked received.
    councils.be(councils.northam)
    sign_in(officer)
    recorded = _upload(client, receipt.content, "receipt.json")
    assert recorded.status_code == 302
    transfer.refresh_from_db()
    assert transfer.received_at is not None


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01garbage", b"<xml/>", b"{}", b'{"format": "cme-transfer-receipt", "version": 1}']
)
def test_garbage_uploads_get_a_govuk_error_never_a_500(councils, manager, sign_in, data):
    client = sign_in(manager)
    councils.be(councils.southam)
    response = _upload(client, data)
    html = _errors(response)
    assert "Traceback" not in html


def test_only_caseworkers_import_and_only_the_system_administrator_keeps_the_register(
    councils, officer, sysadmin, partner_user, sign_in, client
):
    sign_in(sysadmin)
    assert client.get(reverse("web:transfers:councils")).status_code == 200
    assert client.get(reverse("web:transfers:import")).status_code == 403
    html = _errors(client.post(reverse("web:transfers:council-add"), {"name": "Eastam", "code": "304"}))
    assert "Enter the signing key" in html or "Enter signing key" in html
    bad = client.post(
        reverse("web:transfers:council-add"),
        {"name": "Eastam", "code": "304", "signing_key": "not a key", "encryption_key": "nor this"},
    )
    assert "base64 of a 32-byte key" in _errors(bad)
    card = councils.northam.keys
    from cme.transfers import crypto

    added = client.post(
        reverse("web:transfers:council-add"),
        {
            "name": "Eastam Council",
            "code": "304",
            "signing_key": crypto.b64(card.signing_public),
            "encryption_key": crypto.b64(card.encryption_public),
        },
    )
    assert added.status_code == 302 and Council.objects.filter(code="304").exists()

    sign_in(officer)
    assert client.get(reverse("web:transfers:councils")).status_code == 403
    assert client.get(reverse("web:transfers:import")).status_code == 200
    sign_in(partner_user)
    assert client.get(reverse("web:transfers:received")).status_code == 403
