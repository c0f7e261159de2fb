"""The disclosure log: every sharing out and every receipt in of personal data, with who, why and on what basis.

The privacy app imports no other app (design.md): who the disclosure is about and what caused it are held as
content type and id, so any model can be named without privacy depending on it. A disclosure names its people in
DisclosureSubject, one row each.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .enums import Direction, LawfulBasis, Purpose


class Disclosure(models.Model):
    direction = models.CharField(max_length=3, choices=Direction.choices)
    organisation = models.CharField(max_length=200, help_text="Who received the data, or who sent it.")
    data_categories = models.JSONField(default=list, help_text="DataCategory codes.")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True)
    cause_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cause_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The decision, import or export.")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.organisation} ({self.occurred_at:%Y-%m-%d})"


class DisclosureSubject(models.Model):
    """A person a disclosure is about. A disclosure names every person whose data went out or came in (an extract
    of thousands, a return about one pupil), so subject access finds it from any of them.

    The person is a child or carer cme holds a record of, or, until someone matches them to a child, the person as
    the received record names them: the pupil in a school's return, the person in a row of a source extract. When a
    person makes that match, the child is added as a subject too (cme.privacy.services.disclosure_subject_add).
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="subjects")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(help_text="The person the data is about.")

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "subject_type", "subject_id"], name="disclosure_subject_once")
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.disclosure_id} about {self.subject_type_id}:{self.subject_id}"


class AccessPurpose(models.Model):
    """A person's stated reason for opening a child's record outside their own caseload.

    It covers that person and that child for the rest of the sign-in session it was stated in, so the question is
    asked once per record per session, not on every page. The DPO reviews these.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(help_text="The person whose record was opened.")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    reason = models.CharField(max_length=500)
    session_key = models.CharField(max_length=64, db_index=True, help_text="The sign-in session it covers.")
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stated_at", "-pk"]
        indexes = [models.Index(fields=["user", "subject_type", "subject_id", "session_key"])]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.subject_type_id}:{self.subject_id} for {self.purpose}"
