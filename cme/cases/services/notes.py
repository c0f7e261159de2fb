"""File notes: added, and corrected by a new version; never edited or deleted in place."""

from django.db import transaction

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.privacy.restriction import refused_while_restricted

from ..models import Case, Note

ERROR_EMPTY = "Enter the note"
ERROR_ALREADY_CORRECTED = "This note has already been corrected. Correct the newest version instead."
ERROR_REASON = "Enter why you are correcting the note"


@refused_while_restricted("note_add", lambda kw: [kw["case"].child_id])
@transaction.atomic
def note_add(*, case: Case, actor, text: str) -> Note:
    if not text.strip():
        raise ApplicationError(ERROR_EMPTY, field="text")
    note = Note.objects.create(case=case, author=actor, text=text.strip())
    audit_record(actor=actor, event=AuditEvent.NOTE_ADDED, target=note, related=case, subject_child_id=case.child_id)
    return note


@refused_while_restricted("note_correct", lambda kw: [kw["note"].case.child_id])
@transaction.atomic
def note_correct(*, note: Note, actor, text: str, reason: str) -> Note:
    """Write a new version of `note`; the original stays, linked, for the record."""
    if not text.strip():
        raise ApplicationError(ERROR_EMPTY, field="text")
    reason = require_rationale(reason, message=ERROR_REASON, field="reason")
    note = Note.objects.select_for_update().get(pk=note.pk)
    if Note.objects.filter(corrects=note).exists():
        raise ApplicationError(ERROR_ALREADY_CORRECTED)
    correction = Note.objects.create(
        case_id=note.case_id, author=actor, text=text.strip(), corrects=note, correction_reason=reason
    )
    audit_record(
        actor=actor,
        event=AuditEvent.NOTE_CORRECTED,
        target=correction,
        related=note,
        subject_child_id=note.case.child_id,
    )
    return correction
