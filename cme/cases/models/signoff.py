"""A request to close a case that the council's settings say a manager must sign off first."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from ..enums import Outcome, SignOffState


class SignOffRequest(TimestampedModel):
    """An officer's closure of a case, held until a manager approves it (the case then closes) or sends it back.

    It carries everything the closing page asked, so the manager approves exactly what the officer proposed. At most
    one request per case waits at a time. Every move is also a `Decision` (cme.cases.services.signoff).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sign_offs")
    state = models.CharField(max_length=20, choices=SignOffState.choices, default=SignOffState.WAITING)
    outcome = models.CharField(max_length=40, choices=Outcome.choices)
    rationale = models.TextField(help_text="The officer's reason for closing, as they wrote it.")
    needed_because = models.JSONField(default=list, blank=True, help_text="Why the council's settings need sign-off.")
    destination_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_council = models.CharField(max_length=150, blank=True)
    destination_country = models.CharField(max_length=100, blank=True)
    destination_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="The manager's reason, above all for sending it back.")

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["state", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state=SignOffState.WAITING), name="one_waiting_sign_off_per_case"
            ),
            models.CheckConstraint(
                name="decided_sign_offs_say_who",
                condition=Q(state=SignOffState.WAITING) | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off {self.pk} for case {self.case_id} ({self.state})"

    @property
    def is_waiting(self) -> bool:
        return self.state == SignOffState.WAITING
