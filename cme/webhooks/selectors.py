"""Reads for the webhook pages: endpoints and their delivery log (no personal data in either)."""

from django.db.models import QuerySet

from .models import WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("name", "pk")


def webhook_delivery_log(*, endpoint: WebhookEndpoint, limit: int = LOG_LENGTH) -> list[WebhookDelivery]:
    """The newest deliveries to `endpoint`, each with its attempts."""
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log").order_by("-pk")[:limit]
    )
