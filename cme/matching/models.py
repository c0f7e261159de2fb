"""Data matching: registered sources, their imports and records, match runs, and the candidates a person reviews.

Nothing here decides anything about a child. A match run proposes `MatchCandidate` rows; only a signed-in person's
`MatchDecision` (confirm, which makes a referral, or dismiss, with a rationale) settles one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel
from cme.privacy.enums import LawfulBasis

from .enums import CandidateKind, ImportState, MatchDecisionKind, ReviewState, RunState, SourceKind


class DataSource(TimestampedModel):
    """A feed of records the service receives from another part of the council or a partner, and on what basis.

    Registering a source is a manager's decision: the supplier and lawful basis go onto every import's receipt in the
    disclosure log.
    """

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    supplier = models.CharField(max_length=200, help_text="The team or organisation that sends the extract.")
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, default=LawfulBasis.LEGAL_OBLIGATION)
    legal_gateway = models.CharField(
        max_length=300,
        blank=True,
        help_text="The power the supplier shares under, e.g. Education Act 1996 s436A.",
    )
    is_active = models.BooleanField(default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class SourceImport(TimestampedModel):
    """One extract received from a source: when it arrived, what came of each row, and its disclosure-log receipt."""

    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="imports")
    received_on = models.DateField(help_text="The date the council received the extract.")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="Where an upload waits for the background task; cleared once read."
    )
    state = models.CharField(max_length=30, choices=ImportState.choices, default=ImportState.QUEUED)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    refusal = models.CharField(max_length=1000, blank=True, help_text="Why the file as a whole was refused.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    process = models.CharField(
        max_length=100, blank=True, help_text="Host and process id importing it: tells an import that was killed."
    )
    disclosure = models.ForeignKey(
        "privacy.Disclosure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} received {self.received_on}"

    @property
    def is_finished(self) -> bool:
        return self.state not in (ImportState.QUEUED, ImportState.RUNNING)


class SourceRecord(models.Model):
    """One person as one source knows them: a council tax occupant, a tenancy member, a child on a claim, a GP
    registration, an admissions applicant, or a pupil on a school roll.

    `record_ref` is the supplier's own reference for the person (stable from one extract to the next), so a re-run
    can tell old evidence from new. `valid_from`/`valid_to` are when the source says the person lived at the address
    (or was registered, or on the roll).
    """

    source_import = models.ForeignKey(SourceImport, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    line = models.PositiveIntegerField(help_text="The line of the file the record came from.")
    record_ref = models.CharField(max_length=64)
    household_ref = models.CharField(max_length=64, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=150, blank=True)
    known_as = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    address_line1 = models.CharField(max_length=150, blank=True)
    address_line2 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    school_urn = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["source_import", "line"]
        indexes = [models.Index(fields=["kind", "source_import"])]
        constraints = [
            models.UniqueConstraint(fields=["source_import", "record_ref"], name="one_record_per_ref_per_import")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} record {self.record_ref}"

    @property
    def key(self) -> str:
        """The record's identity across imports: its source and the supplier's reference."""
        return f"{self.source_import.source_id}:{self.record_ref}"


class RejectedRow(models.Model):
    """A row an import could not take, held for a person to review with its line and reasons (never dropped)."""

    source_import = models.ForeignKey(SourceImport, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField()
    reasons = models.JSONField(default=list, help_text="What is wrong with the row, one message each.")
    values = models.JSONField(default=dict, help_text="The row as it was in the file, column by column.")

    class Meta:
        ordering = ["source_import", "line"]

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.reasons)}"


class MatchRun(TimestampedModel):
    """One run of the matching: its settings, thresholds, the linkage model used, its progress and what it found."""

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    on_date = models.DateField(help_text="The day compulsory school age and residence are judged on.")
    state = models.CharField(max_length=20, choices=RunState.choices, default=RunState.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    settings = models.JSONField(default=dict, help_text="Every setting the run used, thresholds included.")
    model_version = models.CharField(max_length=100, blank=True)
    model_json = models.JSONField(default=dict, blank=True, help_text="The trained linkage models, as saved.")
    counts = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=1000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Match run {self.pk} ({self.get_state_display()})"

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 100 if self.state == RunState.FINISHED else 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class MatchCandidate(TimestampedModel):
    """A person a match run proposes for review: a child living here on no roll, or a pupil who appears to have left.

    `identity_key` stays with the same person from run to run: a re-run finds the candidate whose source records
    overlap the new cluster's most and updates it, so a review is never lost. `reviewed_keys` are the source records
    a person had seen when they decided; a dismissed candidate comes back to the queue only when records outside
    that set arrive.
    """

    identity_key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=CandidateKind.choices)
    review_state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.TO_REVIEW)
    is_current = models.BooleanField(default=True, help_text="Found again by the latest run.")
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    resident_since = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=1000, help_text="The plain-English reason it is proposed.")
    evidence = models.JSONField(default=dict, help_text="The records, their sources and dates, and match weights.")
    record_keys = models.JSONField(default=list, help_text="The source records behind the candidate in its last run.")
    reviewed_keys = models.JSONField(default=list, blank=True)
    score = models.FloatField(default=0.0, help_text="How sure the run is the records are one child (0 to 1).")
    child = models.ForeignKey("people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referral = models.ForeignKey("cases.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The open case the confirmed candidate's evidence joined, instead of a second referral.",
    )
    first_run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="candidates")
    reopened = models.BooleanField(default=False, help_text="Dismissed before, proposed again on new evidence.")

    class Meta:
        ordering = ["-is_current", "family_name", "given_name", "pk"]
        indexes = [models.Index(fields=["review_state", "is_current"])]

    def __str__(self) -> str:
        return f"Match candidate {self.pk}"


class MatchDecision(models.Model):
    """What a named person decided about a candidate, and why. Written only by the review services."""

    candidate = models.ForeignKey(MatchCandidate, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=MatchDecisionKind.choices)
    rationale = models.TextField()
    record_keys = models.JSONField(default=list, help_text="The evidence the person had before them.")
    referral = models.ForeignKey("cases.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # What the model said when the person decided, kept with the decision so that each run's tally of decisions stays
    # true when a later run reopens or rescores the candidate (cme.matching.selectors.model_agreement).
    run = models.ForeignKey(
        MatchRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        help_text="The match run whose proposal the person decided (the candidate's latest run then).",
    )
    confidence = models.FloatField(
        null=True,
        blank=True,
        help_text="How sure that run was that the candidate is right, 0 to 1 (cme.matching.evidence).",
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(name="match_decision_has_a_rationale", condition=~Q(rationale=""))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by_id}"


__all__ = [
    "DataSource",
    "MatchCandidate",
    "MatchDecision",
    "MatchRun",
    "RejectedRow",
    "SourceImport",
    "SourceRecord",
]
