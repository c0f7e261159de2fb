"""Users, teams and partner organisations."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from cme.common.models import TimestampedModel

from .enums import GrantDecision, OrganisationKind, Role, TaskEmails


class Team(TimestampedModel):
    """A group of CME officers with a manager; officers see their own team's cases."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(TimestampedModel):
    """A partner agency whose staff may sign in (social care, police, health, another council …)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    email = models.EmailField(blank=True, help_text="A shared mailbox, never a person's own address.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Exactly one role; school users belong to one school, partner users to one organisation.

    `is_superuser` and `is_staff` are never used: cme has no Django admin, and every permission comes from the role
    through `rules` predicates, so that nobody holds a blanket grant that could read children's records.
    """

    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    job_title = models.CharField(max_length=100, blank=True)
    task_emails = models.CharField(
        "Emails about your tasks", max_length=10, choices=TaskEmails.choices, default=TaskEmails.NONE
    )

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                name="school_user_has_exactly_a_school",
                condition=(Q(role=Role.SCHOOL_USER) & Q(school__isnull=False))
                | (~Q(role=Role.SCHOOL_USER) & Q(school__isnull=True)),
            ),
            models.CheckConstraint(
                name="partner_user_has_exactly_an_organisation",
                condition=(Q(role=Role.PARTNER_USER) & Q(organisation__isnull=False))
                | (~Q(role=Role.PARTNER_USER) & Q(organisation__isnull=True)),
            ),
            models.CheckConstraint(name="role_is_known", condition=Q(role__in=Role.values)),
            models.CheckConstraint(name="no_superusers", condition=Q(is_superuser=False)),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class RoleGrant(TimestampedModel):
    """A request to give `user` a role that reads children's records, and a second person's decision on it.

    The role takes effect only when someone other than the requester and the account itself approves it
    (`cme.accounts.grants`); the database refuses a decision by either of them too.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=GrantDecision.choices, default=GrantDecision.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(decision=GrantDecision.PENDING), name="one_pending_grant_per_user"
            ),
            models.CheckConstraint(
                name="grant_not_decided_by_requester", condition=~Q(decided_by=models.F("requested_by"))
            ),
            models.CheckConstraint(name="grant_not_decided_by_grantee", condition=~Q(decided_by=models.F("user"))),
            models.CheckConstraint(name="grant_role_is_known", condition=Q(role__in=Role.values)),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} for {self.user}"
