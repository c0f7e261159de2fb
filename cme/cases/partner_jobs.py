"""Background work for partner agencies: the daily chasers for unanswered enquiries (in `CME_DAILY_TASKS`)."""

import logging

from django.utils import timezone
from django_tasks import task

from .services.partners import enquiry_chasers_send

logger = logging.getLogger(__name__)


@task()
def enquiry_chasers_daily() -> int:
    """Email a reminder (a link only) to each partner agency with an enquiry past its reply period; return how many
    enquiries were chased. Run by the task worker once a day; safe to run again (one chase per period)."""
    chased = enquiry_chasers_send(today=timezone.localdate())
    logger.info("Partner enquiries chased: %s.", chased)
    return chased
