"""Documents attached to a case: stored outside the web root, type checked by content, every download recorded."""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject

from ..enums import DocumentKind


class DocumentStorage(LazyObject):
    """Files under CME_DOCUMENT_ROOT (default var/documents): never under STATIC_ROOT and never given a URL."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.CME_DOCUMENT_ROOT, base_url=None)


document_storage = DocumentStorage()


def document_path(instance: "Document", filename: str) -> str:
    # The stored name reveals nothing: the original file name (often a child's name) stays in the database only.
    return f"{instance.case_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Detected from the file's content, not its name.")
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=document_storage, upload_to=document_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class DocumentDownload(models.Model):
    """Who downloaded which document, when."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    downloaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"Document {self.document_id} downloaded by {self.downloaded_by_id}"
