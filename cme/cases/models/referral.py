"""A referral: someone tells the service a child may be missing education; a person triages it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from ..enums import ReferralSource, ReferralStatus


class Referral(TimestampedModel):
    """What was reported, by whom, and what a person decided about it (accept into a case, or no further action)."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="referrals")
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    received_on = models.DateField()
    concerns = models.TextField(help_text="What the referrer told us, in their words where possible.")
    is_anonymous = models.BooleanField(default=False, help_text="A member of the public who gave no name.")
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=150, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=16, blank=True)
    referrer_email = models.EmailField(blank=True)
    safeguarding_concern = models.BooleanField(
        default=False, help_text="The referrer raised a safeguarding concern: triage is due the same school day."
    )
    carers = models.JSONField(
        default=list,
        blank=True,
        help_text="Carers the referrer named: [{name, relationship, phone, address}]; they join the child's carers "
        "when the referral is accepted.",
    )
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_rationale = models.TextField(blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "received_on"])]
        constraints = [
            models.CheckConstraint(
                name="anonymous_referrals_name_nobody",
                condition=Q(is_anonymous=False) | Q(referrer_name="", referrer_phone="", referrer_email=""),
            ),
            models.CheckConstraint(
                name="triaged_referrals_say_who_and_why",
                condition=Q(status=ReferralStatus.RECEIVED)
                | (Q(triaged_by__isnull=False) & Q(triaged_at__isnull=False) & ~Q(triage_rationale="")),
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.get_source_display()})"
