"""Background work for the audit trail: the daily signed checkpoint, and a check of the chain the DPO starts."""

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .checkpoints import checkpoint_write, checkpoints_check
from .keys import AuditKeyError
from .models import AuditVerification
from .verify import chain_verify

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


@task()
def audit_verification_task(*, verification_id: int) -> bool:
    """Check the whole chain (and the checkpoints in `CME_AUDIT_CHECKPOINT_DIR`, when set) and record the result."""
    verification = AuditVerification.objects.get(pk=verification_id)
    result = chain_verify()
    verification.entries_checked = result.entries_checked
    verification.ok = result.ok
    if not result.ok:
        verification.problem, verification.sequence, verification.message = (
            str(result.problem),
            result.sequence,
            result.message,
        )
    elif settings.CME_AUDIT_CHECKPOINT_DIR and settings.CME_AUDIT_SIGNING_KEY_FILE:
        try:
            checked, problem = checkpoints_check(
                directory=settings.CME_AUDIT_CHECKPOINT_DIR, head_sequence=result.head_sequence
            )
        except AuditKeyError as error:
            checked, problem = 0, None
            verification.message = f"The checkpoints were not checked: {error}"
        verification.checkpoints_checked = checked
        if problem is not None:
            verification.ok, verification.problem, verification.message = (
                False,
                f"checkpoint_{problem.kind}",
                problem.message,
            )
    verification.finished_at = timezone.now()
    verification.save()
    return bool(verification.ok)
