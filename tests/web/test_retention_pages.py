"""The DPO's retention pages: review a batch, keep records out, approve, holds, periods, and the certificate."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cme.audit.models import AuditEntry
from cme.cases.models import Case
from cme.council.models import RetentionPeriod
from cme.people.models import Child
from cme.privacy.disposal import disposal_batch_dispose
from cme.privacy.models import BatchState, DisposalBatch, HoldState, ItemState, LegalHold
from cme.privacy.retention import disposal_batch_propose
from tests.privacy.retention_world import child_with_casework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def dpo_client(sign_in, dpo):
    return sign_in(dpo)


def test_the_dpo_reviews_a_batch_keeps_one_record_and_approves(dpo_client, dpo):
    kept, gone = child_with_casework(1), child_with_casework(2)
    batch = disposal_batch_propose(actor=None)
    page = dpo_client.get(reverse("web:privacy:retention-batch", args=[batch.pk])).content.decode()
    assert "A child&#x27;s record with all its casework" in page and "Born May 1999" in page
    assert "Zephyrine" not in page  # the sample names no one
    assert AuditEntry.objects.filter(event="disposal_batch_viewed", actor_id=dpo.pk).exists()

    item = batch.items.get(record_id=kept.pk)
    url = reverse("web:privacy:retention-exclude", args=[item.pk])
    refused = dpo_client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Say why this record is to be kept" in refused.content.decode()
    dpo_client.post(url, {"reason": "A subject access request is open"})
    item.refresh_from_db()
    assert item.state == ItemState.EXCLUDED and item.reason == "A subject access request is open"

    approve = reverse("web:privacy:retention-approve", args=[batch.pk])
    assert "Confirm that you have reviewed the batch" in dpo_client.post(approve, {}).content.decode()
    response = dpo_client.post(approve, {"confirm": "on"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == dpo
    disposal_batch_dispose(batch=batch)
    assert list(Child.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Child.objects.filter(pk=gone.pk).exists()


def test_a_legal_hold_is_placed_and_released_on_the_pages(dpo_client):
    child = child_with_casework(1)
    case = Case.objects.get(child=child)
    create = reverse("web:privacy:retention-hold-create")
    missing = dpo_client.post(create, {"kind": "case", "number": 999999, "reason": "Claim"})
    assert "There is no case with record number 999999." in missing.content.decode()
    dpo_client.post(create, {"kind": "case", "number": case.pk, "reason": "Claim notified"})
    hold = LegalHold.objects.get()
    assert hold.child_id == child.pk and hold.state == HoldState.ACTIVE
    assert "Claim notified" in dpo_client.get(reverse("web:privacy:retention-holds")).content.decode()
    assert disposal_batch_propose(actor=None) is None
    dpo_client.post(reverse("web:privacy:retention-hold-release", args=[hold.pk]), {"reason": "Settled"})
    hold.refresh_from_db()
    assert hold.state == HoldState.RELEASED and hold.release_reason == "Settled"


def test_the_dpo_changes_a_period(dpo_client):
    from cme.privacy.retention import RULES, retention_periods

    data = {code: rule.default_months for code, rule in RULES.items()}
    data["child_record"] = 30 * 12
    assert dpo_client.post(reverse("web:privacy:retention-periods"), data).status_code == 302
    assert retention_periods()["child_record"] == 360
    assert list(RetentionPeriod.objects.values_list("rule", "months")) == [("child_record", 360)]
    data["child_record"] = "lots"
    page = dpo_client.post(reverse("web:privacy:retention-periods"), data).content.decode()
    assert "Enter a whole number of months" in page


def test_the_certificate_states_rules_counts_dates_and_approver_and_names_no_one(dpo_client, dpo):
    child_with_casework(1)
    batch = disposal_batch_propose(actor=None)
    dpo_client.post(reverse("web:privacy:retention-approve", args=[batch.pk]), {"confirm": "on"})
    assert dpo_client.get(reverse("web:privacy:retention-certificate", args=[batch.pk])).status_code == 404
    disposal_batch_dispose(batch=DisposalBatch.objects.get(pk=batch.pk))
    page = dpo_client.get(reverse("web:privacy:retention-certificate", args=[batch.pk])).content.decode()
    assert f"Disposal certificate for batch {batch.pk}" in page
    assert dpo.display_name in page and "1 December 2026" in page
    assert "Children" in page and "Notes" in page
    for personal in ("Zephyrine", "Quillfeather", "Marisol", "Fennick", "1999"):
        assert personal not in page
    pdf = dpo_client.get(reverse("web:privacy:retention-certificate-pdf", args=[batch.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    listing = dpo_client.get(reverse("web:privacy:retention")).content.decode()
    assert reverse("web:privacy:retention-certificate", args=[batch.pk]) in listing
