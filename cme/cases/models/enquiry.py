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

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="answered_enquiries_have_a_date",
                condition=Q(result=EnquiryResult.AWAITING) | Q(responded_on__isnull=False),
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
