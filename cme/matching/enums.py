"""Closed vocabularies of data matching: kinds of source, the states of imports, runs and candidates."""

from django.db import models


class SourceKind(models.TextChoices):
    """What a registered data source holds. Each kind has its own CSV template (docs/matching.md)."""

    SCHOOL_ROLL = "school_roll", "School roll (census-style CSV)"
    COUNCIL_TAX = "council_tax", "Council tax (households and occupants)"
    HOUSING = "housing", "Housing (tenancies and household members)"
    BENEFITS = "benefits", "Benefits (claims with children)"
    GP = "gp", "GP registrations (children)"
    ADMISSIONS = "admissions", "School admissions applications"


# Sources that say where people live; school rolls say who is on a roll.
RESIDENT_KINDS = frozenset(
    {SourceKind.COUNCIL_TAX, SourceKind.HOUSING, SourceKind.BENEFITS, SourceKind.GP, SourceKind.ADMISSIONS}
)


class ImportState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    IMPORTED = "imported", "Imported"
    IMPORTED_WITH_REJECTIONS = "imported_with_rejections", "Imported, some rows held for review"
    REFUSED = "refused", "Refused: nothing imported"


class RunState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class CandidateKind(models.TextChoices):
    """Why a person is proposed for review."""

    NOT_ON_ROLL = "not_on_roll", "Living here, on no school roll"
    MOVED_AWAY = "moved_away", "On a roll here, appears to have moved away"


class ReviewState(models.TextChoices):
    """Where a candidate is in the review queue. Only a person's decision moves it to confirmed or dismissed."""

    TO_REVIEW = "to_review", "To review"
    CONFIRMED = "confirmed", "Confirmed: referral made"
    DISMISSED = "dismissed", "Dismissed"


class MatchDecisionKind(models.TextChoices):
    CONFIRM = "confirm", "Confirmed as a referral"
    DISMISS = "dismiss", "Dismissed"
