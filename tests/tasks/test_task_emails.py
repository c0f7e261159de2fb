"""Task emails: a daily summary and a safeguarding alert at once, as each person chose on "Your account", sent over
Django's email backend (locmem here) or GOV.UK Notify (a local server standing in for Notify's API). An email never
carries a child's name or details, nor a case or return reference."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from cme.accounts.enums import Role, TaskEmails
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus
from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.returns.services import return_submit
from cme.tasks.jobs import task_digest_daily

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 9)


@pytest.fixture
def people(user_factory, case_factory, enquiry_factory, roll_return_factory):
    daily = user_factory(role=Role.CME_OFFICER, task_emails=TaskEmails.DAILY)
    immediate = user_factory(role=Role.CME_MANAGER, task_emails=TaskEmails.IMMEDIATE)
    silent = user_factory(role=Role.CME_OFFICER, task_emails=TaskEmails.NONE)
    dpo = user_factory(role=Role.DPO, task_emails=TaskEmails.IMMEDIATE)  # no safeguarding alerts; no tasks here
    case = case_factory(officer=daily, status=CaseStatus.ENQUIRIES, due_on=MONDAY - datetime.timedelta(days=1))
    case.child.given_name, case.child.family_name, case.child.upn = "Ottoline", "Quarrender", "A123456789012"
    case.child.save()
    enquiry_factory(case=case)
    concern = roll_return_factory(
        received_on=MONDAY, given_name="Peregrine", family_name="Wolstenholme", safeguarding_concern=True
    )
    return {"daily": daily, "immediate": immediate, "silent": silent, "dpo": dpo, "case": case, "concern": concern}


def _assert_names_no_child(text: str, people) -> None:
    case = people["case"]
    for secret in ("Ottoline", "Quarrender", "A123456789012", "Peregrine", "Wolstenholme", case.reference):
        assert secret not in text, f"an email carried {secret!r}"
    assert str(case.child.date_of_birth.year) not in text


def test_the_daily_summary_goes_to_those_who_chose_it_and_names_no_child(people, settings):
    settings.CME_SITE_URL = "https://cme.example.gov.uk"
    mail.outbox.clear()

    sent = task_digest_daily.call()

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["daily"].email, people["immediate"].email])
    digest = next(m for m in mail.outbox if m.to == [people["daily"].email])
    assert "overdue" in digest.subject
    assert "Case reviews due: 1 (1 overdue)" in digest.body
    assert "https://cme.example.gov.uk/tasks/" in digest.body
    for message in mail.outbox:
        _assert_names_no_child(message.subject + message.body, people)


def test_the_daily_task_is_enqueued_by_the_scheduler(settings):
    assert "cme.tasks.jobs.task_digest_daily" in settings.CME_DAILY_TASKS


def test_a_safeguarding_return_emails_those_who_chose_immediate_at_once(
    people, school_factory, django_capture_on_commit_callbacks
):
    school_user = people["daily"].__class__.objects.create_user(
        username="school-sender", role=Role.SCHOOL_USER, school=school_factory(), email="s@example.org"
    )
    mail.outbox.clear()
    values = {
        "given_name": "Peregrine",
        "family_name": "Wolstenholme",
        "date_of_birth": datetime.date(2015, 3, 14),
        "sex": "M",
        "event_date": datetime.date(2026, 11, 2),
        "school_days_absent": 15,
        "last_attended_on": datetime.date(2026, 10, 9),
        "address_line1": "4 Mill Lane",
        "address_postcode": "WY1 3DF",
        "parents": [{"name": "Dana Wolstenholme", "address": "", "phone": "+447700900456"}],
        "safeguarding_concern": True,
        "safeguarding_details": "An older sibling was reported missing last week.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        return_submit(
            actor=school_user,
            school=school_user.school,
            kind=ReturnKind.SICKNESS,
            channel=ReturnChannel.WEB,
            values=values,
        )

    assert [m.to for m in mail.outbox] == [[people["immediate"].email]]
    alert = mail.outbox[0]
    assert "Safeguarding" in alert.subject and "/returns/inbox/" in alert.body
    _assert_names_no_child(alert.subject + alert.body, people)
    assert "sibling" not in alert.body


class _FakeNotify(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeNotify.received.append({"path": self.path, "auth": self.headers.get("Authorization", ""), "body": body})
        reply = json.dumps({"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "content": {}, "template": {}}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_notify():
    _FakeNotify.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _FakeNotify.received
    server.shutdown()
    server.server_close()


def test_notify_sends_through_the_official_client_with_the_template_and_no_child(people, settings, fake_notify):
    base_url, received = fake_notify
    settings.CME_EMAIL_SERVICE = "notify"
    settings.CME_NOTIFY_BASE_URL = base_url
    settings.CME_NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    service_id, secret = "26785a09-ab16-4eb0-8407-a37497a57506", "3d844edf-8d35-48ac-975b-e847b4f122b0"
    settings.CME_NOTIFY_API_KEY = f"cme_test-{service_id}-{secret}"
    mail.outbox.clear()

    assert task_digest_daily.call() == 2

    assert mail.outbox == [], "Notify, not SMTP"
    assert len(received) == 2 and {r["path"] for r in received} == {"/v2/notifications/email"}
    assert all(r["auth"].startswith("Bearer ") for r in received)
    request = next(r["body"] for r in received if r["body"]["email_address"] == people["daily"].email)
    assert request["template_id"] == settings.CME_NOTIFY_TEMPLATE_ID
    assert set(request["personalisation"]) == {"subject", "body"}
    _assert_names_no_child(json.dumps(request), people)


def test_each_person_chooses_on_your_account_and_the_change_is_audited(people, sign_in):
    officer = people["silent"]
    client = sign_in(officer)
    assert b"Emails about your tasks" in client.get(reverse("web:account")).content

    refused = client.post(reverse("web:account-task-emails"), {"task_emails": "hourly"})
    assert refused.status_code == 200 and b"govuk-error-summary" in refused.content

    response = client.post(reverse("web:account-task-emails"), {"task_emails": TaskEmails.IMMEDIATE})

    assert response.status_code == 302 and response["Location"] == reverse("web:account")
    officer.refresh_from_db()
    assert officer.task_emails == TaskEmails.IMMEDIATE
    entry = AuditEntry.objects.filter(event=AuditEvent.USER_CHANGED, target_id=str(officer.pk)).latest("sequence")
    assert entry.payload_data == {"task_emails": "immediate"}
