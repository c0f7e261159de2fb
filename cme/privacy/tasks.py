"""The daily retention sweep (named in settings.CME_DAILY_TASKS): housekeeping, then a batch for the DPO to review."""

from django_tasks import task


@task()
def retention_sweep_task() -> dict:
    """Delete expired sessions, tokens, old sign-in logs and finished jobs; propose a batch of what else is due.

    Nothing about a child is deleted here: a proposed batch waits for the data protection officer's approval.
    """
    from .retention import disposal_batch_propose, retention_housekeeping

    housekeeping = retention_housekeeping(actor=None)
    batch = disposal_batch_propose(actor=None)
    return {"housekeeping": housekeeping, "batch": batch.pk if batch else None}


@task()
def notice_check_task() -> dict:
    """Make a draft of the privacy notice when the catalogue (or the council's details) has changed what it says.

    The draft waits for the data protection officer to publish it: nothing the public reads changes here.
    """
    from .versions import notice_version_check

    draft = notice_version_check(actor=None)
    return {"draft": draft.pk if draft else None}
