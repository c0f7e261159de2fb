"""Children, carers, relationships between them, and addresses with their history."""

from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from .enums import Ethnicity, MaritalStatus, RelationshipKind, SenProvision, Sex, Title


class Address(TimestampedModel):
    """A postal address, identified where known by its Unique Property Reference Number."""

    uprn = models.CharField("UPRN", max_length=12, blank=True, db_index=True)
    line1 = models.CharField(max_length=150)
    line2 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2, self.town, self.postcode) if part)


class Child(TimestampedModel):
    """A child the service knows about, whether or not a case is open."""

    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="The name the child is known by.")
    former_family_name = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    former_upn = models.CharField("Former UPN", max_length=13, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    sen_provision = models.CharField("SEN provision", max_length=1, choices=SenProvision.choices, blank=True)

    class Meta:
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["family_name", "given_name"]), models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Carer(TimestampedModel):
    """A parent or other adult who cares for a child."""

    title = models.CharField(max_length=4, choices=Title.choices, blank=True)
    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    marital_status = models.CharField(max_length=20, choices=MaritalStatus.choices, blank=True)
    phone_mobile = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +447700900123")
    phone_home = models.CharField(max_length=16, blank=True, help_text="E.164")
    email = models.EmailField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class CarerRelationship(TimestampedModel):
    """How a carer relates to a child; siblings are children who share a carer."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="relationships")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carer_relationships")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["carer", "child"], name="one_relationship_per_carer_child")]


class Residence(TimestampedModel):
    """Who lived at an address, from when to when: the address history of a child or a carer."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residences")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="residences")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.CASCADE, related_name="residences")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                name="residence_belongs_to_exactly_one_person",
                condition=(Q(child__isnull=False) & Q(carer__isnull=True))
                | (Q(child__isnull=True) & Q(carer__isnull=False)),
            ),
            models.CheckConstraint(
                name="residence_ends_after_it_starts",
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]
