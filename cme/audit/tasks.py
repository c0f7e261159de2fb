"""Background work for the audit trail: the daily signed checkpoint, and a check of the chain the DPO starts."""

import logging

from django.conf import settings
from django_tasks import task

from .checkpoints import checkpoint_write

logger = logging.getLogger(__name__)


@task()
def audit_checkpoint_daily() -> str:
    """Sign the chain head into `CME_AUDIT_CHECKPOINT_DIR` (a daily task: `CME_DAILY_TASKS`); return the file's path.

    Does nothing, and says so in the log, until both the directory and `CME_AUDIT_SIGNING_KEY_FILE` are set.
    """
    if not (settings.CME_AUDIT_CHECKPOINT_DIR and settings.CME_AUDIT_SIGNING_KEY_FILE):
        logger.warning(
            "No audit checkpoint written: set CME_AUDIT_CHECKPOINT_DIR and CME_AUDIT_SIGNING_KEY_FILE "
            "(docs/operating.md)."
        )
        return ""
    written = checkpoint_write(directory=settings.CME_AUDIT_CHECKPOINT_DIR)
    logger.info("Audit checkpoint written: entry %s, %s.", written.sequence, written.path)
    return str(written.path)
