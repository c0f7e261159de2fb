"""An escalation sent to a partner agency in cme: it arrives in the organisation's inbox as a referral."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel


class PartnerReferral(TimestampedModel):
    """What an escalation (a Decision) shared with a partner organisation, and who there accepted it, and when.

    `shared` is a copy of the child's details made when it was sent, holding only what the officer chose
    (cme.cases.partner_sharing); `reason` is what the officer wrote for the partner. Neither the case nor its notes
    go with it.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="partner_referrals")
    decision = models.OneToOneField("cases.Decision", on_delete=models.CASCADE, related_name="partner_referral")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="partner_referrals"
    )
    shared = models.JSONField(default=dict, blank=True)
    reason = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_opened_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    partner_response = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="accepted_partner_referral_says_who",
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference} to {self.organisation_id}"

    @property
    def reference(self) -> str:
        return f"REF-{self.pk:06d}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
