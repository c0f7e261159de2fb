"""Rights pages: the public "tell us something is wrong" form, the DPO's request pages, and the restriction banner."""

from datetime import date

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.privacy.restriction import restriction_place
from cme.rights import services
from cme.rights.enums import Channel, RequestKind
from cme.rights.models import RightsRequest
from cme.web.rights.views import RATE_LIMIT

FORM = {"name": "Sam Parent", "contact": "sam@example.org", "child_name": "Ava", "details": "Her surname is Smith"}


@pytest.mark.django_db
def test_the_public_form_needs_no_sign_in_and_links_the_privacy_notice(client):
    response = client.get(reverse("web:something-wrong"))
    assert response.status_code == 200
    assert reverse("web:privacy").encode() in response.content
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b"cme-honeypot" in response.content


@pytest.mark.django_db
def test_what_a_family_sends_arrives_as_a_rectification_request_with_a_reference(client):
    response = client.post(reverse("web:something-wrong"), FORM, follow=True)
    request = RightsRequest.objects.get()
    assert (request.kind, request.channel) == (RequestKind.RECTIFICATION, Channel.PUBLIC_FORM)
    assert "Her surname is Smith" in request.details
    assert request.reference.encode() in response.content
    assert AuditEntry.objects.filter(event=AuditEvent.RIGHTS_REQUEST_RECORDED, actor_id=None).count() == 1


@pytest.mark.django_db
def test_the_public_form_shows_errors_in_a_summary(client):
    response = client.post(reverse("web:something-wrong"), {"name": "", "contact": "", "details": ""})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Enter your name" in response.content
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client):
    response = client.post(reverse("web:something-wrong"), {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_one_address_can_send_only_a_few_an_hour(client):
    for _ in range(RATE_LIMIT):
        assert client.post(reverse("web:something-wrong"), FORM).status_code == 302
    response = client.post(reverse("web:something-wrong"), FORM)
    assert response.status_code == 200
    assert b"Try again later" in response.content
    assert RightsRequest.objects.count() == RATE_LIMIT


@pytest.mark.django_db
def test_the_dpo_logs_a_request_and_sees_its_due_date(dpo, sign_in):
    client = sign_in(dpo)
    response = client.post(
        reverse("web:rights:create"),
        {
            "kind": "access",
            "received_on_0": "31",
            "received_on_1": "1",
            "received_on_2": "2026",
            "requester_name": "A parent",
            "requester_role": "parent",
            "details": "Everything you hold about my son",
            "identity": "not_checked",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("web:rights:detail", kwargs={"request_id": request.pk}))
    assert b"2 March 2026" in page.content  # 28 February 2026 is a Saturday
    assert b"Prepare the subject access pack" in page.content
    assert AuditEntry.objects.filter(event=AuditEvent.RIGHTS_REQUEST_VIEWED, target_id=str(request.pk)).exists()


@pytest.mark.django_db
def test_bad_dates_redisplay_the_form(dpo, sign_in):
    bad = {"kind": "access", "received_on_0": "31", "received_on_1": "2", "received_on_2": "2026"}
    response = sign_in(dpo).post(reverse("web:rights:create"), bad)
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content


@pytest.mark.django_db
def test_the_correction_page_shows_the_current_values_and_audits_the_read(dpo, sign_in, child_factory):
    child = child_factory(family_name="Smyth")
    request = services.request_record(actor=dpo, kind=RequestKind.RECTIFICATION, requester_name="Mum",
                                      details="Surname", received_on=date(2026, 11, 2))  # fmt: skip
    url = reverse("web:rights:rectify-child", kwargs={"request_id": request.pk, "child_id": child.pk})
    client = sign_in(dpo)
    assert client.get(url).status_code == 404  # not named on the request yet
    services.request_subject_add(actor=dpo, request=request, kind="child", number=child.pk)
    response = client.get(url)
    assert b"Smyth" in response.content
    assert AuditEntry.objects.filter(event=AuditEvent.CHILD_VIEWED, target_id=str(child.pk), actor_id=dpo.pk).exists()
    response = client.post(url, {"given_name": child.given_name, "family_name": "Smith", "date_of_birth_0": "14",
                                 "date_of_birth_1": "3", "date_of_birth_2": "2016", "reason": "Certificate seen",
                                 "version": child.version})  # fmt: skip
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.family_name == "Smith"


@pytest.mark.django_db
def test_the_erasure_page_says_erasure_is_limited_and_shows_what_is_held_by_basis(dpo, sign_in, case_factory):
    case = case_factory()
    request = services.request_record(actor=dpo, kind=RequestKind.ERASURE, requester_name="Mum", details="Erase",
                                      received_on=date(2026, 11, 2))  # fmt: skip
    services.request_subject_add(actor=dpo, request=request, kind="child", number=case.child_id)
    response = sign_in(dpo).get(
        reverse("web:rights:erasure", kwargs={"request_id": request.pk, "child_id": case.child_id})
    )
    assert b"Article 17(3)(b)" in response.content
    assert b"Legal obligation (UK GDPR Art. 6(1)(c))" in response.content
    assert b"Erasure limited" in response.content


@pytest.mark.django_db
def test_a_restricted_childs_pages_carry_the_banner_and_refuse_changes(manager, dpo, sign_in, case_factory):
    case = case_factory()
    client = sign_in(manager)
    detail = reverse("web:cases:detail", kwargs={"case_id": case.pk})
    assert b"restriction-title" not in client.get(detail).content
    restriction_place(actor=dpo, child=case.child, reason="Contested")
    assert b"restriction-title" in client.get(detail).content
    response = client.post(reverse("web:cases:note-create", kwargs={"case_id": case.pk}), {"text": "Visited"})
    assert response.status_code == 200
    assert b"restricted" in response.content
    assert AuditEntry.objects.filter(event=AuditEvent.RESTRICTION_REFUSED).count() == 1


@pytest.mark.django_db
def test_another_role_is_refused_a_request_and_the_refusal_is_audited(manager, dpo, sign_in):
    request = services.request_record(actor=dpo, kind=RequestKind.ACCESS, requester_name="Mum", details="All",
                                      received_on=date(2026, 11, 2))  # fmt: skip
    response = sign_in(manager).get(reverse("web:rights:detail", kwargs={"request_id": request.pk}))
    assert response.status_code == 403
    refusal = AuditEntry.objects.get(event=AuditEvent.ACCESS_REFUSED)
    assert (refusal.target_type, refusal.target_id) == ("rights.rightsrequest", str(request.pk))
