"""The council's settings, one row, editable by the system administrator."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cme.common.models import TimestampedModel

from .enums import AttendanceOrderRegime


def default_council_name() -> str:
    return settings.CME_COUNCIL_NAME


def default_sign_off_outcomes() -> list[str]:
    from cme.cases.enums import DEFAULT_SIGN_OFF_OUTCOMES

    return [str(outcome) for outcome in DEFAULT_SIGN_OFF_OUTCOMES]


class CouncilSettings(TimestampedModel):
    """What the public pages and the privacy notice say about the council. Always the row with pk 1."""

    council_name = models.CharField(max_length=150, default=default_council_name)
    service_email = models.EmailField(default="cme@example.org", help_text="The service's shared mailbox.")
    service_phone = models.CharField(max_length=30, blank=True, default="0113 496 0000")
    dpo_name = models.CharField("Data protection officer", max_length=150, default="Data Protection Officer")
    dpo_email = models.EmailField("Data protection officer's email", default="dpo@example.org")
    dpo_address = models.TextField("Data protection officer's postal address", blank=True)
    complaints_url = models.URLField("Where to complain", blank=True)
    accessibility_contact_email = models.EmailField(default="accessibility@example.org")
    roll_max_age_days = models.PositiveSmallIntegerField(
        "How old a school roll may be, in days",
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Data matching flags a school whose latest roll was received longer ago than this before a run. "
        "Six weeks (42 days) is about half a term.",
    )
    # Letters (cme.cases.letters): the letterhead every generated letter carries, and its protective marking.
    letterhead_address = models.TextField(
        "Letterhead address",
        blank=True,
        default="Children Missing Education Service\nCivic Centre\nHigh Street",
        help_text="The council's postal address as it appears at the top of every letter, one line per line.",
    )
    letterhead_contact = models.CharField(
        "Letterhead contact line",
        max_length=200,
        blank=True,
        default="",
        help_text="Printed under the address, for example a telephone number and opening hours. "
        "Leave empty to print the service's email address and telephone number.",
    )
    protective_marking = models.CharField(
        "Protective marking on letters",
        max_length=60,
        default="OFFICIAL-SENSITIVE",
        help_text="The Government Security Classification marking printed at the top and foot of every letter.",
    )
    attendance_order_regime = models.CharField(
        "School attendance order process",
        max_length=20,
        choices=AttendanceOrderRegime.choices,
        default=AttendanceOrderRegime.EA1996,
        help_text="Which law's steps new school attendance order processes follow. Choose the Children's Wellbeing "
        "and Schools Act 2026 only once its school attendance order provisions are in force.",
    )

    sign_off_outcomes = models.JSONField(
        "Outcomes a manager must sign off",
        default=default_sign_off_outcomes,
        blank=True,
        help_text="A case closing with one of these waits for a manager's approval.",
    )
    sign_off_open_school_days = models.PositiveSmallIntegerField(
        "Sign off any case open longer than this many school days",
        null=True,
        blank=True,
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text="Leave empty for no such rule. 60 school days is about a term.",
    )

    class Meta:
        verbose_name_plural = "council settings"

    def __str__(self) -> str:
        return self.council_name


class TermPeriod(TimestampedModel):
    """A stretch of term the council publishes, e.g. "Autumn 1 2026": both days are included.

    Half-terms and holidays are the gaps between periods; weekends and bank holidays inside a period are still not
    school days. The school-day clocks count over these rows (`school_calendar_get`). Periods never overlap: the
    service `term_period_create` refuses that, since the database cannot check it on SQLite.
    """

    name = models.CharField(max_length=60, help_text="For example, Autumn 1 2026.")
    first_day = models.DateField("First day")
    last_day = models.DateField("Last day")

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="council_termperiod_last_day_not_before_first_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day} to {self.last_day})"


class ClosureDay(TimestampedModel):
    """A weekday in term that is not a school day across the council's area, with the reason.

    For a council-wide INSET day, a closure (snow, an election), or a bank holiday announced after the installed
    `holidays` release knew of it (the 2022 state funeral was announced ten days ahead).
    """

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=150)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.reason}"


class RetentionPeriod(TimestampedModel):
    """The council's own period for one retention rule, replacing the default the software ships with.

    `rule` is a disposal rule's code (cme.privacy.retention.RULES); a rule with no row here keeps its default.
    """

    rule = models.CharField(max_length=40, unique=True)
    months = models.PositiveIntegerField(help_text="How many months after the rule's starting date the record goes.")

    class Meta:
        ordering = ["rule"]

    def __str__(self) -> str:
        return f"{self.rule}: {self.months} months"
