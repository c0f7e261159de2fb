"""Children, carers, relationships between them, their other names, contact points and addresses with their history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import Q

from cme.common.crypto import EncryptedBooleanField, EncryptedCharField, EncryptedTextField
from cme.common.models import TimestampedModel

from .enums import (
    ChildMergeState,
    ContactKind,
    ContactLabel,
    Ethnicity,
    MaritalStatus,
    PersonNameKind,
    RelationshipKind,
    SenProvision,
    Sex,
    Title,
)
from .identifiers import (
    PHONE_ERROR,
    phone_to_e164,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
    validate_uprn,
)

UPN_TAKEN_ERROR = "Another child already has this UPN. Check the UPN, or find that child: it may be the same child."
ENDS_BEFORE_IT_STARTS_ERROR = "The end date must be the same as or after the start date"
NAME_REQUIRED_ERROR = "Enter a first name or a last name"
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com"


def _belongs_to_one_person(name: str) -> models.CheckConstraint:
    """A row about a person (name, contact point, residence) is about one child or one carer, never both or neither."""
    return models.CheckConstraint(
        name=name,
        condition=(Q(child__isnull=False) & Q(carer__isnull=True)) | (Q(child__isnull=True) & Q(carer__isnull=False)),
    )


def _ends_after_it_starts(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
        violation_error_message=ENDS_BEFORE_IT_STARTS_ERROR,
    )


def _search_key(verbose_name: str) -> models.CharField:
    """A normalised name key (cme.people.names) that child_search narrows on; set by services, never typed."""
    return models.CharField(verbose_name, max_length=20, blank=True, editable=False, db_index=True)


class Address(TimestampedModel):
    """A postal address, identified where known by its Unique Property Reference Number."""

    uprn = models.CharField("UPRN", max_length=12, blank=True, db_index=True, validators=[validate_uprn])
    line1 = models.CharField(max_length=150)
    line2 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True, validators=[validate_postcode])

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2, self.town, self.postcode) if part)


class Child(TimestampedModel):
    """A child the service knows about, whether or not a case is open.

    `version` counts saved changes: an edit names the version it started from and is refused if the record has
    moved on since (cme.people.services.child_update). Former UPNs and other names are in FormerUpn and PersonName.
    """

    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="The name the child is known by.")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True, validators=[validate_upn])
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, db_index=True, validators=[validate_nhs_number]
    )
    first_language = models.CharField(max_length=100, blank=True, help_text="As the family or school gives it.")
    # Special-category data (ethnicity, SEN and disability) and involvement with statutory services, sealed at rest
    # (cme.common.crypto): the database holds tokens, Python sees the values, and nothing can filter on them in SQL.
    # Blank and False are sealed too, so a row does not show whether a child has, say, an EHCP.
    ethnicity = EncryptedCharField(max_length=4, choices=Ethnicity.choices, blank=True)
    sen_provision = EncryptedCharField("SEN provision", max_length=1, choices=SenProvision.choices, blank=True)
    looked_after = EncryptedBooleanField("Looked after by a local authority", default=False)
    child_protection_plan = EncryptedBooleanField("Subject to a child protection plan", default=False)
    traveller = EncryptedBooleanField("From a Gypsy, Roma or Traveller family", default=False)
    service_child = EncryptedBooleanField("Service child (a parent in the armed forces)", default=False)
    young_carer = EncryptedBooleanField("Young carer", default=False)
    ehcp = EncryptedBooleanField("Has an education, health and care plan", default=False)
    # What the privacy notice says the service may hold and acts on: a family on benefits may be entitled to free
    # transport or meals, and a child whose family is in touch with immigration, police or probation services is
    # one the service asks those services about, and more careful about what it shares with the family's address.
    receives_benefits = EncryptedBooleanField("The family receives benefits", default=False)
    immigration_involvement = EncryptedBooleanField(
        "The family is in touch with immigration services (the Home Office)", default=False
    )
    police_probation_involvement = EncryptedBooleanField(
        "The child or family is in touch with the police, probation or youth justice services", default=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    given_name_key = _search_key("Given name search key")
    preferred_name_key = _search_key("Preferred name search key")
    family_name_key = _search_key("Family name search key")
    family_name_part_key = _search_key("Family name last part search key")
    # Set when a manager merged this record into another (ChildMerge): the record is kept, so the merge can be undone
    # and the audit trail's references still resolve, but it is left out of search and lists, and its page points to
    # the record it was merged into. It is disposed of with that record.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="merged_records", editable=False
    )

    class Meta:
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["family_name", "given_name"]), models.Index(fields=["date_of_birth"])]
        constraints = [
            # Blank means "not known yet" (a child new to England has no UPN), and many children share that.
            models.UniqueConstraint(
                fields=["upn"],
                condition=~Q(upn=""),
                name="child_upn_unique_when_known",
                violation_error_message=UPN_TAKEN_ERROR,
                violation_error_code="unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Carer(TimestampedModel):
    """A parent or other adult who cares for a child. Telephone numbers and emails are ContactPoint rows."""

    title = models.CharField(max_length=4, choices=Title.choices, blank=True)
    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    marital_status = models.CharField(max_length=20, choices=MaritalStatus.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    given_name_key = _search_key("Given name search key")
    family_name_key = _search_key("Family name search key")
    family_name_part_key = _search_key("Family name last part search key")

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class FormerUpn(TimestampedModel):
    """A UPN a child had before: a temporary UPN since replaced, or one from a duplicate record since merged.

    The current UPN is `Child.upn`. Former UPNs stay searchable because older returns and CTFs still use them.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="former_upns")
    upn = models.CharField("Former UPN", max_length=13, db_index=True, validators=[validate_upn])

    class Meta:
        verbose_name = "former UPN"
        constraints = [models.UniqueConstraint(fields=["child", "upn"], name="former_upn_once_per_child")]

    def __str__(self) -> str:
        return self.upn


class PersonName(TimestampedModel):
    """Another name a child or carer has had or goes by: a former name, an alias, a known-as name, another spelling.

    The current legal and preferred names stay on Child and Carer; this keeps the rest, so search finds a child
    under any of them.
    """

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="other_names")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=20, choices=PersonNameKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    given_name_key = _search_key("Given name search key")
    family_name_key = _search_key("Family name search key")
    family_name_part_key = _search_key("Family name last part search key")

    class Meta:
        ordering = ["valid_from", "pk"]
        constraints = [
            _belongs_to_one_person("person_name_belongs_to_exactly_one_person"),
            _ends_after_it_starts("person_name_ends_after_it_starts"),
            models.CheckConstraint(
                name="person_name_has_a_name",
                condition=~(Q(given_name="") & Q(family_name="")),
                violation_error_message=NAME_REQUIRED_ERROR,
            ),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class ContactPoint(TimestampedModel):
    """A telephone number (stored in E.164, e.g. +447700900123) or email address of a child or carer."""

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=5, choices=ContactKind.choices)
    label = models.CharField(max_length=10, choices=ContactLabel.choices, blank=True)
    value = models.CharField(max_length=254)
    is_emergency = models.BooleanField("Use in an emergency", default=False)

    class Meta:
        ordering = ["-is_emergency", "kind", "pk"]
        constraints = [_belongs_to_one_person("contact_point_belongs_to_exactly_one_person")]

    def __str__(self) -> str:
        return self.value

    def clean(self) -> None:
        """A phone number must be stored in E.164 and an email must look like one."""
        if self.kind == ContactKind.PHONE and (not self.value or phone_to_e164(self.value) != self.value):
            raise ValidationError({"value": PHONE_ERROR})
        if self.kind == ContactKind.EMAIL:
            try:
                EmailValidator()(self.value)
            except ValidationError:
                raise ValidationError({"value": EMAIL_ERROR}) from None


class CarerRelationship(TimestampedModel):
    """How a carer relates to a child; siblings are children who share a carer."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="relationships")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carer_relationships")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with = models.BooleanField(default=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where cme learned of the carer, when not from the family directly."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["carer", "child"], name="one_relationship_per_carer_child")]


class Residence(TimestampedModel):
    """Who lived at an address, from when to when: the address history of a child or a carer.

    A blank `valid_from` means "since before we knew"; a blank `valid_to` means they still live there.
    """

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residences")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="residences")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="residences")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            _belongs_to_one_person("residence_belongs_to_exactly_one_person"),
            _ends_after_it_starts("residence_ends_after_it_starts"),
        ]


class FieldChange(models.Model):
    """One correction of one recorded fact (a child's date of birth, a carer's name, a case's main reason …): the
    value before and after, who changed it, when and why. Written by the service that makes the change, in the same
    transaction as the change and its audit entry; never edited. The child's and the case's history pages read these.

    `record_type` is the changed record's label ("people.child", "people.carer", "schools.enrolment", "cases.case")
    and `record_id` its key; `child` is the child the fact is about, so the child's history shows the changes to their
    carers and enrolments too. Both values are sealed at rest (cme.common.crypto), whatever the field: a history row
    then never shows, unsealed, a special-category value or even which fields hold one.
    """

    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="field_changes")
    field = models.CharField(max_length=60)
    old_value = EncryptedTextField(blank=True)
    new_value = EncryptedTextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="field_change_record")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}: {self.field}"


class ChildMerge(models.Model):
    """Two records found to be one child: the proposal (an officer's or a manager's), the manager's decision to merge
    `merged` into `survivor`, with a rationale, and, if it comes to that, its undoing.

    Written only by cme.people.merging. `moves` says exactly what the merge changed, so that undoing it restores what
    was there before: `{"moved": {"app.Model.field": [pk, …]}` (rows whose link to the child moved from `merged` to
    `survivor`), `"kept": {…}` (rows left with `merged` because the survivor already had the same, e.g. the same
    carer), `"created": {"app.Model": [pk, …]}` (other names and former UPNs the merge added to the survivor)}`; ids
    only. `changes` holds the facts of either child the merge changed, `{child_id: {field: [before, after]}}`, as
    JSON sealed at rest, because they may be special-category values.
    """

    survivor = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="merges_away")
    state = models.CharField(max_length=20, choices=ChildMergeState.choices, default=ChildMergeState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    proposal_rationale = models.TextField(help_text="Why the person who proposed it thinks they are one child.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True, help_text="Why the manager merged them, or did not.")
    warnings = models.JSONField(
        default=list, blank=True, help_text="Codes of the evidence that they may be twins or siblings."
    )
    warnings_confirmed = models.BooleanField(default=False, help_text="The manager confirmed they are one child.")
    moves = models.JSONField(default=dict, blank=True)
    changes = EncryptedTextField(blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="child_merge_two_records", condition=~Q(survivor=models.F("merged"))),
            models.CheckConstraint(name="child_merge_proposal_has_a_rationale", condition=~Q(proposal_rationale="")),
            models.CheckConstraint(
                name="child_merge_decision_has_a_rationale",
                condition=Q(state=ChildMergeState.PROPOSED) | ~Q(rationale=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of child {self.merged_id} into child {self.survivor_id} ({self.state})"
