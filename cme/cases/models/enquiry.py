"""An enquiry: one check with one agency to find the child, from the request to the answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from ..enums import EnquiryAgency, EnquiryResult


class Enquiry(TimestampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="enquiries")
    agency = models.CharField(max_length=30, choices=EnquiryAgency.choices)
    contact_name = models.CharField("Who was contacted", max_length=150, blank=True)
    contact_details = models.CharField(max_length=200, blank=True, help_text="Team, phone number or email used.")
    requested_on = models.DateField()
    response_due_on = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=EnquiryResult.choices, default=EnquiryResult.AWAITING)
    findings = models.TextField(blank=True)
    joint_enquiry = models.BooleanField(
        default=False, help_text="Joint reasonable enquiries with the school (deletion grounds H and I)."
    )
    evidence = models.ForeignKey("cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    # Sent to a partner agency's inbox in cme (cme.cases.services.partners): the organisation whose users may open
    # it, exactly what it shares of the child (a copy made when it was sent, the keys naming what the officer chose:
    # cme.cases.partner_sharing), how many days the partner has to answer before a chaser goes, and who answered in
    # cme and when. An enquiry recorded by hand (a telephone call, a letter) has no organisation.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries"
    )
    shared = models.JSONField(default=dict, blank=True)
    reply_within_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="answered_enquiries_have_a_date",
                condition=Q(result=EnquiryResult.AWAITING) | Q(responded_on__isnull=False),
            ),
            models.CheckConstraint(
                name="partner_enquiry_has_a_reply_period",
                condition=Q(organisation__isnull=True) | Q(reply_within_days__gte=1),
            ),
            models.CheckConstraint(
                name="enquiry_answered_after_it_was_asked",
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=models.F("requested_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} ({self.requested_on})"

    @property
    def is_answered(self) -> bool:
        return self.result != EnquiryResult.AWAITING

    @property
    def reference(self) -> str:
        """How the partner and the officer name the enquiry to each other (never the case's reference)."""
        return f"ENQ-{self.pk:06d}"

    @property
    def is_to_partner(self) -> bool:
        return self.organisation_id is not None


class EnquiryChase(models.Model):
    """A reminder emailed to a partner agency about an unanswered enquiry: one per reply period that has run out.

    `interval` is which period (1 for the first `reply_within_days` after it was sent, 2 for the next …); the unique
    constraint is what stops a second chaser for the same period, however many workers run.
    """

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="chases")
    interval = models.PositiveSmallIntegerField()
    sent_to = models.EmailField(help_text="The organisation's shared mailbox, or its users' work addresses.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enquiry", "interval"]
        constraints = [models.UniqueConstraint(fields=["enquiry", "interval"], name="one_chase_per_enquiry_interval")]

    def __str__(self) -> str:
        return f"Chase {self.interval} of enquiry {self.enquiry_id}"
