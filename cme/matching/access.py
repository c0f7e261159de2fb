"""Checked reads of matching records that name people: one door that checks and audits; forbidden looks missing."""

from django.http import Http404

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record_read

from .models import MatchCandidate, SourceImport


def access_candidate(*, user, candidate_id: int) -> MatchCandidate:
    """The candidate if `user` may see candidates; otherwise 404. Every read is audited (it names a child)."""
    if not user.has_perm("matching.view_candidates"):
        raise Http404
    candidate = (
        MatchCandidate.objects.select_related("first_run", "last_run", "referral", "child")
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise Http404
    audit_record_read(actor=user, target=candidate, subject_child_id=candidate.child_id)
    return candidate


def access_import_rejections(*, user, import_id: int) -> SourceImport:
    """The import whose held-back rows `user` is about to read, audited; 404 if they may not see them."""
    if not user.has_perm("matching.view_rejected_rows"):
        raise Http404
    source_import = SourceImport.objects.select_related("source").filter(pk=import_id).first()
    if source_import is None:
        raise Http404
    audit_record_read(actor=user, target=source_import, event=AuditEvent.SOURCE_REJECTIONS_VIEWED)
    return source_import


def source_import_visible(*, user, import_id: int) -> SourceImport:
    """The import (counts, state, receipt; no personal data) if `user` may see sources; otherwise 404."""
    if not user.has_perm("matching.view_sources"):
        raise Http404
    source_import = SourceImport.objects.select_related("source", "imported_by").filter(pk=import_id).first()
    if source_import is None:
        raise Http404
    return source_import
