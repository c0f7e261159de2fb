"""Checked reads of people's records: the one door every page, endpoint and command opens a child or a carer by.

The rule (privacy notice: access only for a purpose): a caseworker opens the record of a child in their caseload
(a child with a case they or their team work; any case for a manager) and of a carer of such a child. Outside it,
the record opens only once they have said why, in this sign-in session (on the pages) or with this token (on the
API): `session_key` names which. Every read is audited with the purpose that opened it; every refusal is audited and
raised as a domain error (`RecordNotFound`, `PurposeRequired`) that the pages and the API answer in their own way.
"""

from datetime import date

from django.db import transaction

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record, audit_record_read
from cme.cases.selectors import carer_in_caseload, child_in_caseload
from cme.common.access import refuse_not_found, refuse_without_purpose
from cme.common.errors import PurposeRequired
from cme.privacy.selectors import access_purpose_current

from .models import Carer, Child
from .selectors import ChildMatch, PossibleDuplicate, child_possible_duplicates, child_search

CHILD_TYPE = "people.child"
CARER_TYPE = "people.carer"


def child_visible(*, user, child_id: int) -> Child:
    """The child if `user` may open children's records at all; otherwise RecordNotFound (audited). The read itself
    is not audited: nothing of the record is shown. Used by the purpose question, which comes before the record."""
    if not user.has_perm("people.view_child"):
        raise refuse_not_found(user=user, target_type=CHILD_TYPE, target_id=child_id)
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise refuse_not_found(user=user, target_type=CHILD_TYPE, target_id=child_id)
    return child


def access_child(*, user, child_id: int, session_key: str) -> Child:
    """Open the child's record for `user`: inside their caseload, or outside it with a purpose stated in
    `session_key`. Audited with that purpose. Raises RecordNotFound or PurposeRequired, each audited."""
    child = child_visible(user=user, child_id=child_id)
    purpose, reason = _purpose_for(user=user, subject=child, session_key=session_key, in_caseload=child_in_caseload)
    audit_record_read(actor=user, target=child, purpose=purpose, purpose_text=reason)
    return child


def carer_visible(*, user, carer_id: int) -> Carer:
    """The carer if `user` may open people's records (carers are read under the children's permission); otherwise
    RecordNotFound (audited). Not audited as a read: nothing of the record is shown."""
    if not user.has_perm("people.view_child"):
        raise refuse_not_found(user=user, target_type=CARER_TYPE, target_id=carer_id)
    carer = Carer.objects.filter(pk=carer_id).first()
    if carer is None:
        raise refuse_not_found(user=user, target_type=CARER_TYPE, target_id=carer_id)
    return carer


def access_carer(*, user, carer_id: int, session_key: str) -> Carer:
    """Open the carer's record (their details and the children they care for) under the child rule: inside the
    caseload when one of their children is, otherwise with a purpose stated in `session_key`. The read is audited
    with the ids of the children the record shows; refusals are audited and raised."""
    carer = carer_visible(user=user, carer_id=carer_id)
    purpose, reason = _purpose_for(user=user, subject=carer, session_key=session_key, in_caseload=carer_in_caseload)
    children = sorted(carer.relationships.values_list("child_id", flat=True))
    audit_record_read(actor=user, target=carer, purpose=purpose, purpose_text=reason, payload={"children": children})
    return carer


def access_carer_of_child(*, user, child: Child, carer_id: int, session_key: str) -> Carer:
    """Open, from the record of `child` (already opened by access_child), the record of one of the child's carers.

    The carer is part of the child's record (the child's page shows them), so the reason that opened the child opens
    them too: inside the caseload, or with the purpose stated for the child (or for the carer) in `session_key`.
    RecordNotFound (audited) unless the carer cares for this child. The read is audited with that purpose."""
    carer = carer_visible(user=user, carer_id=carer_id)
    if not carer.relationships.filter(child=child).exists():
        raise refuse_not_found(user=user, target_type=CARER_TYPE, target_id=carer_id)
    try:
        purpose, reason = _purpose_for(user=user, subject=child, session_key=session_key, in_caseload=child_in_caseload)
    except PurposeRequired:
        purpose, reason = _purpose_for(user=user, subject=carer, session_key=session_key, in_caseload=carer_in_caseload)
    audit_record_read(actor=user, target=carer, purpose=purpose, purpose_text=reason, payload={"children": [child.pk]})
    return carer


def _purpose_for(*, user, subject, session_key: str, in_caseload) -> tuple[str, str]:
    """("", "") inside the caseload; the purpose and reason stated for `subject` in this session outside it.

    A record merged into another (cme.people.merging) has nothing of its own left: it is in the caseload when the
    record it was merged into is."""
    subject_id = getattr(subject, "merged_into_id", None) or subject.pk
    if in_caseload(user=user, **{f"{subject._meta.model_name}_id": subject_id}):
        return "", ""
    statement = access_purpose_current(user=user, subject=subject, session_key=session_key)
    if statement is None:
        raise refuse_without_purpose(user=user, target=subject)
    return statement.purpose, statement.reason


@transaction.atomic
def access_child_search(
    *,
    user,
    name: str = "",
    date_of_birth: date | None = None,
    upn: str = "",
    postcode: str = "",
    limit: int = 50,
    related=None,
) -> list[ChildMatch]:
    """Search children's records for `user`, and audit it: what was searched for in the erasable detail, the number
    of results chained. `related` names what the search was made for (a return, a match candidate), if anything."""
    if not user.has_perm("people.search_children"):
        return []
    matches = child_search(name=name, date_of_birth=date_of_birth, upn=upn, postcode=postcode, limit=limit)
    criteria = {
        "name": name,
        "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
        "upn": upn,
        "postcode": postcode,
    }
    audit_record(
        actor=user,
        event=AuditEvent.SEARCH,
        target_type=CHILD_TYPE,
        related=related,
        detail={"criteria": criteria},
        payload={"results": len(matches)},
    )
    return matches


@transaction.atomic
def access_child_possible_duplicates(
    *,
    user,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    preferred_name: str = "",
    upn: str = "",
    nhs_number: str = "",
    postcode: str = "",
    related=None,
) -> list[PossibleDuplicate]:
    """The children already held who may be the one `user` is about to record, for them to compare side by side.

    The check reads children outside the caseload too (a duplicate is a duplicate wherever its case is), so it shows
    only who they are (names, date of birth) and why, and is audited as a search: what was checked in the erasable
    detail, the ids shown chained. Open to whoever may record a child."""
    if not user.has_perm("people.add_child") and not user.has_perm("people.change_child"):
        return []
    duplicates = child_possible_duplicates(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        preferred_name=preferred_name,
        upn=upn,
        nhs_number=nhs_number,
        postcode=postcode,
    )
    criteria = {
        "name": f"{given_name} {family_name}",
        "preferred_name": preferred_name,
        "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
        "upn": upn,
        "nhs_number": nhs_number,
        "postcode": postcode,
    }
    audit_possible_duplicates_shown(user=user, duplicates=duplicates, criteria=criteria, related=related)
    return duplicates


@transaction.atomic
def audit_possible_duplicates_shown(*, user, duplicates: list[PossibleDuplicate], criteria=None, related=None) -> None:
    """Audit that the duplicate check showed `user` these children (a PossibleDuplicatesError a page or the API
    answers with): as a search, the ids chained, what was checked in the erasable detail."""
    audit_record(
        actor=user,
        event=AuditEvent.SEARCH,
        target_type=CHILD_TYPE,
        related=related,
        detail={"criteria": {"check": "possible_duplicates", **(criteria or {})}},
        payload={"results": len(duplicates), "possible_duplicates": [duplicate.id for duplicate in duplicates]},
    )


def audit_upn_holder_shown(*, user, error) -> None:
    """Audit that a refusal named the child whose record holds a UPN (an UpnTakenError shown on a page or answered by
    the API): as the duplicate check is, a search, the id chained."""
    if getattr(error, "record_type", "") != CHILD_TYPE:
        return
    audit_record(
        actor=user,
        event=AuditEvent.SEARCH,
        target_type=CHILD_TYPE,
        detail={"criteria": {"check": "upn_taken"}},
        payload={"results": 1, "possible_duplicates": [error.record_id]},
    )
