"""An access request's page leads to the subject access pack (issue 13 points 1 and 2 together): the DPO gathers the
pack for the child the request names, with the requester and the request's reference filled in, and the request's
page then lists the pack and its state."""

import datetime

import pytest
from django.urls import reverse

from cme.privacy.models import SubjectAccessPack
from cme.rights.enums import RequestKind
from cme.rights.services import request_record, request_subject_add

pytestmark = pytest.mark.django_db


def test_an_access_request_gathers_its_pack_and_lists_it(dpo, child_factory, sign_in):
    child = child_factory()
    request = request_record(
        actor=dpo, kind=RequestKind.ACCESS, requester_name="Jo Parent", details="Everything about my child",
        received_on=datetime.date(2026, 11, 2),
    )  # fmt: skip
    request_subject_add(actor=dpo, request=request, kind="child", number=child.pk)
    client = sign_in(dpo)

    page = client.get(reverse("web:rights:detail", args=[request.pk])).content.decode()
    link = f"/privacy/subject-access/new/?child={child.pk}&amp;requester_name=Jo%20Parent&amp;request_reference="
    assert link + request.reference in page

    form = client.get(
        reverse("web:privacy:sar-create"),
        {"child": child.pk, "requester_name": "Jo Parent", "request_reference": request.reference},
    ).content.decode()
    assert f'value="{child.pk}"' in form and 'value="Jo Parent"' in form and f'value="{request.reference}"' in form
    client.post(
        reverse("web:privacy:sar-create"),
        {"child": child.pk, "requester_name": "Jo Parent", "request_reference": request.reference},
    )

    pack = SubjectAccessPack.objects.get(child_id=child.pk)
    assert pack.request_reference == request.reference
    page = client.get(reverse("web:rights:detail", args=[request.pk])).content.decode()
    assert reverse("web:privacy:sar-pack", args=[pack.pk]) in page and "draft, for review" in page
