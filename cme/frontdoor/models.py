"""What arrives through the front door, kept as it was sent until an officer says which child it is about."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from .enums import ReportKind, ReportState, SharingBasis


class FrontDoorReport(TimestampedModel):
    """A report about a child from a member of the public or a professional, sent through `/report/`.

    It names no child cme holds until an officer matches it (the duplicate check shows who it may be): then it
    becomes a referral (`referral`), or its evidence joins the child's open case (`case`)."""

    reference = models.CharField(max_length=12, unique=True, help_text="The reference the reporter was given.")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    received_at = models.DateTimeField()
    language = models.CharField(max_length=10, default="en-gb", help_text="The language the pages were read in.")
    # About the child, as the reporter knows it.
    child_given_name = models.CharField(max_length=100, blank=True)
    child_family_name = models.CharField(max_length=100, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_age = models.CharField(max_length=50, blank=True, help_text="Roughly how old, when the date is not known.")
    child_address = models.TextField(max_length=500, help_text="The child's address, or the area they live in.")
    child_school = models.CharField(max_length=200, blank=True, help_text="The school the child last attended.")
    concerns = models.TextField(max_length=5000, help_text="Why the reporter thinks the child is missing education.")
    safeguarding_concern = models.BooleanField(
        default=False, help_text="The reporter is worried about the child's safety."
    )
    safeguarding_details = models.TextField(max_length=5000, blank=True)
    # About the reporter: nothing when anonymous.
    is_anonymous = models.BooleanField(default=False)
    reporter_name = models.CharField(max_length=150, blank=True)
    reporter_relationship = models.CharField(
        max_length=150, blank=True, help_text="How a member of the public knows the child; a professional's role."
    )
    reporter_organisation = models.CharField(max_length=200, blank=True)
    reporter_phone = models.CharField(max_length=30, blank=True)
    reporter_email = models.EmailField(blank=True)
    sharing_basis = models.CharField(max_length=30, choices=SharingBasis.choices, blank=True)
    # What an officer decided.
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.RECEIVED)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="front_door_reports"
    )
    referral = models.OneToOneField(
        "cases.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="front_door_report"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="front_door_reports"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "received_at"])]
        constraints = [
            models.CheckConstraint(
                name="anonymous_reports_name_nobody",
                condition=Q(is_anonymous=False) | Q(reporter_name="", reporter_phone="", reporter_email=""),
            ),
            models.CheckConstraint(
                name="professional_reports_give_a_basis",
                condition=Q(kind=ReportKind.PUBLIC) | ~Q(sharing_basis=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.reference} ({self.get_kind_display().lower()})"

    @property
    def child_name(self) -> str:
        return " ".join(part for part in (self.child_given_name, self.child_family_name) if part)
