"""The front door at /report/: the whole journey without signing in, for the public (named and anonymous) and for
professionals; check-your-answers change links; errors; the flood limit and the honeypot; the Polish pages; and
what arrives (the report, its audit entry and its receipt), then an officer's decision making it a referral."""

from datetime import date

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import ReferralSource
from cme.cases.models import Referral
from cme.frontdoor.enums import ReportKind, ReportState
from cme.frontdoor.models import FrontDoorReport
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure, DisclosureSubject
from cme.web.frontdoor.views import FLOOD_LIMIT

pytestmark = pytest.mark.django_db

CHILD = [
    ("child-name", {"child_given_name": "Aleksander", "child_family_name": "Nowakowski"}),
    (
        "child-age",
        {"child_date_of_birth_0": "4", "child_date_of_birth_1": "5", "child_date_of_birth_2": "2014", "child_age": ""},
    ),
    ("child-address", {"child_address": "Flat 3, 12 Hill Road, Wyndley ZY1 2AB"}),
    ("child-school", {"child_school": "Wyndley Primary"}),
    ("concerns", {"concerns": "He has not gone to school since Easter."}),
    ("safety", {"safeguarding": "yes", "safeguarding_details": "He is often out alone late at night."}),
]
NAMED = [
    ("about-you", {"named": "yes"}),
    (
        "your-details",
        {
            "reporter_name": "Pat Neighbour",
            "reporter_relationship": "Neighbour",
            "reporter_phone": "07700 900 982",
            "reporter_email": "",
        },
    ),
]
PROFESSIONAL = [
    (
        "your-details",
        {
            "reporter_name": "Jo Visitor",
            "reporter_organisation": "Wyndley Health Visiting",
            "reporter_relationship": "Health visitor",
            "reporter_phone": "",
            "reporter_email": "jo.visitor@example.nhs.uk",
        },
    ),
    ("sharing-basis", {"sharing_basis": "public_task"}),
]


def step_url(step: str, kind: str = "public") -> str:
    return reverse("web:frontdoor:step", kwargs={"kind": kind, "step": step})


def answer(client, steps, kind="public"):
    for step, data in steps:
        response = client.post(step_url(step, kind), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    return response


def send(client, kind="public", **extra):
    return client.post(reverse("web:frontdoor:check", kwargs={"kind": kind}), {"website": "", **extra})


def test_report_starts_at_slash_report_without_signing_in(client):
    response = client.get("/report/")
    assert response.status_code == 200
    assert b"Start now" in response.content
    assert reverse("web:privacy").encode() in response.content


def test_a_named_report_from_the_public_arrives_with_its_receipt_and_audit(client):
    answer(client, CHILD + NAMED)
    check = client.get(reverse("web:frontdoor:check", kwargs={"kind": "public"}))
    assert b"Aleksander Nowakowski" in check.content and b"4 May 2014" in check.content
    response = send(client)
    assert response.status_code == 302
    report = FrontDoorReport.objects.get()
    assert report.kind == ReportKind.PUBLIC and report.safeguarding_concern and not report.is_anonymous
    assert (report.reporter_name, report.reporter_phone) == ("Pat Neighbour", "+447700900982")
    assert report.child_date_of_birth == date(2014, 5, 4)
    sent = client.get(response["Location"])
    assert report.reference.encode() in sent.content
    assert b"What happens next" in sent.content and reverse("web:privacy").encode() in sent.content
    assert b"Nowakowski" not in sent.content  # nothing is shown back but the reference
    entry = AuditEntry.objects.get(event=AuditEvent.FRONT_DOOR_REPORT_RECEIVED)
    assert (entry.actor_id is None and entry.target_id == str(report.pk)) or entry.target_id == report.pk
    receipt = Disclosure.objects.get(direction=Direction.RECEIVED_IN)
    assert receipt.organisation == "A member of the public" and "statutory_services" in receipt.data_categories
    assert DisclosureSubject.objects.filter(disclosure=receipt, subject_id=report.pk).exists()
    assert not client.session.get("cme_front_door", {}).get("public")  # the answers are gone from the session


def test_an_anonymous_report_skips_the_reporters_details_and_names_nobody(client):
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    check = client.get(reverse("web:frontdoor:check", kwargs={"kind": "public"}))
    assert b"Anonymous" in check.content and b"Your name" not in check.content
    send(client)
    report = FrontDoorReport.objects.get()
    assert report.is_anonymous and report.reporter_name == "" and report.reporter_phone == ""


def test_a_professional_referral_gives_organisation_role_and_lawful_basis(client):
    answer(client, PROFESSIONAL + CHILD, kind="professional")
    check = client.get(reverse("web:frontdoor:check", kwargs={"kind": "professional"}))
    assert b"Wyndley Health Visiting" in check.content and b"Public task" in check.content
    send(client, kind="professional")
    report = FrontDoorReport.objects.get()
    assert report.kind == ReportKind.PROFESSIONAL and report.sharing_basis == "public_task"
    receipt = Disclosure.objects.get()
    assert (receipt.organisation, receipt.lawful_basis) == ("Wyndley Health Visiting", "public_task")


def test_change_links_go_back_to_the_question_and_return_to_check(client):
    answer(client, CHILD + NAMED)
    check = client.get(reverse("web:frontdoor:check", kwargs={"kind": "public"}))
    change = step_url("child-school") + "?change=1"
    assert change.encode() in check.content
    assert b'class="govuk-visually-hidden"> the school' in check.content
    page = client.get(change)
    assert b"Wyndley Primary" in page.content  # the answer given is filled in
    response = client.post(change, {"child_school": "Hill Academy"})
    assert response["Location"] == reverse("web:frontdoor:check", kwargs={"kind": "public"})
    assert b"Hill Academy" in client.get(response["Location"]).content


def test_changing_to_give_your_details_asks_for_them_before_checking(client):
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    response = client.post(step_url("about-you") + "?change=1", {"named": "yes"})
    assert response["Location"] == step_url("your-details") + "?change=1"


def test_the_check_page_sends_you_back_to_a_question_not_answered(client):
    answer(client, CHILD[:2])
    response = client.get(reverse("web:frontdoor:check", kwargs={"kind": "public"}))
    assert response["Location"] == step_url("child-address")
    assert send(client)["Location"] == step_url("child-address")
    assert not FrontDoorReport.objects.exists()


def test_errors_show_in_a_govuk_error_summary(client):
    response = client.post(step_url("child-address"), {"child_address": ""})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Enter the child&#x27;s address, or the area they live in" in response.content
    assert b"Error:" in response.content
    response = client.post(step_url("your-details"), {"reporter_name": "Pat", "reporter_phone": "12"})
    assert b"Enter a telephone number, like" in response.content


def test_one_address_can_send_only_a_few_reports_an_hour(client):
    for _ in range(FLOOD_LIMIT):
        answer(client, [*CHILD, ("about-you", {"named": "no"})])
        assert send(client).status_code == 302
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    response = send(client)
    assert response.status_code == 200 and b"Try again later" in response.content
    assert FrontDoorReport.objects.count() == FLOOD_LIMIT
    assert AuditEntry.objects.filter(event=AuditEvent.FRONT_DOOR_REPORT_REFUSED).count() == 1


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client):
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    response = send(client, website="http://spam.example")
    assert response.status_code == 302
    assert not FrontDoorReport.objects.exists() and not Disclosure.objects.exists()
    assert AuditEntry.objects.filter(event=AuditEvent.FRONT_DOOR_REPORT_REFUSED).count() == 1


def test_the_question_pages_speak_polish(client):
    response = client.get(step_url("child-name") + "?lang=pl")
    assert response.status_code == 200 and response["Content-Language"] == "pl"
    assert b'<html lang="pl"' in response.content
    assert "Jak ma na imię dziecko?".encode() in response.content
    assert b"Dalej" in response.content
    # the choice is kept for the next page, and the errors are in Polish too
    response = client.post(step_url("child-address"), {"child_address": ""})
    assert "Wystąpił problem".encode() in response.content
    assert b"Podaj adres dziecka" in response.content


def test_the_browsers_language_chooses_polish_and_staff_pages_stay_english(client, officer, sign_in):
    response = client.get("/report/", HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5")
    assert b"Zacznij teraz" in response.content
    staff = sign_in(officer).get(reverse("web:frontdoor-staff:list"), HTTP_ACCEPT_LANGUAGE="pl")
    assert b'<html lang="en-gb"' in staff.content and b"Reports from the online form" in staff.content


def test_an_officer_turns_the_report_into_a_referral_after_the_duplicate_check(client, officer, sign_in, child_factory):
    known = child_factory(given_name="Aleksander", family_name="Nowakowski", date_of_birth=date(2014, 5, 4))
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    send(client)
    report = FrontDoorReport.objects.get()
    staff = sign_in(officer)
    page = staff.get(reverse("web:frontdoor-staff:decide", args=[report.pk]))
    assert page.status_code == 200
    assert f'value="{known.pk}"'.encode() in page.content  # the duplicate check found the child we hold
    decide_url = reverse("web:frontdoor-staff:decide", args=[report.pk])
    decision = {"child": str(known.pk), "shown": str(known.pk), "rationale": "Same name, date of birth and street"}
    # Aleksander is in no one's caseload: choosing his record asks why first (purpose-bound access), then comes back.
    asked = staff.post(decide_url, decision)
    assert asked["Location"].startswith(reverse("web:children:purpose", args=[known.pk]))
    assert staff.post(asked["Location"], {"purpose": "identify_cme", "reason": "Public report"})["Location"] == (
        decide_url
    )
    response = staff.post(decide_url, decision)
    referral = Referral.objects.get()
    assert response["Location"] == reverse("web:referrals:detail", args=[referral.pk])
    assert referral.child == known and referral.source == ReferralSource.PUBLIC
    assert referral.safeguarding_concern and referral.is_anonymous
    report.refresh_from_db()
    assert report.state == ReportState.REFERRED and report.referral == referral
    receipt = Disclosure.objects.get()
    assert DisclosureSubject.objects.filter(disclosure=receipt, subject_id=known.pk).exists()


def test_a_new_child_is_recorded_only_after_the_duplicate_check(client, officer, sign_in, child_factory):
    answer(client, PROFESSIONAL + CHILD, kind="professional")
    send(client, kind="professional")
    report = FrontDoorReport.objects.get()
    staff = sign_in(officer)
    # a child matching the report is recorded after the page was shown: refused, naming them
    child_factory(given_name="Aleksander", family_name="Nowakowski", date_of_birth=date(2014, 5, 4))
    data = {"child": "new", "given_name": "Aleksander", "family_name": "Nowakowski", "date_of_birth_0": "4",
            "date_of_birth_1": "5", "date_of_birth_2": "2014", "rationale": "Not known to us"}  # fmt: skip
    response = staff.post(reverse("web:frontdoor-staff:decide", args=[report.pk]), data)
    assert response.status_code == 200 and not Referral.objects.exists()
    Referral.objects.all().delete()
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED


def test_a_professional_report_about_a_new_child_becomes_a_professional_referral(client, officer, sign_in):
    answer(client, PROFESSIONAL + CHILD, kind="professional")
    send(client, kind="professional")
    report = FrontDoorReport.objects.get()
    staff = sign_in(officer)
    data = {"child": "new", "given_name": "Aleksander", "family_name": "Nowakowski", "date_of_birth_0": "4",
            "date_of_birth_1": "5", "date_of_birth_2": "2014", "rationale": "Not known to us"}  # fmt: skip
    staff.post(reverse("web:frontdoor-staff:decide", args=[report.pk]), data)
    referral = Referral.objects.get()
    assert referral.source == ReferralSource.PROFESSIONAL and referral.safeguarding_concern
    assert referral.referrer_organisation == "Wyndley Health Visiting" and referral.referrer_role == "Health visitor"


def test_only_caseworkers_open_reports(client, school_user, sign_in):
    answer(client, [*CHILD, ("about-you", {"named": "no"})])
    send(client)
    report = FrontDoorReport.objects.get()
    response = sign_in(school_user).get(reverse("web:frontdoor-staff:decide", args=[report.pk]))
    assert response.status_code in (403, 404)
