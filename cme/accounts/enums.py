"""Roles and organisation kinds: closed vocabularies stored as short codes."""

from django.db import models


class Role(models.TextChoices):
    """What a user is for. Each role sees only what its purpose needs (see `policies.py`)."""

    CME_OFFICER = "cme_officer", "CME officer"
    CME_MANAGER = "cme_manager", "CME manager"
    SCHOOL_USER = "school_user", "School user"
    PARTNER_USER = "partner_user", "Partner agency user"
    DPO = "dpo", "Data protection officer"
    ANALYST = "analyst", "Analyst"
    SYSADMIN = "sysadmin", "System administrator"


# Roles held by council staff, as opposed to people at schools and partner agencies.
COUNCIL_ROLES = frozenset({Role.CME_OFFICER, Role.CME_MANAGER, Role.DPO, Role.ANALYST, Role.SYSADMIN})

# Roles that open children's records. Nobody grants these alone: a second person (a CME manager or the DPO, never
# the requester nor the account itself) approves the grant first (cme.accounts.grants). A test keeps this in step
# with the permissions that read a child's record.
CHILD_READING_ROLES = frozenset({Role.CME_OFFICER, Role.CME_MANAGER})


class GrantDecision(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class OrganisationKind(models.TextChoices):
    """The partner agencies the service shares with and hears from (the privacy notice's recipients)."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health (GP, school nursing)"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    EARLY_HELP = "early_help", "Early help"
    HOME_OFFICE = "home_office", "Home Office"
    HOUSING = "housing", "Housing"
    COUNCIL_TAX = "council_tax", "Council tax"
    OTHER_COUNCIL = "other_council", "Another council"
    OTHER = "other", "Other"


class TaskEmails(models.TextChoices):
    """How often a caseworker is emailed about their tasks (chosen on "Your account"). An email names only kinds of
    task and links to cme, never a child."""

    NONE = "none", "No emails"
    DAILY = "daily", "A daily summary"
    IMMEDIATE = "immediate", "A daily summary, and an email at once when a safeguarding concern arrives"
