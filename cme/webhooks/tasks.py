"""Background work for webhooks: one attempt at a delivery (the worker retries with back-off), and a daily sweep."""

from django_tasks import task


@task()
def webhook_deliver_task(*, delivery_id: int) -> None:
    from .services import webhook_delivery_attempt

    webhook_delivery_attempt(delivery_id=delivery_id)


@task()
def webhook_deliveries_due_task() -> int:
    """Queue deliveries whose next attempt is due but was never queued (a worker restarted while waiting)."""
    from .services import webhook_deliveries_due

    return webhook_deliveries_due()
