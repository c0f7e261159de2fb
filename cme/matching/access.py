"""Checked reads of matching records that name people: one door that checks and audits; forbidden looks missing.

A candidate is intake the whole service reviews (like a referral), so every caseworker may open one. Refusals are
audited and raised as RecordNotFound. Confirming a candidate onto a child cme already holds opens that child through
`cme.people.access.access_child`, under the caseload-and-purpose rule.
"""

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found
from cme.people.access import access_child_search

from .models import MatchCandidate, SourceImport


def access_candidate(*, user, candidate_id: int) -> MatchCandidate:
    """The candidate if `user` may see candidates; otherwise 404. Every read is audited (it names a child)."""
    candidate = None
    if user.has_perm("matching.view_candidates"):
        candidate = (
            MatchCandidate.objects.select_related("first_run", "last_run", "referral", "child")
            .filter(pk=candidate_id)
            .first()
        )
    if candidate is None:
        raise refuse_not_found(user=user, target_type="matching.matchcandidate", target_id=candidate_id)
    audit_record_read(actor=user, target=candidate, subject_child_id=candidate.child_id)
    return candidate


def access_import_rejections(*, user, import_id: int) -> SourceImport:
    """The import whose held-back rows `user` is about to read, audited; 404 if they may not see them."""
    source_import = None
    if user.has_perm("matching.view_rejected_rows"):
        source_import = SourceImport.objects.select_related("source").filter(pk=import_id).first()
    if source_import is None:
        raise refuse_not_found(user=user, target_type="matching.sourceimport", target_id=import_id)
    audit_record_read(actor=user, target=source_import, event=AuditEvent.SOURCE_REJECTIONS_VIEWED)
    return source_import


def source_import_visible(*, user, import_id: int) -> SourceImport:
    """The import (counts, state, receipt; no personal data) if `user` may see sources; otherwise 404."""
    source_import = None
    if user.has_perm("matching.view_sources"):
        source_import = SourceImport.objects.select_related("source", "imported_by").filter(pk=import_id).first()
    if source_import is None:
        raise refuse_not_found(user=user, target_type="matching.sourceimport", target_id=import_id)
    return source_import


def access_candidate_known_children(*, user, candidate: MatchCandidate, limit: int = 5) -> list:
    """Children cme already holds who may be this candidate (name, date of birth, postcode), best first, for the
    officer to choose from when confirming, so a child is not recorded twice. Found by the audited child search:
    what was searched for is kept in the entry's erasable detail, the candidate named as what it was for."""
    if candidate.date_of_birth is None:
        return []
    name = f"{candidate.given_name} {candidate.family_name}".strip()
    return access_child_search(
        user=user,
        name=name,
        date_of_birth=candidate.date_of_birth,
        postcode=candidate.postcode,
        limit=limit,
        related=candidate,
    )
