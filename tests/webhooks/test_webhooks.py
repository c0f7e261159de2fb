"""Outbound events (issue 18, point 5): signed webhooks to a real HTTP server on this machine, retried with back-off,
with a delivery log; configured by the system administrator; never carrying personal data."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cme.accounts.enums import Role
from cme.cases.enums import CmeReason, Outcome, ReferralSource
from cme.cases.services import case_close, referral_accept, referral_create
from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.returns.services import return_submit
from cme.webhooks import delivery
from cme.webhooks.enums import DeliveryState, WebhookEvent
from cme.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cme.webhooks.services import (
    MAX_ATTEMPTS,
    retry_wait,
    webhook_deliveries_due,
    webhook_endpoint_create,
)

ALL_EVENTS = list(WebhookEvent.values)


class Receiver:
    """An HTTP server in a thread that answers each POST with the next status in `answers` (the last one repeats)
    and keeps what it was sent."""

    def __init__(self, answers=(204,)):
        self.answers = list(answers)
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cme-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def messages(self) -> list[dict]:
        return [json.loads(item["body"]) for item in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint_for(sysadmin):
    def make(url: str, events=ALL_EVENTS):
        return webhook_endpoint_create(actor=sysadmin, name=f"System at {url}", url=url, events=events)

    return make


def _open_a_case(officer, child, capture):
    with capture(execute=True):
        referral = referral_create(
            actor=officer,
            child=child,
            source=ReferralSource.SCHOOL,
            received_on=timezone.localdate(),
            concerns="Not seen since half-term.",
            referrer_name="Attendance lead",
        )
    with capture(execute=True):
        case = referral_accept(
            referral=referral,
            actor=officer,
            rationale="Needs enquiries",
            primary_reason=CmeReason.values[0],
            became_cme_on=timezone.localdate() - datetime.timedelta(days=3),
        )
    return referral, case


def test_a_referral_a_case_and_its_closure_reach_the_endpoint_signed_and_without_personal_data(
    receiver, endpoint_for, officer, child_factory, django_capture_on_commit_callbacks
):
    child = child_factory(
        given_name="Zenobia", family_name="Quattlebaum", date_of_birth=datetime.date(2014, 7, 23), upn=""
    )
    _endpoint, secret = endpoint_for(receiver.url)

    referral, case = _open_a_case(officer, child, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        case_close(
            case=case, actor=officer, outcome=Outcome.values[0], rationale="Found", expected_version=case.version
        )

    messages = receiver.messages()
    assert [message["event"] for message in messages] == ["referral.received", "case.opened", "case.closed"]
    assert messages[0]["data"] == {"referral_id": referral.pk}  # no child's id: the link, for staff who sign in
    assert messages[1]["data"] == {"case_id": case.pk, "referral_id": referral.pk}
    assert messages[2]["links"]["case"].endswith(f"/cases/{case.pk}/")
    for item in receiver.received:
        headers = item["headers"]
        assert delivery.signature_valid(
            secret=secret,
            timestamp=headers["Cme-Webhook-Timestamp"],
            body=item["body"],
            header=headers["Cme-Webhook-Signature"],
        )
        assert not delivery.signature_valid(
            secret="whsec_wrong", timestamp=headers["Cme-Webhook-Timestamp"], body=item["body"],
            header=headers["Cme-Webhook-Signature"],
        )  # fmt: skip
        text = item["body"].decode()
        for personal in ("Zenobia", "Quattlebaum", "2014-07-23", "23/07/2014", "23 July 2014"):
            assert personal not in text, f"{personal} is in a webhook message"
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert list(WebhookAttempt.objects.values_list("status_code", flat=True)) == [204, 204, 204]


def test_a_school_return_is_an_event_with_no_pupil_details(
    receiver, endpoint_for, school_user, django_capture_on_commit_callbacks
):
    endpoint_for(receiver.url, events=[WebhookEvent.RETURN_RECEIVED])
    today = timezone.localdate()
    values = {
        "given_name": "Perpetua",
        "family_name": "Ellingwood",
        "date_of_birth": today.replace(year=today.year - 10),
        "event_date": today - datetime.timedelta(days=25),
        "school_days_absent": 16,
        "address_line1": "14 Larkspur Gardens",
        "address_postcode": "ZY1 2AB",
    }
    with django_capture_on_commit_callbacks(execute=True):
        roll_return = return_submit(
            actor=school_user, school=school_user.school, kind=ReturnKind.SICKNESS, channel=ReturnChannel.API,
            values=values,
        )  # fmt: skip

    (message,) = receiver.messages()
    assert message["event"] == "return.received"
    assert message["data"] == {"return_id": roll_return.pk}
    text = receiver.received[0]["body"].decode()
    for personal in ("Perpetua", "Ellingwood", "Larkspur", "ZY1 2AB", values["date_of_birth"].isoformat()):
        assert personal not in text


def test_an_endpoint_gets_only_the_events_it_chose_and_a_rolled_back_change_sends_nothing(
    receiver, endpoint_for, officer, child, django_capture_on_commit_callbacks
):
    endpoint_for(receiver.url, events=[WebhookEvent.CASE_CLOSED])
    _open_a_case(officer, child, django_capture_on_commit_callbacks)
    assert receiver.received == []  # a referral and a case opened: not chosen

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        sid = transaction.savepoint()
        referral_create(
            actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
            concerns="Again", referrer_name="Lead",
        )  # fmt: skip
        transaction.savepoint_rollback(sid)
    assert receiver.received == [] and WebhookDelivery.objects.count() == 0
    assert callbacks is not None


def test_a_failing_endpoint_is_retried_with_exponential_back_off_until_it_answers(
    endpoint_for, officer, child, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=True)
    failing = Receiver(answers=[500, 503, 200])
    try:
        endpoint_for(failing.url, events=[WebhookEvent.REFERRAL_RECEIVED])
        with django_capture_on_commit_callbacks(execute=True):
            referral_create(
                actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
                concerns="Not seen", referrer_name="Lead",
            )  # fmt: skip
        sent = WebhookDelivery.objects.get()
        assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.RETRYING, 1, 500)
        wait = sent.next_attempt_at - timezone.now()
        assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(seconds=30)

        assert webhook_deliveries_due() == 0  # not due yet: nothing is sent early
        time_machine.shift(datetime.timedelta(seconds=31))
        assert webhook_deliveries_due() == 1  # the second attempt: 503
        sent.refresh_from_db()
        assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.RETRYING, 2, 503)
        assert sent.next_attempt_at - timezone.now() > datetime.timedelta(seconds=55)  # the wait doubled

        time_machine.shift(datetime.timedelta(seconds=61))
        webhook_deliveries_due()
        sent.refresh_from_db()
        assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.DELIVERED, 3, 200)
        assert list(sent.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 503), (3, 200)]
        bodies = {item["body"] for item in failing.received}
        assert len(failing.received) == 3 and len(bodies) == 1  # the same message each time, re-signed
    finally:
        failing.close()


def test_the_back_off_doubles_and_gives_up_after_the_last_attempt(
    endpoint_for, officer, child, django_capture_on_commit_callbacks, time_machine
):
    assert [retry_wait(n).total_seconds() for n in range(1, 5)] == [30, 60, 120, 240]
    assert retry_wait(30) == datetime.timedelta(hours=6)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=True)
    endpoint_for("http://127.0.0.1:9/nobody-listens", events=[WebhookEvent.REFERRAL_RECEIVED])
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
            concerns="Not seen", referrer_name="Lead",
        )  # fmt: skip
    for _ in range(MAX_ATTEMPTS + 2):
        time_machine.shift(datetime.timedelta(hours=7))
        webhook_deliveries_due()
    sent = WebhookDelivery.objects.get()
    assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.FAILED, MAX_ATTEMPTS, None)
    assert sent.last_error == "Could not connect to the address"


def test_on_a_worker_with_deferred_tasks_the_retry_is_queued_for_its_time(
    settings, endpoint_for, officer, child, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    from cme.webhooks.services import webhook_delivery_attempt

    failing = Receiver(answers=[502])
    try:
        endpoint_for(failing.url, events=[WebhookEvent.REFERRAL_RECEIVED])
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with django_capture_on_commit_callbacks(execute=True):
            referral_create(
                actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
                concerns="Not seen", referrer_name="Lead",
            )  # fmt: skip
        sent = WebhookDelivery.objects.get()
        (first,) = default_task_backend.results
        assert (first.task.name, first.kwargs) == ("webhook_deliver_task", {"delivery_id": sent.pk})
        assert first.task.run_after is None  # the first attempt at once
        with django_capture_on_commit_callbacks(execute=True):
            webhook_delivery_attempt(delivery_id=sent.pk)
        queued = default_task_backend.results[-1]
        sent.refresh_from_db()
        assert queued.kwargs == {"delivery_id": sent.pk}
        assert queued.task.run_after == sent.next_attempt_at
    finally:
        failing.close()


def test_the_secret_is_sealed_at_rest(endpoint_for, receiver):
    endpoint, secret = endpoint_for(receiver.url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored and secret.startswith("whsec_")
    assert WebhookEndpoint.objects.get().secret == secret


# --- the system administrator's pages ------------------------------------------------------------------------------


def test_the_administrator_adds_an_endpoint_and_sees_its_secret_once(sysadmin, sign_in, receiver):
    client = sign_in(sysadmin)
    answer = client.post(
        reverse("web:manage:webhook-create"),
        {"name": "Early help system", "url": receiver.url, "events": ["case.opened", "case.closed"]},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert answer.status_code == 200 and endpoint.events == ["case.opened", "case.closed"]
    page = answer.content.decode()
    assert endpoint.secret in page and "will not show it again" in page
    again = client.get(reverse("web:manage:webhook-detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in again and "Delivery log" in again
    listing = client.get(reverse("web:manage:webhook-list")).content.decode()
    assert "Early help system" in listing and "A case is opened; A case is closed" in listing


def test_the_form_explains_what_is_wrong(sysadmin, sign_in):
    client = sign_in(sysadmin)
    answer = client.post(
        reverse("web:manage:webhook-create"), {"name": "Plain", "url": "http://systems.example.org/hook", "events": []}
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "govuk-error-summary" in page
    assert "Choose at least one event" in page
    answer = client.post(
        reverse("web:manage:webhook-create"),
        {"name": "Plain", "url": "http://systems.example.org/hook", "events": ["case.opened"]},
    )
    assert "Enter an address starting with https://" in answer.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_the_delivery_log_shows_status_codes_and_attempts(
    sysadmin, sign_in, endpoint_for, officer, child, django_capture_on_commit_callbacks
):
    failing = Receiver(answers=[503])
    try:
        endpoint, _ = endpoint_for(failing.url, events=[WebhookEvent.REFERRAL_RECEIVED])
        with django_capture_on_commit_callbacks(execute=True):
            referral_create(
                actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
                concerns="Not seen", referrer_name="Lead",
            )  # fmt: skip
    finally:
        failing.close()
    page = sign_in(sysadmin).get(reverse("web:manage:webhook-detail", args=[endpoint.pk])).content.decode()
    assert "A referral is received" in page and "Failed, will try again" in page and "answered 503" in page


@pytest.mark.parametrize("role", [role for role in Role if role != Role.SYSADMIN])
def test_only_the_system_administrator_reaches_the_webhook_pages(role, user_factory, sign_in, endpoint_for, receiver):
    endpoint, _ = endpoint_for(receiver.url)
    client = sign_in(user_factory(role=role))
    for name, args in (("webhook-list", []), ("webhook-create", []), ("webhook-detail", [endpoint.pk])):
        assert client.get(reverse(f"web:manage:{name}", args=args)).status_code == 403
    answer = client.post(reverse("web:manage:webhook-secret", args=[endpoint.pk]), {})
    assert answer.status_code == 403
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_the_operators_guide_checks_a_real_message_with_its_own_example(
    receiver, endpoint_for, officer, child, django_capture_on_commit_callbacks
):
    """The verification code in docs/operating.md, run as written, accepts cme's message and refuses a changed one."""
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operating.md").read_text()
    section = guide[guide.index("## Webhooks") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the guide's own example
    check = namespace["cme_message_is_genuine"]
    _endpoint, secret = endpoint_for(receiver.url, events=[WebhookEvent.REFERRAL_RECEIVED])
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
            concerns="Not seen", referrer_name="Lead",
        )  # fmt: skip
    (item,) = receiver.received
    assert check(secret, item["headers"], item["body"])
    assert not check(secret, item["headers"], item["body"].replace(b"referral", b"Referral"))
    assert not check("whsec_someone_else", item["headers"], item["body"])


def test_an_endpoint_turned_off_is_sent_nothing_more(
    sysadmin, endpoint_for, officer, child, django_capture_on_commit_callbacks, time_machine
):
    from cme.webhooks.services import webhook_endpoint_update

    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=True)
    failing = Receiver(answers=[500])
    try:
        endpoint, _ = endpoint_for(failing.url, events=[WebhookEvent.REFERRAL_RECEIVED])
        with django_capture_on_commit_callbacks(execute=True):
            referral_create(
                actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=timezone.localdate(),
                concerns="Not seen", referrer_name="Lead",
            )  # fmt: skip
        webhook_endpoint_update(
            actor=sysadmin, endpoint=endpoint, url=endpoint.url, events=endpoint.events, is_active=False
        )
        time_machine.shift(datetime.timedelta(minutes=5))
        webhook_deliveries_due()
        sent = WebhookDelivery.objects.get()
        assert (sent.state, sent.attempts, len(failing.received)) == (DeliveryState.FAILED, 1, 1)
    finally:
        failing.close()
