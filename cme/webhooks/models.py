"""Webhook endpoints and their delivery log. Neither holds personal data: a message carries ids and links only."""

import json

from django.conf import settings
from django.db import models

from cme.common.crypto import EncryptedCharField

from .enums import DeliveryState, WebhookEvent


class WebhookEndpoint(models.Model):
    """A system of the council's that cme tells about chosen events, by a signed POST to `url`."""

    name = models.CharField(max_length=100, help_text="What the system is, in the administrator's words.")
    url = models.URLField(max_length=500, help_text="Where the messages are posted.")
    events = models.JSONField(default=list, help_text="The WebhookEvent values it is told about.")
    # The key both sides sign with: sealed with the field keys at rest, shown to the administrator once.
    secret = EncryptedCharField(max_length=100)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        return [WebhookEvent(value).label for value in self.events if value in WebhookEvent.values]


class WebhookDelivery(models.Model):
    """One message for one endpoint, and where its delivery stands."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    message_id = models.UUIDField(unique=True, help_text="The message's `id`: the same on every attempt.")
    message = models.JSONField(help_text="What is posted: the event, when, and ids and links only.")
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} to {self.endpoint}"

    @property
    def body(self) -> bytes:
        """The bytes posted and signed: the message as compact JSON with its keys sorted, the same on every attempt."""
        return json.dumps(self.message, separators=(",", ":"), sort_keys=True).encode()


class WebhookAttempt(models.Model):
    """One try at posting a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"
