"""Decisions: what a named person decided, about which referral or case, and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import DecisionKind


class Decision(models.Model):
    """Written by the services only, in the same transaction as the change the decision made."""

    kind = models.CharField(max_length=30, choices=DecisionKind.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    referral = models.ForeignKey(
        "cases.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    roll_return = models.ForeignKey(
        "schools.RollReturn", null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    rationale = models.TextField()
    details = models.JSONField(default=dict, blank=True, help_text="What changed, e.g. {'from': 'open', 'to': …}.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="decision_is_about_something",
                condition=Q(case__isnull=False) | Q(referral__isnull=False) | Q(roll_return__isnull=False),
            ),
            models.CheckConstraint(name="decision_has_a_rationale", condition=~Q(rationale="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by_id} at {self.decided_at:%Y-%m-%d %H:%M}"
