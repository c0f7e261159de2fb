"""Writes to the disclosure log. Called inside the transaction of the change that shared or received the data."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cme.common.writes import require_rationale

from .enums import DataCategory, Direction, LawfulBasis, Purpose
from .models import AccessPurpose, Disclosure


def disclosure_record(
    *,
    actor,
    direction: Direction,
    organisation: str,
    data_categories: list[DataCategory],
    purpose: Purpose,
    lawful_basis: LawfulBasis,
    subject: models.Model,
    cause: models.Model | None = None,
    description: str = "",
) -> Disclosure:
    """Record that personal data about `subject` went to, or came from, `organisation`."""
    unknown = set(data_categories) - set(DataCategory.values)
    if unknown or not data_categories:
        raise ValueError(f"Data categories must be DataCategory codes, got {sorted(unknown) or 'none'}")
    disclosure = Disclosure(
        direction=direction,
        organisation=organisation,
        data_categories=sorted(data_categories),
        purpose=purpose,
        lawful_basis=lawful_basis,
        description=description,
        recorded_by=actor,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
    )
    disclosure.full_clean()
    disclosure.save()
    return disclosure


ERROR_NO_REASON = "Enter why you need to open this record"


def access_purpose_state(
    *, actor, subject: models.Model, purpose: Purpose, reason: str, session_key: str
) -> AccessPurpose:
    """Record why `actor` is opening `subject`'s record outside their caseload, for this sign-in session."""
    reason = require_rationale(reason, message=ERROR_NO_REASON, field="reason")
    statement = AccessPurpose(
        user=actor,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        purpose=purpose,
        reason=reason,
        session_key=session_key,
    )
    statement.full_clean()
    statement.save()
    return statement


def disclosure_record_many(
    *,
    actor,
    direction: Direction,
    purpose: Purpose,
    lawful_basis: LawfulBasis,
    received: list[tuple[str, list[DataCategory], models.Model]],
    cause: models.Model | None = None,
    description: str = "",
) -> int:
    """Record many disclosures of one kind at once (a file of returns): `received` holds (organisation, categories,
    subject) for each. Checked like `disclosure_record`; written in batches. Returns how many were written."""
    cause_type = ContentType.objects.get_for_model(cause) if cause is not None else None
    subject_types: dict[type, ContentType] = {}
    rows = []
    for organisation, data_categories, subject in received:
        unknown = set(data_categories) - set(DataCategory.values)
        if unknown or not data_categories:
            raise ValueError(f"Data categories must be DataCategory codes, got {sorted(unknown) or 'none'}")
        subject_type = subject_types.setdefault(type(subject), ContentType.objects.get_for_model(subject))
        rows.append(
            Disclosure(
                direction=direction,
                organisation=organisation[:200],
                data_categories=sorted(data_categories),
                purpose=purpose,
                lawful_basis=lawful_basis,
                description=description,
                recorded_by=actor,
                subject_type=subject_type,
                subject_id=subject.pk,
                cause_type=cause_type,
                cause_id=cause.pk if cause is not None else None,
            )
        )
    Disclosure.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
