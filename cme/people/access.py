"""Checked reads of a child's record: the one door views, endpoints and commands use. Forbidden looks like missing."""

from datetime import date

from django.db import transaction
from django.http import Http404

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record, audit_record_read

from .models import Child
from .selectors import ChildMatch, child_search


def child_visible(*, user, child_id: int) -> Child:
    """The child if `user` may see children's records at all; otherwise 404. Not audited: nothing is shown yet.

    Used to decide whether a purpose must be asked before the record is opened with `access_child`.
    """
    if not user.has_perm("people.view_child"):
        raise Http404
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


def access_child(*, user, child_id: int, purpose: str = "", purpose_text: str = "") -> Child:
    """Open the child's record for `user`, recording the read (and the purpose they stated) in the audit trail."""
    child = child_visible(user=user, child_id=child_id)
    audit_record_read(actor=user, target=child, purpose=purpose, purpose_text=purpose_text)
    return child


@transaction.atomic
def access_child_search(
    *, user, name: str = "", date_of_birth: date | None = None, upn: str = "", postcode: str = ""
) -> list[ChildMatch]:
    """Search children's records for `user`, and audit it: the terms in the erasable detail, the count chained."""
    if not user.has_perm("people.search_children"):
        return []
    matches = child_search(name=name, date_of_birth=date_of_birth, upn=upn, postcode=postcode)
    criteria = {
        "name": name,
        "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
        "upn": upn,
        "postcode": postcode,
    }
    audit_record(
        actor=user,
        event=AuditEvent.SEARCH,
        target_type="people.child",
        detail={"criteria": criteria},
        payload={"results": len(matches)},
    )
    return matches
