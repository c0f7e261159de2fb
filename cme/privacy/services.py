"""Writes to the disclosure log. Called inside the transaction of the change that shared or received the data."""

import itertools
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.writes import require_rationale

from .enums import DataCategory, Direction, LawfulBasis, Purpose
from .models import AccessPurpose, Disclosure, DisclosureSubject
from .restriction import ensure_not_restricted, restrictions_in_force

# The people a disclosure can be about: a child or carer cme holds, or a person as a received record names them (the
# pupil in a school's return, the person in a row of an extract) until someone matches them to a child.
PERSON_TYPES = frozenset(
    {"people.child", "people.carer", "schools.rollreturn", "matching.sourcerecord", "frontdoor.frontdoorreport"}
)
CHILD_TYPE = "people.child"
ERROR_NOT_A_PERSON = "A disclosure is about people; {label} is not a person's record"
ERROR_NO_SUBJECT = "A disclosure must name the person or people it is about"
SUBJECT_BATCH = 5000


def disclosure_record(
    *,
    actor,
    direction: Direction,
    organisation: str,
    data_categories: list[DataCategory],
    purpose: Purpose,
    lawful_basis: LawfulBasis,
    subject: models.Model | None = None,
    subjects: Iterable[models.Model] = (),
    cause: models.Model | None = None,
    description: str = "",
) -> Disclosure:
    """Record that personal data about `subject` (one person) or `subjects` (several: an extract, a file) went to, or
    came from, `organisation`, with its audit entry, in the caller's transaction.

    Every subject is a person (PERSON_TYPES); ValueError for anything else (a return file, an import) or for none.
    """
    _categories_check(data_categories)
    people = [subject] if subject is not None else []
    if direction == Direction.SHARED_OUT and restrictions_in_force():
        # Nothing about a child whose records are restricted is shared (UK GDPR Art. 18): refused and audited.
        subjects = list(subjects)
        named_children = [p.pk for p in (*people, *subjects) if p._meta.label_lower == CHILD_TYPE]
        named_carers = [p.pk for p in (*people, *subjects) if p._meta.label_lower == "people.carer"]
        if named_children or named_carers:
            ensure_not_restricted(
                actor=actor,
                child_ids=named_children + _children_of_carers(named_carers),
                action="disclosure_record",
                target=cause,
            )
    disclosure = Disclosure(
        direction=direction,
        organisation=organisation,
        data_categories=sorted(data_categories),
        purpose=purpose,
        lawful_basis=lawful_basis,
        description=description,
        recorded_by=actor,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
    )
    disclosure.full_clean()
    with transaction.atomic():
        disclosure.save()
        named = _subjects_write([disclosure], [itertools.chain(people, subjects)])
        child_ids = named[0].get(CHILD_TYPE, [])
        audit_record(
            actor=actor,
            event=AuditEvent.DISCLOSURE_RECORDED,
            target=disclosure,
            related=cause,
            subject_child_id=child_ids[0] if len(child_ids) == 1 else None,
            payload={"direction": str(direction), "people": sum(len(ids) for ids in named[0].values())},
            detail={"organisation": organisation},
        )
    return disclosure


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
    person) for each. Checked like `disclosure_record`; written in batches with one audit entry for them all, naming
    `cause`. Returns how many were written."""
    cause_type = ContentType.objects.get_for_model(cause) if cause is not None else None
    rows = []
    for organisation, data_categories, _person in received:
        _categories_check(data_categories)
        rows.append(
            Disclosure(
                direction=direction,
                organisation=organisation[:200],
                data_categories=sorted(data_categories),
                purpose=purpose,
                lawful_basis=lawful_basis,
                description=description,
                recorded_by=actor,
                cause_type=cause_type,
                cause_id=cause.pk if cause is not None else None,
            )
        )
    with transaction.atomic():
        Disclosure.objects.bulk_create(rows, batch_size=1000)
        if rows and rows[0].pk is None:  # a database that does not return ids from a bulk insert
            raise RuntimeError("disclosure_record_many needs the new rows' ids")
        _subjects_write(rows, [[person] for _organisation, _categories, person in received])
        if rows:
            audit_record(
                actor=actor,
                event=AuditEvent.DISCLOSURE_RECORDED,
                target=cause,
                payload={"direction": str(direction), "disclosures": len(rows)},
            )
    return len(rows)


@transaction.atomic
def disclosure_subject_add(*, actor, named: models.Model | Iterable[models.Model], person: models.Model) -> int:
    """Add `person` (the child someone matched a return or extract rows to) to every disclosure naming `named`.

    Subject access then finds those receipts from the child's record. Returns how many disclosures gained the child.
    """
    named = [named] if isinstance(named, models.Model) else list(named)
    _person_type(person)
    person_type = ContentType.objects.get_for_model(person)
    disclosure_ids: set[int] = set()
    for model, ids in _ids_by_model(named).items():
        subject_type = ContentType.objects.get_for_model(model)
        for start in range(0, len(ids), 900):  # SQLite allows 999 parameters in one statement
            disclosure_ids |= set(
                DisclosureSubject.objects.filter(
                    subject_type=subject_type, subject_id__in=ids[start : start + 900]
                ).values_list("disclosure_id", flat=True)
            )
    already = set(
        DisclosureSubject.objects.filter(
            disclosure_id__in=disclosure_ids, subject_type=person_type, subject_id=person.pk
        ).values_list("disclosure_id", flat=True)
    )
    new = sorted(disclosure_ids - already)
    DisclosureSubject.objects.bulk_create(
        [DisclosureSubject(disclosure_id=pk, subject_type=person_type, subject_id=person.pk) for pk in new],
        batch_size=SUBJECT_BATCH,
    )
    if new:
        audit_record(
            actor=actor,
            event=AuditEvent.DISCLOSURE_RECORDED,
            target=person,
            payload={"disclosures_now_naming_this_person": len(new)},
        )
    return len(new)


def _children_of_carers(carer_ids: list[int]) -> list[int]:
    if not carer_ids:
        return []
    from django.apps import apps

    relationship = apps.get_model("people", "CarerRelationship")
    return list(relationship.objects.filter(carer_id__in=carer_ids).values_list("child_id", flat=True))


def _categories_check(data_categories: list[DataCategory]) -> None:
    unknown = set(data_categories) - set(DataCategory.values)
    if unknown or not data_categories:
        raise ValueError(f"Data categories must be DataCategory codes, got {sorted(unknown) or 'none'}")


def _person_type(person: models.Model) -> str:
    label = person._meta.label_lower
    if label not in PERSON_TYPES:
        raise ValueError(ERROR_NOT_A_PERSON.format(label=label))
    if person.pk is None:
        raise ValueError("A disclosure's subject must be saved first")
    return label


def _ids_by_model(people: Iterable[models.Model]) -> dict[type, list[int]]:
    by_model: dict[type, list[int]] = {}
    for person in people:
        _person_type(person)
        by_model.setdefault(type(person), []).append(person.pk)
    return by_model


def _subjects_write(disclosures: list[Disclosure], people: list[Iterable[models.Model]]) -> list[dict[str, list[int]]]:
    """Name `people[i]` as the subjects of `disclosures[i]`, in batches; returns each one's ids by person type."""
    content_types: dict[type, ContentType] = {}
    named: list[dict[str, list[int]]] = []
    batch: list[DisclosureSubject] = []
    for disclosure, persons in zip(disclosures, people, strict=True):
        ids_by_type: dict[str, list[int]] = {}
        for person in persons:
            label = _person_type(person)
            if person.pk in ids_by_type.get(label, ()):
                continue
            ids_by_type.setdefault(label, []).append(person.pk)
            subject_type = content_types.get(type(person)) or content_types.setdefault(
                type(person), ContentType.objects.get_for_model(person)
            )
            batch.append(DisclosureSubject(disclosure=disclosure, subject_type=subject_type, subject_id=person.pk))
            if len(batch) >= SUBJECT_BATCH:
                DisclosureSubject.objects.bulk_create(batch)
                batch = []
        if not ids_by_type:
            raise ValueError(ERROR_NO_SUBJECT)
        named.append(ids_by_type)
    DisclosureSubject.objects.bulk_create(batch)
    return named


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
