"""File notes: added, and corrected by a new version; never edited or deleted in place."""

from django.db import transaction

from cme.common.errors import ApplicationError

from ..models import Case, Note

ERROR_EMPTY = "Enter the note"
ERROR_ALREADY_CORRECTED = "This note has already been corrected. Correct the newest version instead."
ERROR_REASON = "Enter why you are correcting the note"


@transaction.atomic
def note_add(*, case: Case, actor, text: str) -> Note:
    if not text.strip():
        raise ApplicationError(ERROR_EMPTY, field="text")
    return Note.objects.create(case=case, author=actor, text=text.strip())


@transaction.atomic
def note_correct(*, note: Note, actor, text: str, reason: str) -> Note:
    """Write a new version of `note`; the original stays, linked, for the record."""
    if not text.strip():
        raise ApplicationError(ERROR_EMPTY, field="text")
    if not reason.strip():
        raise ApplicationError(ERROR_REASON, field="reason")
    note = Note.objects.select_for_update().get(pk=note.pk)
    if Note.objects.filter(corrects=note).exists():
        raise ApplicationError(ERROR_ALREADY_CORRECTED)
    return Note.objects.create(
        case_id=note.case_id, author=actor, text=text.strip(), corrects=note, correction_reason=reason.strip()
    )
