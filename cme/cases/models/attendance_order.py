"""A school attendance order process on a case: its regime, its steps, and each step's decision and deadline."""

from django.conf import settings
from django.db import models

from cme.council.enums import AttendanceOrderRegime

from ..enums import AttendanceOrderStage


class AttendanceOrder(models.Model):
    """One school attendance order process for a case's child, under the regime in force when it started.

    Written only by `cme.cases.services.attendance_orders`; `stage` is the latest step recorded (empty before the
    first notice), `school_name` the school the council intends to name or has named.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attendance_orders")
    regime = models.CharField(max_length=20, choices=AttendanceOrderRegime.choices)
    stage = models.CharField(max_length=30, choices=AttendanceOrderStage.choices, blank=True)
    carer = models.ForeignKey(
        "people.Carer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The parent the notices are served on.",
    )
    school_name = models.CharField(max_length=200, blank=True, help_text="The school named, or to be named.")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"School attendance order process {self.pk} on case {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class AttendanceOrderStep(models.Model):
    """A step taken, with the person's decision (and rationale) it was taken under and its computed deadline.

    `period_ends_on` is the last day of the period the step starts (the parent's time to answer or to choose a
    school), counted in calendar days "beginning with the day" of the step; `due_on` is when the officer's next task
    falls due (the day after the period, or a practice default for checking compliance).
    """

    order = models.ForeignKey(AttendanceOrder, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=30, choices=AttendanceOrderStage.choices)
    decision = models.OneToOneField("cases.Decision", on_delete=models.PROTECT, related_name="attendance_order_step")
    occurred_on = models.DateField(help_text="The day the notice or order was served, or the answer was considered.")
    period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    period_ends_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="The step's answers, e.g. {'satisfied': False}.")

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.occurred_on}"
