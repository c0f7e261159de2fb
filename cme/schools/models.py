"""Schools (from the national register extract, GIAS) and enrolments."""

from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from .enums import DeletionGround, EnrolmentStatus


class School(TimestampedModel):
    """An establishment as the national register (Get Information about Schools) describes it.

    Field names follow GIAS columns so that the register import maps one to one.
    """

    urn = models.PositiveIntegerField("URN", unique=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    la_code = models.CharField("LA code", max_length=3)
    la_name = models.CharField("LA name", max_length=100)
    establishment_number = models.CharField(max_length=4, blank=True)
    name = models.CharField(max_length=200)
    type_code = models.CharField(max_length=4, blank=True)
    type_name = models.CharField("Type of establishment", max_length=100, blank=True)
    type_group = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=60, default="Open")
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    phase_code = models.CharField(max_length=4, blank=True)
    phase_name = models.CharField("Phase of education", max_length=60, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    sixth_form = models.CharField(max_length=40, blank=True)
    street = models.CharField(max_length=150, blank=True)
    locality = models.CharField(max_length=150, blank=True)
    address3 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    website = models.CharField(max_length=200, blank=True)
    head_name = models.CharField("Headteacher", max_length=150, blank=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["la_code", "establishment_number"])]

    def __str__(self) -> str:
        return self.name

    @property
    def laestab(self) -> str:
        """The 7-digit LA number plus establishment number that CTF headers and UPNs use."""
        return f"{self.la_code}{self.establishment_number}"

    @property
    def is_open(self) -> bool:
        return self.status.lower().startswith("open")


class Enrolment(TimestampedModel):
    """A child's registration at a school: from the starting day to the day the name was deleted, if it was."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=1, choices=EnrolmentStatus.choices, default=EnrolmentStatus.SINGLE)
    start_date = models.DateField()
    leave_date = models.DateField(null=True, blank=True)
    deletion_ground = models.CharField(max_length=1, choices=DeletionGround.choices, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="enrolment_leaves_after_it_starts",
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("start_date")),
            )
        ]
        indexes = [models.Index(fields=["school", "leave_date"])]

    def __str__(self) -> str:
        return f"{self.child_id} at {self.school_id} from {self.start_date}"

    @property
    def is_current(self) -> bool:
        return self.leave_date is None
