"""Schools (from the national register extract, GIAS) and enrolments."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from .enums import (
    EVENT_DATE_LABELS,
    DeletionGround,
    EnrolmentSource,
    EnrolmentStatus,
    ReturnChannel,
    ReturnKind,
    TriageState,
)


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
    # Where cme learned of it: the return or file that started it (triage), the one that ended it (a deletion return).
    source = models.CharField(max_length=20, choices=EnrolmentSource.choices, blank=True, default="")
    started_by = models.ForeignKey(
        "schools.RollReturn", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments_started"
    )
    ended_by = models.ForeignKey(
        "schools.RollReturn", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments_ended"
    )

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


class ReturnImport(TimestampedModel):
    """One file of returns (a CSV in the council's template, or a Common Transfer File) as it was imported.

    The file's SHA-256 is unique, so the same file imported twice is recognised and nothing is added again.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    channel = models.CharField(max_length=3, choices=ReturnChannel.choices)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    header = models.JSONField(default=dict, blank=True, help_text="A CTF's header: version, source, destination.")
    created_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(
        default=list, blank=True, help_text="About the file as a whole, e.g. a CTF version newer than cme knows."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class PartTimeTimetable(TimestampedModel):
    """A pupil's part-time (reduced) timetable as the school told us: agreed, time-limited and reviewed.

    The pupil's details are on the return that started it (`started_by`); reviews and the ending are later returns.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="part_time_timetables")
    started_on = models.DateField()
    planned_end_on = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.TextField()
    parent_agreed = models.BooleanField()
    next_review_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["next_review_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="timetable_ends_after_it_starts",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            )
        ]

    def __str__(self) -> str:
        return f"Part-time timetable {self.pk} at {self.school_id} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def past_planned_end(self, today: date) -> bool:
        """Still running after the end the school planned for it: a timetable must be time-limited."""
        return self.is_open and self.planned_end_on is not None and self.planned_end_on < today

    def review_overdue(self, today: date) -> bool:
        """Still running and its review date has gone by without a review return."""
        return self.is_open and self.next_review_on is not None and self.next_review_on < today


class RollReturn(TimestampedModel):
    """One return a school made to the council about one pupil (reg 13, SI 2024/208), or one pupil of a CTF.

    What the school sent is kept as sent; the council's work on it is the triage (a person's decision with a
    rationale) and the child and referral it was linked to. `dedupe_key` makes sending the same return twice,
    by any route, add nothing.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="returns")
    kind = models.CharField(max_length=24, choices=ReturnKind.choices)
    channel = models.CharField(max_length=3, choices=ReturnChannel.choices)
    batch = models.ForeignKey(ReturnImport, null=True, blank=True, on_delete=models.PROTECT, related_name="returns")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField()
    dedupe_key = models.CharField(max_length=64, unique=True, editable=False)
    # The pupil, as the school's register has them.
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, blank=True)
    year_group = models.SmallIntegerField(null=True, blank=True, help_text="National curriculum year; 0 is Reception.")
    address_line1 = models.CharField(max_length=150, blank=True)
    address_line2 = models.CharField(max_length=150, blank=True)
    address_town = models.CharField(max_length=100, blank=True)
    address_postcode = models.CharField(max_length=8, blank=True)
    parents = models.JSONField(
        default=list, blank=True, help_text="Parents the pupil normally lives with: [{name, address, phone}]."
    )
    event_date = models.DateField(help_text="What the date means depends on the kind: see EVENT_DATE_LABELS.")
    # Deletions.
    deletion_ground = models.CharField(max_length=1, choices=DeletionGround.choices, blank=True)
    future_address = models.CharField(max_length=300, blank=True)
    future_address_from = models.DateField(null=True, blank=True)
    destination_school = models.CharField(max_length=200, blank=True)
    destination_start_on = models.DateField(null=True, blank=True)
    info_not_obtained = models.BooleanField(default=False, help_text="The school could not find out everything asked.")
    info_not_obtained_details = models.TextField(blank=True)
    safeguarding_concern = models.BooleanField(default=False)
    safeguarding_details = models.TextField(blank=True)
    # Absences.
    school_days_absent = models.PositiveSmallIntegerField(null=True, blank=True)
    last_attended_on = models.DateField(null=True, blank=True)
    # Part-time timetables: the timetable a start, review or end is about, and what was reported.
    timetable = models.ForeignKey(
        PartTimeTimetable, null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    planned_end_on = models.DateField(null=True, blank=True)
    parent_agreed = models.BooleanField(null=True, blank=True)
    timetable_reason = models.TextField(blank=True)
    # Common Transfer Files: where the pupil came from and is going ("XXX/XXXX" when not known).
    ctf_source = models.CharField(max_length=8, blank=True)
    ctf_destination = models.CharField(max_length=8, blank=True)
    further_information = models.TextField(blank=True)
    # Details in a form cme does not know, kept as the school wrote them for an officer to tidy: [{where, message}].
    warnings = models.JSONField(default=list, blank=True)
    # The council's work on it.
    triage_state = models.CharField(max_length=20, choices=TriageState.choices, default=TriageState.RECEIVED)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="roll_returns"
    )
    referral = models.ForeignKey(
        "cases.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="roll_returns"
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The child's open case the return's evidence joined, instead of a second referral.",
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["triage_state", "received_on"]),
            models.Index(fields=["school", "received_on"]),
            models.Index(fields=["kind", "triage_state"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="triaged_returns_say_who_and_why",
                condition=Q(triage_state=TriageState.RECEIVED)
                | (Q(triaged_by__isnull=False) & Q(triaged_at__isnull=False) & ~Q(triage_rationale="")),
            ),
            models.CheckConstraint(
                name="deletion_returns_give_a_ground",
                condition=~Q(kind=ReturnKind.DELETION) | ~Q(deletion_ground=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.school_id} ({self.received_on})"

    @property
    def pupil_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def event_date_label(self) -> str:
        return EVENT_DATE_LABELS[ReturnKind(self.kind)]

    @property
    def ctf_destination_label(self) -> str:
        """Where a transfer file says the pupil went, in words: a school's LA and number, or that it is not known."""
        if self.channel != ReturnChannel.CTF:
            return ""
        if not self.ctf_destination:
            return "Not known: the file names no destination school"
        if self.ctf_destination.upper() == "XXX/XXXX":
            return "Not known: the school sent a lost-pupil file (XXX/XXXX)"
        lea, _, estab = self.ctf_destination.partition("/")
        return f"LA {lea}, establishment {estab}"

    @property
    def destination_unknown(self) -> bool:
        """A deletion or CTF that does not say where the pupil went: the council must find out (CME enquiries)."""
        if self.kind == ReturnKind.LOST_PUPIL:
            return True
        if self.kind != ReturnKind.DELETION:
            return False
        # Grounds that settle where the child is (another school, detention, death, end of compulsory age …).
        if self.deletion_ground in {"A", "B", "C", "D", "E", "F", "J", "K", "L"}:
            return False
        return not self.destination_school
