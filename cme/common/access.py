"""Refusing a checked read: every `access_*` door refuses through here, so each refusal is audited the same way.

A refusal is written to the audit trail before the error is raised (outside any transaction of the caller's, it is
committed at once, so a refused request leaves its trace even though nothing else happens).
"""

from typing import Any

from django.db import transaction

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record

from .errors import PurposeRequired, RecordNotFound

# Keys of a URL that name a protected record, and the record's type: a 403 or 404 on such a URL is audited.
PROTECTED_URL_KEYS = {
    "child_id": "people.child",
    "carer_id": "people.carer",
    "case_id": "cases.case",
    "referral_id": "cases.referral",
    "partner_enquiry_id": "cases.enquiry",
    "partner_referral_id": "cases.partnerreferral",
    "document_id": "cases.document",
    "return_id": "schools.rollreturn",
    "candidate_id": "matching.matchcandidate",
    "import_id": "matching.sourceimport",
    "request_id": "rights.rightsrequest",
    "report_id": "frontdoor.frontdoorreport",
    "incoming_id": "transfers.incomingtransfer",
}


MAX_ID = 2**63 - 1  # the largest id a database row can have


def refuse_not_found(*, user: Any, target_type: str, target_id: int | str | None, **payload: Any) -> RecordNotFound:
    """Audit that `user` was refused the record (absent, or not theirs to see) and return the error to raise.

    An id no row can have (beyond 64 bits) names nothing: the entry says so instead of naming it.
    """
    named = target_id
    if not _possible_id(target_id):
        named, payload = None, {**payload, "id": "impossible"}
    audit_record(
        actor=user,
        event=AuditEvent.ACCESS_REFUSED,
        target_type=target_type,
        target_id=named,
        payload={"refusal": "not_found", **payload},
    )
    return RecordNotFound(target_type=target_type, target_id=target_id)


def _possible_id(value: int | str | None) -> bool:
    try:
        return 0 < int(value) <= MAX_ID
    except (TypeError, ValueError):
        return False


def refuse_without_purpose(*, user: Any, target: Any) -> PurposeRequired:
    """Audit that `user` was refused `target`'s record until they say why they need it; return the error to raise."""
    audit_record(actor=user, event=AuditEvent.PURPOSE_REQUIRED, target=target)
    return PurposeRequired(target_type=target._meta.label_lower, target_id=target.pk)


def audit_refused_request(*, user: Any, status: int, route: str, url_kwargs: dict[str, Any]) -> None:
    """Audit a 403 or 404 an adapter answered on a URL naming a protected record (see PROTECTED_URL_KEYS).

    The doors audit their own refusals; this covers the role check that refuses before any door is reached.
    A URL naming no protected record (a list page refused to a school user) is not audited.
    """
    named = [(key, value) for key, value in url_kwargs.items() if key in PROTECTED_URL_KEYS]
    if not named or user is None or not getattr(user, "is_authenticated", False):
        return
    key, value = named[-1]  # the last protected record the URL names: for a document of a case, the document
    possible = _possible_id(value)
    audit_record(
        actor=user,
        event=AuditEvent.ACCESS_REFUSED,
        target_type=PROTECTED_URL_KEYS[key],
        target_id=value if possible else None,
        payload={
            "refusal": "not_permitted",
            "status": status,
            "route": route,
            **({} if possible else {"id": "impossible"}),
        },
    )


MAX_LISTED_IDS = 100
MAX_CRITERION_CHARS = 200


def audit_list_read(
    *, user: Any, target_type: str, route: str, shown: list[int], total: int, criteria: dict[str, str] | None = None
) -> None:
    """Audit that `user` was shown a list of records (one page of it): which ids (chained: ids only), how many in all,
    and the filters asked for in the erasable detail (a filter can be a name)."""
    asked = {
        key: str(value)[:MAX_CRITERION_CHARS] for key, value in (criteria or {}).items() if value not in ("", None)
    }
    audit_record(
        actor=user,
        event=AuditEvent.LIST_VIEWED,
        target_type=target_type,
        payload={"route": route, "results": total, "shown": list(shown)[:MAX_LISTED_IDS]},
        detail={"criteria": asked} if asked else None,
    )


EXPORT_IDS_PER_ENTRY = 150  # each entry's payload stays under the audit service's size limit


def audit_export(
    *,
    user: Any,
    target_type: str,
    route: str,
    file_format: str,
    ids: list[int],
    criteria: dict[str, str] | None = None,
) -> int:
    """Audit that `user` downloaded a list of records as a file: the row count and every id, in the chain.

    The ids go in entries of up to EXPORT_IDS_PER_ENTRY (`part` of `parts`), each saying the route, the format and
    the whole row count; the filters asked for (which can be a name) go in the first entry's erasable detail.
    Returns how many entries were written.
    """
    asked = {
        key: str(value)[:MAX_CRITERION_CHARS] for key, value in (criteria or {}).items() if value not in ("", None)
    }
    chunks = [ids[start : start + EXPORT_IDS_PER_ENTRY] for start in range(0, len(ids), EXPORT_IDS_PER_ENTRY)] or [[]]
    with transaction.atomic():
        for part, chunk in enumerate(chunks, start=1):
            _audit_export_part(user, target_type, route, file_format, ids, chunk, part, len(chunks), asked)
    return len(chunks)


def _audit_export_part(user, target_type, route, file_format, ids, chunk, part, parts, asked) -> None:
    audit_record(
        actor=user,
        event=AuditEvent.EXPORT,
        target_type=target_type,
        payload={
            "route": route,
            "format": file_format,
            "rows": len(ids),
            "part": part,
            "parts": parts,
            "ids": chunk,
        },
        detail={"criteria": asked} if asked and part == 1 else None,
    )
