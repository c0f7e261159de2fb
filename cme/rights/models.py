"""Rights requests: who asked for what, about whom, and the one-month clock that governs the answer.

The people a request is about are named by content type and id (as the disclosure log does), never by foreign key:
a request outlives an erasure it granted, and the council must still be able to show it answered.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .enums import Channel, IcoStage, IdentityCheck, Outcome, PauseReason, RequesterRole, RequestKind, RequestStatus


class RightsRequest(models.Model):
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.RECORDED)
    requester_name = models.CharField("Requester's name", max_length=200)
    requester_role = models.CharField(
        "Who is asking", max_length=20, choices=RequesterRole.choices, default=RequesterRole.SELF
    )
    requester_contact = models.TextField("How to reply", blank=True, help_text="Email, phone or postal address.")
    details = models.TextField("What they asked", help_text="In the requester's words.")
    identity = models.CharField(max_length=20, choices=IdentityCheck.choices, default=IdentityCheck.NOT_CHECKED)
    identity_notes = models.TextField("How identity was checked", blank=True)
    received_on = models.DateField("Date received")
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_on = models.DateField(null=True, blank=True, help_text="A complaint's acknowledgement.")
    ico_stage = models.CharField(max_length=10, choices=IcoStage.choices, blank=True, default=IcoStage.NONE)
    ico_reference = models.CharField("ICO case reference", max_length=50, blank=True)
    ico_outcome = models.TextField("What the ICO decided", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(extension_months__lte=2), name="rights_extension_at_most_two")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}" if self.pk else "R (new)"


class RequestSubject(models.Model):
    """A person the request is about: a child or a carer held in cme (the people round the child)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="subjects")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(fields=["request", "subject_type", "subject_id"], name="rights_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} in request {self.request_id}"


class ClockPause(models.Model):
    """The clock stopped (UK GDPR Art. 12A) while waiting for identity or clarification, and when it restarted."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"Pause of request {self.request_id} from {self.started_on}"
