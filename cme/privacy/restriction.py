"""Restriction of processing (UK GDPR Art. 18): the one guard every write path about a child asks.

While a child's records are restricted, cme stores them and nothing else: no change to the child, their carers or
their cases, no note, no enquiry sent, nothing shared. `ensure_not_restricted` is called by each such service before
its transaction opens, so the refusal it audits is committed even though the change is not. Pages show a banner on
every page about a restricted child (cme.web.context_processors). The DPO places and lifts restrictions (cme.rights).
"""

import functools
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale

from .models import ProcessingRestriction

ERROR_RESTRICTED = (
    "The use of this child's records is restricted while a data protection request is considered: nothing about "
    "them can be changed or shared until the data protection officer lifts the restriction."
)
ERROR_ALREADY = "This child's records are already restricted."
ERROR_NOT_IN_FORCE = "This restriction has already been lifted."


class RestrictedError(ApplicationError):
    """A change or sharing about a child whose records are restricted; refused and audited."""

    def __init__(self, message: str = ERROR_RESTRICTED):
        super().__init__(message)


def restrictions_in_force() -> set[int]:
    """The children whose records are restricted now (a handful at most, so one small query)."""
    return set(ProcessingRestriction.objects.filter(lifted_at__isnull=True).values_list("child_id", flat=True))


def restricted_child_ids(child_ids: Iterable[int | None]) -> set[int]:
    """Which of `child_ids` are under a restriction in force."""
    in_force = restrictions_in_force()
    if not in_force:
        return set()
    return {int(i) for i in child_ids if i is not None} & in_force


def restriction_current(child_id: int) -> ProcessingRestriction | None:
    return ProcessingRestriction.objects.filter(child_id=child_id, lifted_at__isnull=True).first()


def ensure_not_restricted(*, actor, child_ids: Iterable[int | None], action: str, target=None) -> None:
    """Raise RestrictedError, after auditing the attempt, if any of `child_ids` is restricted. `action` names what
    was tried ("child_update", "enquiry_request" …). Call it before opening the change's transaction."""
    restricted = sorted(restricted_child_ids(child_ids))
    if not restricted:
        return
    for child_id in restricted:
        audit_record(
            actor=actor,
            event=AuditEvent.RESTRICTION_REFUSED,
            target_type="people.child",
            target_id=child_id,
            subject_child_id=child_id,
            related=target if target is not None and getattr(target, "pk", None) else None,
            payload={"action": action},
        )
    raise RestrictedError()


@transaction.atomic
def restriction_place(*, actor, child, reason: str, request_id: int | None = None) -> ProcessingRestriction:
    """Restrict the use of `child`'s records, with the reason; audited."""
    reason = require_rationale(reason, field="reason")
    if restriction_current(child.pk) is not None:
        raise ApplicationError(ERROR_ALREADY)
    restriction = ProcessingRestriction.objects.create(
        child_id=child.pk, request_id=request_id, reason=reason, placed_by=actor
    )
    audit_record(
        actor=actor,
        event=AuditEvent.RESTRICTION_PLACED,
        target=restriction,
        subject_child_id=child.pk,
        payload={"child": child.pk, "request": request_id},
        detail={"reason": reason},
    )
    return restriction


@transaction.atomic
def restriction_lift(*, actor, restriction: ProcessingRestriction, reason: str) -> ProcessingRestriction:
    """Lift a restriction in force, with the reason; audited."""
    reason = require_rationale(reason, field="reason")
    restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise ApplicationError(ERROR_NOT_IN_FORCE)
    restriction.lifted_by, restriction.lifted_at, restriction.lift_reason = actor, timezone.now(), reason
    restriction.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    audit_record(
        actor=actor,
        event=AuditEvent.RESTRICTION_LIFTED,
        target=restriction,
        subject_child_id=restriction.child_id,
        payload={"child": restriction.child_id, "request": restriction.request_id},
        detail={"reason": reason},
    )
    return restriction


def refused_while_restricted(action: str, children):
    """Decorate a write service (above its @transaction.atomic) so that it is refused, and the attempt audited, when
    a child it would change or share is restricted. `children(kwargs)` gives the ids of the children concerned from
    the service's keyword arguments."""

    def decorate(service):
        @functools.wraps(service)
        def guarded(*args, **kwargs):
            ensure_not_restricted(actor=kwargs.get("actor"), child_ids=children(kwargs), action=action)
            return service(*args, **kwargs)

        guarded.restriction_guarded = action
        return guarded

    return decorate
