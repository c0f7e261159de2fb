"""Reading the audit trail: the DPO's search, and the check of the whole chain (re-exported from `verify`)."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .events import AuditEvent
from .models import AuditEntry
from .verify import Problem, VerifyResult, chain_verify

__all__ = ["Problem", "VerifyResult", "audit_search", "chain_verify"]


def audit_search(
    *,
    child_id: int | None = None,
    also_child_ids: Iterable[int] = (),
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    since: datetime.date | datetime.datetime | None = None,
    until: datetime.date | datetime.datetime | None = None,
    event: AuditEvent | str | None = None,
) -> QuerySet[AuditEntry]:
    """Entries matching every filter given, newest first, each with its detail (if still held) joined in.

    `since` and `until` are inclusive; a date means the whole of that day in the council's time zone. `target_id`
    without `target_type` matches any type of object with that id. No side effects: an export of the result is
    audited by `audit_export_csv`, not here.
    """
    entries = AuditEntry.objects.select_related("detail").order_by("-sequence")
    if child_id is not None:
        # `also_child_ids`: records merged into the child (cme.people.merging), whose entries are about them too.
        entries = entries.filter(subject_child_id__in=[child_id, *also_child_ids])
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id is not None and target_id != "":
        entries = entries.filter(target_id=str(target_id))
    if since is not None:
        entries = entries.filter(occurred_at__gte=_start(since))
    if until is not None:
        if isinstance(until, datetime.datetime):
            entries = entries.filter(occurred_at__lte=_start(until))
        else:
            entries = entries.filter(occurred_at__lt=_start(until + datetime.timedelta(days=1)))
    if event:
        entries = entries.filter(event=event)
    return entries


def _start(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(moment, datetime.datetime):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return timezone.make_aware(datetime.datetime.combine(moment, datetime.time.min))
