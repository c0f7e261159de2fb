"""The audit trail: hash-chained entries (append-only), their erasable personal details, and the head of the chain.

The audit app imports no other cme app: actors, targets and children are held as plain ids and `app_label.model`
strings, never foreign keys, so deleting a user or a child never touches the chain.
"""

import json

from django.db import models

from .events import AuditEvent


class SequenceField(models.BigIntegerField):
    """A 64-bit integer key that, on SQLite, is the table's rowid, and so is the key of a one-to-one row pointing at it.

    SQLite makes only a column declared exactly `integer PRIMARY KEY` the rowid (`bigint` gets a separate index):
    as the rowid, rows are stored in key order and `cme audit verify` reads them without an index lookup each,
    several times faster. SQLite's `integer` holds 64 bits; other databases keep `bigint`.
    """

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class AuditChainHead(models.Model):
    """One row (id 1): the last sequence number and hash. Appends lock it, so two writers cannot fork the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(name="audit_chain_head_is_one_row", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return f"Audit chain head: entry {self.last_sequence}, {self.last_hash}"


class AuditEntry(models.Model):
    """One thing that happened: who, when, what, to which object and which child. Chained and never changed.

    Everything here is hashed into `entry_hash` (see `chain.py`). Anything personal beyond internal ids (field
    names, the purpose, a username tried at sign-in) lives in `AuditDetail`, which this row commits to by
    `detail_hash`, so retention can erase the detail and the chain still verifies.
    """

    sequence = SequenceField(primary_key=True, help_text="1, 2, 3 … with no gaps: the order of the chain.")
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="The user's id; none for a failed sign-in.")
    actor_username = models.CharField(max_length=150, blank=True, help_text="The username at the time.")
    event = models.CharField(max_length=40, choices=AuditEvent.choices)
    target_type = models.CharField(max_length=100, blank=True, help_text="app_label.model, e.g. people.child")
    target_id = models.CharField(max_length=64, blank=True)
    related_type = models.CharField(max_length=100, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    subject_child_id = models.BigIntegerField(null=True, blank=True, help_text="The child this entry is about.")
    payload = models.TextField(default="{}", help_text="Canonical JSON of ids and counts: nothing personal.")
    detail_hash = models.CharField(max_length=64, blank=True, help_text="Hash of the detail row; empty if none.")
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    key_id = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="Id of the CME_AUDIT_KEYS key the hashes were made with; empty for entries made before keys.",
    )

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        # The DPO's searches: by person, by user, by object, by date, newest first.
        indexes = [
            models.Index(fields=["subject_child_id", "sequence"], name="audit_by_child"),
            models.Index(fields=["actor_id", "sequence"], name="audit_by_actor"),
            models.Index(fields=["target_type", "target_id", "sequence"], name="audit_by_target"),
            models.Index(fields=["occurred_at"], name="audit_by_time"),
        ]
        constraints = [models.CheckConstraint(name="audit_sequence_positive", condition=models.Q(sequence__gte=1))]

    def __str__(self) -> str:
        return f"Audit entry {self.sequence}: {self.event}"

    @property
    def payload_data(self) -> dict:
        return json.loads(self.payload)

    @property
    def detail_or_none(self) -> "AuditDetail | None":
        """The detail if it is still held (None when there never was one, or retention erased it)."""
        try:
            return self.detail
        except AuditDetail.DoesNotExist:
            return None

    @property
    def detail_erased(self) -> bool:
        return bool(self.detail_hash) and self.detail_or_none is None


class AuditDetail(models.Model):
    """The personal part of an entry: fields seen or changed, the stated purpose, anything naming a person.

    Not chained: the entry holds this row's hash. Retention deletes the row; nothing may update it.
    """

    entry = models.OneToOneField(AuditEntry, primary_key=True, on_delete=models.PROTECT, related_name="detail")
    salt = models.CharField(max_length=32, help_text="Random; stops the hash left after erasure being guessed back.")
    purpose = models.CharField(max_length=40, blank=True, help_text="A privacy notice purpose code.")
    purpose_text = models.TextField(blank=True, help_text="The person's own words: why they opened the record.")
    data = models.TextField(default="{}", help_text='Canonical JSON: {"fields": [...], and other personal detail}.')

    def __str__(self) -> str:
        return f"Audit detail of entry {self.entry_id}"

    @property
    def data_dict(self) -> dict:
        return json.loads(self.data)

    @property
    def fields(self) -> list[str]:
        return self.data_dict.get("fields", [])


class AuditVerification(models.Model):
    """A check of the whole chain started from the DPO's audit page and run in the background, with its result.

    Not part of the chain: starting one is itself an audit entry (`audit_verification_started`).
    """

    started_at = models.DateTimeField()
    started_by_id = models.BigIntegerField(null=True, blank=True, help_text="The user's id; none for the system.")
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True, help_text="None while it runs.")
    entries_checked = models.BigIntegerField(default=0)
    checkpoints_checked = models.IntegerField(default=0)
    problem = models.CharField(max_length=40, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True, help_text="The first bad entry, if any.")
    message = models.CharField(max_length=2000, blank=True, help_text="What was found: entries by number and hash.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Audit check started {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.finished_at is None
