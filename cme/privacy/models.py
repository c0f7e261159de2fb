"""The disclosure log: every sharing out and every receipt in of personal data, with who, why and on what basis.

The privacy app imports no other app (design.md): who the disclosure is about and what caused it are held as
content type and id, so any model can be named without privacy depending on it. A disclosure names its people in
DisclosureSubject, one row each.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .enums import Direction, LawfulBasis, Purpose


class Disclosure(models.Model):
    direction = models.CharField(max_length=3, choices=Direction.choices)
    organisation = models.CharField(max_length=200, help_text="Who received the data, or who sent it.")
    data_categories = models.JSONField(default=list, help_text="DataCategory codes.")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True)
    cause_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cause_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The decision, import or export.")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.organisation} ({self.occurred_at:%Y-%m-%d})"


class DisclosureSubject(models.Model):
    """A person a disclosure is about. A disclosure names every person whose data went out or came in (an extract
    of thousands, a return about one pupil), so subject access finds it from any of them.

    The person is a child or carer cme holds a record of, or, until someone matches them to a child, the person as
    the received record names them: the pupil in a school's return, the person in a row of a source extract. When a
    person makes that match, the child is added as a subject too (cme.privacy.services.disclosure_subject_add).
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="subjects")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(help_text="The person the data is about.")

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "subject_type", "subject_id"], name="disclosure_subject_once")
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.disclosure_id} about {self.subject_type_id}:{self.subject_id}"


class AccessPurpose(models.Model):
    """A person's stated reason for opening a child's record outside their own caseload.

    It covers that person and that child for the rest of the sign-in session it was stated in, so the question is
    asked once per record per session, not on every page. The DPO reviews these.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(help_text="The person whose record was opened.")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    reason = models.CharField(max_length=500)
    session_key = models.CharField(max_length=64, db_index=True, help_text="The sign-in session it covers.")
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stated_at", "-pk"]
        indexes = [models.Index(fields=["user", "subject_type", "subject_id", "session_key"])]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.subject_type_id}:{self.subject_id} for {self.purpose}"


class HoldState(models.TextChoices):
    ACTIVE = "active", "In force"
    RELEASED = "released", "Released"


class LegalHold(models.Model):
    """Disposal suspended for a named child, case or request (a claim, an inquiry, a court order), and why.

    While a hold is in force, the sweep proposes nothing of that child (for a case: of the case's child), and a batch
    already approved skips it. Placed and released by the data protection officer, each audited.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(help_text="The child, case or request held.")
    child_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The child whose records are held.")
    reason = models.TextField(help_text="Why disposal is suspended, e.g. a claim or an inquiry's order.")
    state = models.CharField(max_length=10, choices=HoldState.choices, default=HoldState.ACTIVE)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["state", "child_id"])]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"


class BatchState(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DISPOSING = "disposing", "Being disposed of"
    DISPOSED = "disposed", "Disposed of"


class DisposalBatch(models.Model):
    """Records the retention sweep found due on one day, for the data protection officer to review and approve.

    Its items, once disposed, are the disposal log: which subjects went, by which rule, in which batch. A restore from
    backup replays that log (`cme retention replay`) so that nothing disposed of comes back.
    """

    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.PROPOSED)
    as_of = models.DateField(help_text="The day the rules were applied on.")
    proposed_at = models.DateTimeField(auto_now_add=True)
    periods = models.JSONField(default=dict, help_text="Each rule's period in months, as applied.")
    counts = models.JSONField(default=dict, help_text="How many records each rule proposed.")
    held = models.JSONField(default=dict, help_text="How many records each rule would have proposed but for a hold.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    disposal_started_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_counts = models.JSONField(default=dict, help_text="Rows deleted, by kind of record.")
    details_erased = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Disposal batch {self.pk}"


class ItemState(models.TextChoices):
    PENDING = "pending", "To dispose of"
    EXCLUDED = "excluded", "Kept"
    HELD = "held", "Held"
    DISPOSED = "disposed", "Disposed of"


class DisposalItem(models.Model):
    """One record a batch proposes to dispose of: the disposal log's row once it has gone."""

    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="items")
    rule = models.CharField(max_length=40)
    record_type = models.CharField(max_length=100, help_text="app_label.model, e.g. people.child")
    record_id = models.PositiveBigIntegerField()
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    reason = models.TextField(blank=True, help_text="Why the record was kept out of the batch.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When a person kept the record out.")
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["batch", "state", "rule"]),
            models.Index(fields=["record_type", "record_id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "record_type", "record_id"], name="disposal_item_once_a_batch")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} in batch {self.batch_id}"


class DisposalFile(models.Model):
    """An uploaded file whose rows a disposal has deleted, waiting to be removed from storage.

    Written in the transaction that deletes the rows, removed once the file is gone: a disposal killed between the
    two finds it here and finishes the job.
    """

    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="+")
    storage = models.CharField(max_length=20, help_text="Which storage holds it: documents or imports.")
    name = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"File to remove for batch {self.batch_id}"


# ---------------------------------------------------------------------------------------------------------------------
# Subject access (UK GDPR Art. 15): a pack of everything held about a child, its redactions, review and release.
# ---------------------------------------------------------------------------------------------------------------------


class PackState(models.TextChoices):
    DRAFT = "draft", "Draft, for review"
    APPROVED = "approved", "Approved for release"
    RELEASED = "released", "Released"


class RedactionReason(models.TextChoices):
    """Why a part of a pack is withheld: the third party it would reveal (DPA 2018 Sch. 2 para 16) or the reviewer's
    own reason. Every redaction carries one, and a reviewer's adds their words."""

    SIBLING = "sibling", "Another child: a brother, sister or other child in the household"
    OTHER_CARER = "other_carer", "A parent or carer other than the person asking"
    REFERRER_PUBLIC = "referrer_public", "The member of the public who told us about the child"
    REFERRER_ANONYMOUS = "referrer_anonymous", "A member of the public who asked not to be named"
    REFERRER = "referrer", "The person who told us about the child"
    AGENCY_STAFF = "agency_staff", "A member of staff at another organisation: their name and direct contact details"
    THIRD_PARTY_NAME = "third_party_name", "The name of another person linked to the child"
    PHONE = "phone", "A telephone number that is not the child's"
    EMAIL = "email", "An email address that is not the child's"
    UPN = "upn", "Another child's unique pupil number"
    NHS_NUMBER = "nhs_number", "Another person's NHS number"
    REVIEWER = "reviewer", "Withheld by the reviewer"


class RedactionOrigin(models.TextChoices):
    STRUCTURE = "structure", "From the record's structure"
    FREE_TEXT = "free_text", "Found in free text"
    REVIEWER = "reviewer", "Added by the reviewer"


class SubjectAccessPack(models.Model):
    """What cme holds about one child, gathered for a subject access request, with the redactions applied to it.

    `content` is the snapshot gathered when the pack was made (cme.privacy.sar.gather), so what the reviewer checked
    is exactly what is released. The privacy app imports no other app: the child is held by id. `request_reference`
    links the pack to the rights request it answers, when there is one.
    """

    child_id = models.PositiveBigIntegerField(db_index=True, help_text="The child the pack is about.")
    requester_name = models.CharField(max_length=200, help_text="Who asked: the child, or someone for them.")
    requester_carer_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The carer asking, when a parent or carer asks: their own details stay."
    )
    request_reference = models.CharField(max_length=100, blank=True, help_text="The rights request it answers.")
    state = models.CharField(max_length=10, choices=PackState.choices, default=PackState.DRAFT)
    content = models.JSONField(default=dict, help_text="The gathered records, before redaction.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="None: made at the command line (`cme rights pack`).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_to = models.CharField(max_length=200, blank=True, help_text="Who the pack was sent to.")
    disclosure = models.ForeignKey(Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Subject access pack {self.pk}"


class Redaction(models.Model):
    """One part of a pack withheld, and why: a whole item, one field of it, or a span of a field's text.

    A lifted redaction stays, with who lifted it and why, so the review can be followed afterwards.
    """

    pack = models.ForeignKey(SubjectAccessPack, on_delete=models.CASCADE, related_name="redactions")
    item = models.CharField(max_length=120, help_text='The item\'s key in the pack, e.g. "cases.Note:12".')
    field = models.CharField(max_length=60, blank=True, help_text="Blank: the whole item.")
    start = models.PositiveIntegerField(null=True, blank=True, help_text="A span of the field's text; none: all.")
    end = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=30, choices=RedactionReason.choices)
    note = models.TextField(blank=True, help_text="The reviewer's words, when a person added it.")
    origin = models.CharField(max_length=10, choices=RedactionOrigin.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["pack", "item"])]

    def __str__(self) -> str:
        return f"Redaction {self.pk} of pack {self.pack_id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


# ---------------------------------------------------------------------------------------------------------------------
# The privacy notice as a versioned document.
# ---------------------------------------------------------------------------------------------------------------------


class NoticeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Replaced before publication"


class NoticeVersion(models.Model):
    """One version of the public privacy notice: what it said, when, who published it, what changed and when it is
    next due for review. A change to the catalogue that changes the notice makes a draft (cme.privacy.versions)."""

    number = models.PositiveIntegerField(null=True, blank=True, unique=True, help_text="Given on publication.")
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    outline = models.JSONField(default=dict, help_text="The notice's content, section by section, for comparing.")
    html = models.TextField(help_text="The notice as published, so an earlier version stays readable.")
    changes = models.JSONField(default=list, help_text="What changed from the version before, in plain words.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_due_on = models.DateField(null=True, blank=True, help_text="When the notice is next due for review.")

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="draft"), name="notice_one_draft_at_a_time"
            )
        ]

    def __str__(self) -> str:
        return f"Privacy notice version {self.number or 'draft'}"


class ProcessingRestriction(models.Model):
    """The use of a child's records restricted (UK GDPR Art. 18): while in force, nothing about the child can be
    changed or shared, and every attempt is refused and audited (cme.privacy.restriction). Only storing continues.

    Placed and lifted by the data protection officer, usually on a rights request (named by id: privacy imports no
    other app). The child is named by id, like a legal hold, so the row is evidence of the restriction afterwards.
    """

    child_id = models.PositiveBigIntegerField(help_text="The child whose records are restricted.")
    request_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The rights request, if any.")
    reason = models.TextField(help_text="Why the use of the records is restricted, in the officer's words.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["child_id", "lifted_at"])]

    def __str__(self) -> str:
        return f"Restriction {self.pk}"
