"""Case documents: uploads checked by what the file is, not what it is called; every download recorded."""

import hashlib
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.privacy.restriction import refused_while_restricted

from ..enums import DocumentKind
from ..models import Case, Document, DocumentDownload

# What a CME officer attaches: letters, forms, emails saved as PDF, photos of a visit card. Detected by content.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
}
ERROR_TYPE = "The file must be a PDF, PNG, JPEG, Word document or Excel spreadsheet"
ERROR_EMPTY = "The selected file is empty"
ERROR_SIZE = "The file must be smaller than {limit} MB"


class DocumentRefused(ApplicationError):
    """The upload is the wrong type or size; nothing was stored."""


@dataclass(frozen=True)
class Download:
    document: Document
    file: File


# Word and Excel files are zip archives: their header says only "zip", so the archive's own parts tell them apart.
OFFICE_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _office_type(uploaded_file: File) -> str | None:
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    return next((mime for part, mime in OFFICE_PARTS.items() if part in names), None)


def _detect_type(uploaded_file: File) -> str | None:
    """The MIME type the file's content shows, among ALLOWED_TYPES; None when it is none of them.

    Only byte signatures count: puremagic's guesses from the file name are ignored, since the name is the
    uploader's to choose.
    """
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    if head.startswith(b"PK\x03\x04"):
        return _office_type(uploaded_file)
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    return next((m.mime_type for m in matches if m.byte_match and m.mime_type in ALLOWED_TYPES), None)


@refused_while_restricted("document_upload", lambda kw: [kw["case"].child_id])
@transaction.atomic
def document_upload(*, case: Case, actor, uploaded_file: File, kind: DocumentKind, title: str) -> Document:
    """Store the file outside the web root under a meaningless name, with its detected type, size and hash."""
    limit = settings.CME_DOCUMENT_MAX_BYTES
    if uploaded_file.size == 0:
        raise DocumentRefused(ERROR_EMPTY, field="file")
    if uploaded_file.size > limit:
        raise DocumentRefused(ERROR_SIZE.format(limit=limit // (1024 * 1024)), field="file")
    content_type = _detect_type(uploaded_file)
    if content_type is None:
        raise DocumentRefused(ERROR_TYPE, field="file")
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    document = Document(
        case=case,
        kind=kind,
        title=title.strip() or uploaded_file.name,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size_bytes=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    # The file is written before the row commits; if the transaction then rolls back, an unreferenced file is left
    # behind (never a row without its file). The retention sweep in a later issue removes such orphans.
    document.file.save("upload", uploaded_file, save=False)
    document.save()
    audit_record(
        actor=actor,
        event=AuditEvent.DOCUMENT_UPLOADED,
        target=document,
        related=case,
        subject_child_id=case.child_id,
        payload={"bytes": document.size_bytes},
    )
    return document


@transaction.atomic
def document_download_open(*, document: Document, actor) -> Download:
    """Record the download, then open the stored file for streaming to `actor`."""
    DocumentDownload.objects.create(document=document, downloaded_by=actor)
    audit_record(
        actor=actor,
        event=AuditEvent.DOCUMENT_DOWNLOADED,
        target=document,
        related=("cases.case", document.case_id),
        subject_child_id=document.case.child_id,
    )
    return Download(document=document, file=document.file.open("rb"))
