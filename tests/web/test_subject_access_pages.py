"""The DPO's subject access pages: gather a pack, review its redactions (highlighted, with reasons), withhold more,
lift one, approve, release (a disclosure in the log); nothing downloadable as final before approval."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from cme.audit.models import AuditEntry
from cme.privacy.models import Disclosure, PackState, Redaction, SubjectAccessPack
from tests.factories.cases import NoteFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_client(sign_in, dpo, settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path
    return sign_in(dpo)


def _zip(response) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_dpo_gathers_reviews_approves_and_releases_a_pack(dpo_client, dpo):
    referral = ReferralFactory(source="public", referrer_name="Dorothy Fenwick", concerns="Dorothy saw her in May")
    note = NoteFactory(case__child=referral.child, text="Called Dorothy Fenwick back on 07700 900444.")
    child = referral.child

    refused = dpo_client.post(reverse("web:privacy:sar-create"), {"child": 999999, "requester_name": "X"})
    assert refused.status_code == 200 and "There is no child with record number 999999" in refused.content.decode()
    response = dpo_client.post(reverse("web:privacy:sar-create"), {"child": child.pk, "requester_name": "Ann Parent"})
    pack = SubjectAccessPack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:privacy:sar-pack", args=[pack.pk])

    page = dpo_client.get(reverse("web:privacy:sar-pack", args=[pack.pk]) + "?section=cases.Note").content.decode()
    assert '<mark class="cme-redacted"' in page and "The member of the public who told us about the child" in page
    assert AuditEntry.objects.filter(event="sar_pack_viewed", subject_child_id=child.pk).exists()

    # Nothing final before approval; the draft says DRAFT.
    assert dpo_client.get(reverse("web:privacy:sar-download", args=[pack.pk, "final"])).status_code == 404
    draft = _zip(dpo_client.get(reverse("web:privacy:sar-download", args=[pack.pk, "draft"])))
    assert json.loads(draft["pack.json"])["status"].startswith("DRAFT")
    assert b"Dorothy" not in draft["pack.json"]

    withhold = reverse("web:privacy:sar-withhold", args=[pack.pk])
    key = f"cases.Note:{note.pk}"
    missing = dpo_client.post(withhold, {"item": key, "field": "text", "words": "back", "note": ""})
    assert "Enter why you are withholding this" in missing.content.decode()
    dpo_client.post(withhold, {"item": key, "field": "text", "words": "called", "note": "Shows a police contact"})
    added = Redaction.objects.get(pack=pack, origin="reviewer")
    assert (added.start, added.end) == (0, 6)

    lift = reverse("web:privacy:sar-lift", args=[added.pk])
    assert "Enter why this can be released after all" in dpo_client.post(lift, {"reason": ""}).content.decode()
    dpo_client.post(lift, {"reason": "On reflection, harmless"})
    added.refresh_from_db()
    assert added.lifted_by == dpo

    assert dpo_client.post(reverse("web:privacy:sar-release", args=[pack.pk]), {"recipient": "Ann"}).status_code == 200
    assert not Disclosure.objects.exists()  # not approved: refused
    dpo_client.post(reverse("web:privacy:sar-approve", args=[pack.pk]), {"confirm": "on"})
    pack.refresh_from_db()
    assert pack.state == PackState.APPROVED
    final = _zip(dpo_client.get(reverse("web:privacy:sar-download", args=[pack.pk, "final"])))
    assert json.loads(final["pack.json"])["status"] == "Final"

    dpo_client.post(reverse("web:privacy:sar-release", args=[pack.pk]), {"recipient": "Ann Parent"})
    pack.refresh_from_db()
    assert pack.state == PackState.RELEASED
    disclosure = Disclosure.objects.get()
    assert disclosure.organisation == "Ann Parent" and pack.disclosure == disclosure
    assert disclosure.subjects.get().subject_id == child.pk
    log = dpo_client.get(reverse("web:privacy:disclosures")).content.decode()
    assert "Ann Parent" in log
