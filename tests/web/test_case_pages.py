"""Casework through the pages: triage, enquiries, notes, documents, decisions; errors re-displayed, nothing lost."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, ReferralStatus
from cme.cases.models import Decision, Enquiry, Note
from cme.privacy.models import Disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(team_factory):
    return team_factory(name="North team")


@pytest.fixture
def officer(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, username="page-officer", team=team)


@pytest.fixture
def case(case_factory, officer):
    return case_factory(officer=officer)


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    """The GOV.UK date input posts day, month and year as three fields."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_accepting_a_referral_through_the_page_opens_the_case(sign_in, officer, referral_factory):
    referral = referral_factory()
    client = sign_in(officer)
    form = {
        "case": "new",
        "primary_reason": "whereabouts_unknown",
        "risk_level": "medium",
        "rationale": "No school place since moving in",
        **date_fields("became_cme_on", datetime.date(2026, 9, 3)),
    }
    response = client.post(reverse("web:referrals:accept", args=[referral.pk]), form)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert response["Location"] == reverse("web:cases:detail", args=[referral.case_id])
    page = client.get(response["Location"]).content.decode()
    assert "No school place since moving in" in page and "Medium risk" in page


def test_a_new_case_without_its_reason_is_refused_with_an_error_summary(sign_in, officer, referral):
    response = sign_in(officer).post(
        reverse("web:referrals:accept", args=[referral.pk]), {"case": "new", "risk_level": "low", "rationale": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Choose the main reason the child may be missing education" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_the_case_page_lists_every_agency_on_the_checklist(sign_in, officer, case, enquiry_factory):
    enquiry_factory(case=case, agency="housing", contact_name="Tenancy team")
    html = sign_in(officer).get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    for agency in ("Housing", "Council tax", "GP and health services", "Police", "Home Office", "Lost pupil database"):
        assert agency in html
    assert "Tenancy team" in html and "Record response" in html


def test_recording_an_enquiry_and_its_response(sign_in, officer, case):
    client = sign_in(officer)
    client.post(
        reverse("web:cases:enquiry-create", args=[case.pk]),
        {"agency": "council_tax", **date_fields("requested_on", datetime.date(2026, 11, 3))},
    )
    enquiry = Enquiry.objects.get(case=case)
    response = client.post(
        reverse("web:cases:enquiry-response", args=[case.pk, enquiry.pk]),
        {
            "version": enquiry.version,
            "result": "information_found",
            "findings": "Account closed 1 Oct",
            **date_fields("responded_on", datetime.date(2026, 11, 5)),
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.result == "information_found" and enquiry.findings == "Account closed 1 Oct"


def test_a_stale_form_is_refused_with_a_clear_message_and_overwrites_nothing(sign_in, officer, case):
    client = sign_in(officer)
    stale_version = case.version
    client.post(
        reverse("web:cases:risk", args=[case.pk]),
        {"version": stale_version, "risk_level": "high", "rationale": "Known to police"},
    )
    response = client.post(
        reverse("web:cases:risk", args=[case.pk]),
        {"version": stale_version, "risk_level": "low", "rationale": "Looks fine"},
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_notes_are_corrected_not_edited(sign_in, officer, case):
    client = sign_in(officer)
    client.post(reverse("web:cases:note-create", args=[case.pk]), {"text": "Visited 12 Elm Road"})
    original = Note.objects.get(case=case)
    client.post(
        reverse("web:cases:note-correct", args=[case.pk, original.pk]),
        {"text": "Visited 12 Elm Close", "reason": "Wrong street"},
    )
    assert Note.objects.filter(case=case).count() == 2
    html = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "Visited 12 Elm Close" in html and "Wrong street" in html


def test_documents_upload_and_download_with_the_download_recorded(sign_in, officer, case, settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path
    client = sign_in(officer)
    pdf = SimpleUploadedFile("visit.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(
        reverse("web:cases:document-upload", args=[case.pk]),
        {"file": pdf, "kind": "report", "title_text": "Home visit report"},
    )
    document = case.documents.get()
    response = client.get(reverse("web:cases:document-download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert document.downloads.count() == 1


def test_a_refused_upload_says_why(sign_in, officer, case, settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path
    fake = SimpleUploadedFile("visit.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = sign_in(officer).post(
        reverse("web:cases:document-upload", args=[case.pk]), {"file": fake, "kind": "report", "title_text": "Report"}
    )
    assert "The file must be a PDF" in response.content.decode()
    assert not case.documents.exists()


def test_escalating_records_a_decision_and_a_disclosure(sign_in, officer, case):
    sign_in(officer).post(
        reverse("web:cases:escalate", args=[case.pk]),
        {
            "kind": "escalate_police",
            "recipient": "Police safeguarding hub",
            "rationale": "Family believed to have left with the child against a court order",
        },
    )
    assert Decision.objects.get(case=case).kind == DecisionKind.ESCALATE_POLICE
    assert Disclosure.objects.get().organisation == "Police safeguarding hub"


def test_closing_the_case_through_the_page(sign_in, officer, case):
    response = sign_in(officer).post(
        reverse("web:cases:close", args=[case.pk]),
        {
            "version": case.version,
            "outcome": "on_roll_other_la",
            "destination_school_urn": "145678",
            "destination_school_name": "Leeds Park Academy",
            "destination_council": "Leeds",
            **date_fields("destination_on", datetime.date(2026, 11, 2)),
            "rationale": "Confirmed by Leeds CME officer",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert (case.destination_school.name, case.destination_council) == ("Leeds Park Academy", "Leeds")


def test_the_dashboard_shows_my_cases_and_new_referrals(sign_in, officer, case, referral_factory):
    referral_factory()
    html = sign_in(officer).get(reverse("web:home")).content.decode()
    assert case.reference in html and "New referrals to triage" in html


def test_the_case_page_takes_the_same_number_of_queries_however_long_the_case(
    sign_in, officer, case, note_factory, enquiry_factory, django_assert_max_num_queries
):
    client = sign_in(officer)
    url = reverse("web:cases:detail", args=[case.pk])
    note_factory(case=case)
    enquiry_factory(case=case)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(30):
        note_factory(case=case)
        enquiry_factory(case=case)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_opening_a_case_page_is_recorded_in_the_audit_trail(sign_in, officer, case):
    response = sign_in(officer).get(reverse("web:cases:detail", args=[case.pk]))
    assert response.status_code == 200
    viewed = AuditEntry.objects.filter(event=AuditEvent.CASE_VIEWED)
    entries = [(e.actor_id, e.target_id, e.subject_child_id) for e in viewed]
    assert entries == [(officer.pk, str(case.pk), case.child_id)]


def test_a_long_case_opens_on_its_newest_notes_and_shows_all_on_request(sign_in, officer, case, note_factory):
    for number in range(12):
        note_factory(case=case, author=officer, text=f"Visit number {number}")
    client = sign_in(officer)
    page = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    shown = [number for number in range(12) if f'<p class="govuk-body">Visit number {number}</p>' in page]
    assert len(shown) == 10 and "Show all 12 notes" in page
    page = client.get(reverse("web:cases:detail", args=[case.pk]), {"show": "all"}).content.decode()
    assert all(f'<p class="govuk-body">Visit number {number}</p>' in page for number in range(12))
    assert "Show all 12 notes" not in page
