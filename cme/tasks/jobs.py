"""Background work for task emails: the daily summary (`CME_DAILY_TASKS`) and the safeguarding alert."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .email import digests_send, safeguarding_alerts_send

logger = logging.getLogger(__name__)


@task()
def task_digest_daily() -> int:
    """Email each caseworker who asked for it a summary of their tasks; return how many emails were sent."""
    sent = digests_send(today=timezone.localdate())
    logger.info("Task summaries sent: %s.", sent)
    return sent


@task()
def safeguarding_alert() -> int:
    """Email at once everyone who chose immediate emails: a safeguarding concern is waiting for triage."""
    return safeguarding_alerts_send()


def safeguarding_alert_on_commit() -> None:
    """Queue the alert once the caller's transaction commits (never for a return that was rolled back)."""
    transaction.on_commit(lambda: safeguarding_alert.enqueue())
