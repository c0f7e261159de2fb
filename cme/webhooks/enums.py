from django.db import models


class WebhookEvent(models.TextChoices):
    """What an endpoint can be told about. The value is the `event` field of every message."""

    REFERRAL_RECEIVED = "referral.received", "A referral is received"
    CASE_OPENED = "case.opened", "A case is opened"
    CASE_CLOSED = "case.closed", "A case is closed"
    RETURN_RECEIVED = "return.received", "A school's return (or a file of returns) is received"


class DeliveryState(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    RETRYING = "retrying", "Failed, will try again"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed, no more attempts"
