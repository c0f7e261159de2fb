"""A CME case: the work of finding one child and making sure they receive a suitable education."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from ..enums import CaseStatus, CmeReason, Outcome, RiskLevel


class Case(TimestampedModel):
    """One child's CME case, from the accepted referral to the closing outcome.

    `status`, `risk_level`, `officer` and `outcome` change only through the services in `cme.cases.services`, each
    of which records a person's decision with a rationale. `version` refuses a save based on a stale read.
    """

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="cases")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, default=RiskLevel.NOT_ASSESSED)
    primary_reason = models.CharField(max_length=40, choices=CmeReason.choices)
    became_cme_on = models.DateField(help_text="The day the child became missing education, as far as is known.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    due_on = models.DateField(
        null=True, blank=True, help_text="When the current stage's work is due, counted in school days."
    )
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=40, choices=Outcome.choices, blank=True)
    # Where the child went, recorded on closing: a school (on roll), a council's area, or a country; and from when.
    destination_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_council = models.CharField(max_length=150, blank=True)
    destination_country = models.CharField(max_length=100, blank=True)
    destination_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status", "due_on"]),
            # The dashboard and case list read open cases in due-date order; these let them read only the rows shown
            # (bench/casework_pages.py --what-if: the dashboard's PostgreSQL time per request fell from 31 to 12 ms).
            models.Index(fields=["due_on", "id"], condition=~Q(status="closed"), name="case_open_due"),
            models.Index(
                fields=["officer", "due_on", "id"], condition=~Q(status="closed"), name="case_officer_open_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="closed_cases_have_an_outcome_and_date",
                condition=(Q(status=CaseStatus.CLOSED) & ~Q(outcome="") & Q(closed_on__isnull=False))
                | (~Q(status=CaseStatus.CLOSED) & Q(outcome="") & Q(closed_on__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number officers quote: CME- and the case's id, zero-padded."""
        return f"CME-{self.pk:06d}" if self.pk else "CME-(new)"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def open_attendance_orders(self) -> bool:
        """Whether a school attendance order process is under way (the case page offers to start one only if not)."""
        return self.attendance_orders.filter(ended_on__isnull=True).exists()
