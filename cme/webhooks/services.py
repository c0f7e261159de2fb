"""Writes for webhooks: endpoints (the system administrator's), deliveries (made after an event commits), attempts."""

import ipaddress
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from . import delivery as http
from .enums import DeliveryState, WebhookEvent
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubling: 30 s, 1, 2, 4, 8, 16, 32 minutes; about an hour in all
LONGEST_WAIT = timedelta(hours=6)

ERROR_NO_EVENTS = "Choose at least one event"
ERROR_URL_HTTPS = "Enter an address starting with https://, like https://systems.example.gov.uk/cme-events"
ERROR_NAME_TAKEN = "There is already an endpoint with this name"


def _url_check(url: str) -> None:
    """https only, except for this machine's own addresses (a receiver on the same server, and the tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ApplicationError(ERROR_URL_HTTPS, field="url")


def _events_check(events: list[str]) -> list[str]:
    chosen = [event for event in WebhookEvent.values if event in set(events)]
    if not chosen:
        raise ApplicationError(ERROR_NO_EVENTS, field="events")
    return chosen


def secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_endpoint_create(*, actor, name: str, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, which is shown once and never again."""
    _url_check(url)
    events = _events_check(events)
    if WebhookEndpoint.objects.filter(name__iexact=name).exists():
        raise ApplicationError(ERROR_NAME_TAKEN, field="name")
    secret = secret_new()
    endpoint = WebhookEndpoint(name=name, url=url, events=events, secret=secret, created_by=actor)
    endpoint.full_clean()
    endpoint.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=endpoint, payload={"webhook": "created"})
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint: WebhookEndpoint, url: str, events: list[str], is_active: bool) -> None:
    _url_check(url)
    endpoint.url, endpoint.events, endpoint.is_active = url, _events_check(events), is_active
    endpoint.full_clean()
    endpoint.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=endpoint, payload={"webhook": "changed"})


@transaction.atomic
def webhook_secret_rotate(*, actor, endpoint: WebhookEndpoint) -> str:
    """A new secret for `endpoint`, from the next message on; returned to be shown once."""
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret", "updated_at"])
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=endpoint, payload={"webhook": "new secret"})
    return endpoint.secret


# --- deliveries ---------------------------------------------------------------------------------------------------


def message_links(data: dict) -> dict[str, str]:
    """Addresses in cme of what the message names: the receiver's staff follow them and sign in as usual."""
    base = settings.CME_SITE_URL
    paths = {
        "case_id": "/cases/{}/",
        "referral_id": "/referrals/{}/",
        "return_id": "/returns/inbox/{}/",
    }
    return {key.removesuffix("_id"): base + path.format(data[key]) for key, path in paths.items() if data.get(key)}


def message_new(*, message_id: str, event: str, data: dict) -> dict:
    """What is posted: what happened, when, and the ids and links of what it happened to; nothing about a person."""
    return {
        "id": message_id,
        "event": event,
        "occurred_at": timezone.now().isoformat(timespec="seconds"),
        "council": settings.CME_COUNCIL_NAME,
        "data": data,
        "links": message_links(data),
    }


def webhook_deliveries_create(*, event: WebhookEvent, data: dict) -> list[WebhookDelivery]:
    """A delivery for every active endpoint that chose `event`, each queued for the task worker."""
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if event in endpoint.events]
    if not endpoints:
        return []
    rows = []
    for endpoint in endpoints:
        message_id = str(uuid.uuid4())
        message = message_new(message_id=message_id, event=event, data=data)
        rows.append(WebhookDelivery(endpoint=endpoint, event=event, message_id=message_id, message=message))
    with transaction.atomic():
        created = [WebhookDelivery.objects.create(**_fields(row)) for row in rows]
        transaction.on_commit(lambda: [_enqueue(row.pk) for row in created])
    return created


def _fields(row: WebhookDelivery) -> dict:
    return {"endpoint": row.endpoint, "event": row.event, "message_id": row.message_id, "message": row.message}


def _enqueue(delivery_id: int, *, run_after=None) -> None:
    from django_tasks import default_task_backend

    from .tasks import webhook_deliver_task

    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # no deferred tasks on this backend: webhook_deliveries_due sends it when it is due
        webhook_deliver_task.using(run_after=run_after).enqueue(delivery_id=delivery_id)
        return
    webhook_deliver_task.enqueue(delivery_id=delivery_id)


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 30 s, doubling each time, at most LONGEST_WAIT."""
    return min(timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1)), LONGEST_WAIT)


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Try to post one delivery once; record the attempt; schedule the next one (back-off) or give up.

    The row is claimed in a short transaction and the HTTP request made outside it, so a slow receiver holds no lock.
    Returns None when there was nothing to do (delivered, given up, or not due yet).
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        if delivery.state not in (DeliveryState.WAITING, DeliveryState.RETRYING) or not due:
            return None
        if not delivery.endpoint.is_active:  # turned off: nothing more is sent to it
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            delivery.last_error = "The endpoint was turned off"
            delivery.save(update_fields=["state", "next_attempt_at", "last_error"])
            return delivery
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=http.TIMEOUT_SECONDS * 3)  # claimed; due again if we die
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    outcome = http.post(
        url=endpoint.url,
        secret=endpoint.secret,
        body=delivery.body,
        message_id=str(delivery.message_id),
        event=delivery.event,
    )
    finished = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        attempted_at=now,
        status_code=outcome.status_code,
        error=outcome.error[:300],
        duration_ms=outcome.duration_ms,
    )
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error[:300]
    if outcome.ok:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, finished, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.state = DeliveryState.RETRYING
        delivery.next_attempt_at = finished + retry_wait(delivery.attempts)
    delivery.save(update_fields=["state", "delivered_at", "next_attempt_at", "last_status_code", "last_error"])
    if delivery.state == DeliveryState.RETRYING:
        transaction.on_commit(lambda: _enqueue(delivery.pk, run_after=delivery.next_attempt_at))
    return delivery


def webhook_deliveries_due() -> int:
    """Queue every delivery whose next attempt is due (after a worker restart, or on a backend without deferred
    tasks). Run by the daily scheduler; safe to run at any time. Returns how many were queued."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(state__in=[DeliveryState.WAITING, DeliveryState.RETRYING]).exclude(
        next_attempt_at__gt=now
    )
    ids = list(due.values_list("pk", flat=True))
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)
