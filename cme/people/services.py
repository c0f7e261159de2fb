"""Writes to people: children, carers, the links between them, other names, contact points and addresses."""

import copy
from collections.abc import Callable, Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import VersionConflictError, update_at_version
from cme.privacy.models import AccessPurpose
from cme.privacy.restriction import refused_while_restricted
from cme.privacy.services import access_purpose_state

from .enums import ContactKind, ContactLabel, PersonNameKind, RelationshipKind, Sex
from .errors import PossibleDuplicatesError, UpnTakenError
from .history import field_changes_record, reason_required
from .identifiers import nhs_number_clean, phone_to_e164, postcode_clean, upn_clean, uprn_clean
from .models import Address, Carer, CarerRelationship, Child, ContactPoint, FormerUpn, PersonName, Residence
from .names import search_keys_fill
from .selectors import child_possible_duplicates

if TYPE_CHECKING:
    from cme.accounts.models import User

CONFIRMED_NEW_REASON_ERROR = "Say why this is a different child from the children who may be the same"
DATE_OF_BIRTH_IN_FUTURE_ERROR = "Date of birth must be in the past"
MOVED_IN_TOO_EARLY_ERROR = "The date they moved in must be after {date}, when they moved into their current address"

# Fields an officer may change through child_update and carer_update; versions and search keys follow from them.
CHILD_FIELDS = frozenset(
    {
        "given_name",
        "middle_names",
        "family_name",
        "preferred_name",
        "sex",
        "date_of_birth",
        "upn",
        "nhs_number",
        "ethnicity",
        "sen_provision",
        "first_language",
        "looked_after",
        "child_protection_plan",
        "traveller",
        "service_child",
        "young_carer",
        "ehcp",
        "receives_benefits",
        "immigration_involvement",
        "police_probation_involvement",
    }
)
CARER_FIELDS = frozenset(
    {"title", "given_name", "middle_names", "family_name", "sex", "date_of_birth", "marital_status"}
)
CHILD_SEARCH_KEYS = ("given_name_key", "preferred_name_key", "family_name_key", "family_name_part_key")
CARER_SEARCH_KEYS = ("given_name_key", "family_name_key", "family_name_part_key")
CHILD_IDENTIFIERS: dict[str, Callable[[str], str]] = {"upn": upn_clean, "nhs_number": nhs_number_clean}

Person = Child | Carer


def _carer_children(kwargs) -> list[int]:
    """The children a carer cares for: a carer's record is part of each of theirs, so a restriction covers it."""
    return list(CarerRelationship.objects.filter(carer=kwargs["carer"]).values_list("child_id", flat=True))


def _person_children(kwargs) -> list[int]:
    person = kwargs["person"]
    if isinstance(person, Child):
        return [person.pk]
    return _carer_children({"carer": person}) if isinstance(person, Carer) else []


# ---------------------------------------------------------------------------------------------------------------
# Children


@transaction.atomic
def child_create(
    *,
    actor: "User | None",
    given_name: str,
    family_name: str,
    date_of_birth: date,
    middle_names: str = "",
    preferred_name: str = "",
    sex: Sex = Sex.UNKNOWN,
    upn: str = "",
    nhs_number: str = "",
    ethnicity: str = "",
    sen_provision: str = "",
    first_language: str = "",
    looked_after: bool = False,
    child_protection_plan: bool = False,
    traveller: bool = False,
    service_child: bool = False,
    young_carer: bool = False,
    ehcp: bool = False,
    receives_benefits: bool = False,
    immigration_involvement: bool = False,
    police_probation_involvement: bool = False,
    postcode: str = "",
    confirmed_new: bool = False,
    reason: str = "",
) -> Child:
    """Record a child. UPN and NHS number are stored in their clean form; blank means not known.

    No silent duplicates: unless the caller says it has looked (`confirmed_new`, with the `reason` this is a
    different child, which is recorded in the audit entry), the children who may be the same one are looked for
    (`child_possible_duplicates`; `postcode` is where the child lives, if known) and PossibleDuplicatesError is
    raised, creating nothing, if there are any. Raises ValidationError naming the field: a malformed identifier, a
    UPN another child already has, a date of birth in the future, `confirmed_new` without a reason.
    """
    reason = reason.strip()
    if confirmed_new and not reason:
        raise ValidationError({"reason": CONFIRMED_NEW_REASON_ERROR})
    details = _cleaned(
        {
            "given_name": given_name,
            "middle_names": middle_names,
            "family_name": family_name,
            "preferred_name": preferred_name,
            "sex": sex,
            "date_of_birth": date_of_birth,
            "upn": upn,
            "nhs_number": nhs_number,
            "ethnicity": ethnicity,
            "sen_provision": sen_provision,
            "first_language": first_language,
            "looked_after": looked_after,
            "child_protection_plan": child_protection_plan,
            "traveller": traveller,
            "service_child": service_child,
            "young_carer": young_carer,
            "ehcp": ehcp,
            "receives_benefits": receives_benefits,
            "immigration_involvement": immigration_involvement,
            "police_probation_involvement": police_probation_involvement,
        },
        CHILD_IDENTIFIERS,
    )
    child = search_keys_fill(Child(**details))
    _date_of_birth_validate(child.date_of_birth)
    upn_taken_check(child.upn)
    child.full_clean()
    if not confirmed_new:
        duplicates = child_possible_duplicates(
            given_name=child.given_name,
            family_name=child.family_name,
            preferred_name=child.preferred_name,
            date_of_birth=child.date_of_birth,
            upn=child.upn,
            nhs_number=child.nhs_number,
            postcode=postcode,
        )
        if duplicates:
            raise PossibleDuplicatesError(duplicates)
    child.save()
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CREATED,
        target=child,
        fields=sorted(details),
        **({"detail": {"confirmed_new_reason": reason}} if confirmed_new else {}),
    )
    return child


@transaction.atomic
def child_create_after_review(
    *, actor: "User | None", shown_children: Collection[int], reason: str, **details
) -> Child:
    """Record a child an officer chose as new on a page that showed them `shown_children` (the children already held
    who may be them: a return's suggestions, a match candidate's known children), with `reason` for their choice.

    Created only if every possible duplicate the check finds is among those shown; otherwise
    PossibleDuplicatesError naming the ones they have not seen, and nothing is created."""
    duplicates = child_possible_duplicates(**{name: details.get(name, "") for name in _CHECKED}, postcode="")
    unseen = [duplicate for duplicate in duplicates if duplicate.id not in set(shown_children)]
    if unseen:
        raise PossibleDuplicatesError(unseen)
    return child_create(actor=actor, **details, confirmed_new=True, reason=reason)


_CHECKED = ("given_name", "family_name", "preferred_name", "date_of_birth", "upn", "nhs_number")


@transaction.atomic
def child_same_as_new(
    *,
    actor: "User | None",
    child: Child,
    reason: str,
    given_name: str,
    family_name: str,
    middle_names: str = "",
    preferred_name: str = "",
    upn: str = "",
    nhs_number: str = "",
    **_other_details,
) -> Child:
    """The officer found that the child they were about to record is `child`, already held: the new information
    joins that record instead of a second one. A name written differently is kept as another name (search finds
    it), a UPN or NHS number the record lacks is added, a different UPN is kept as a former UPN; nothing recorded
    is overwritten. The decision and its reason are in the audit entry. Raises ValidationError for a bad identifier
    or a missing reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is the same child"})
    identifiers = _cleaned({"upn": upn, "nhs_number": nhs_number}, CHILD_IDENTIFIERS)
    changed: list[str] = []
    typed = (given_name.strip(), family_name.strip())
    known = {(child.given_name.lower(), child.family_name.lower())}
    known |= {(n.given_name.lower(), n.family_name.lower()) for n in child.other_names.all()}
    if all(typed) and (typed[0].lower(), typed[1].lower()) not in known:
        person_name_add(actor=actor, person=child, kind=PersonNameKind.ALIAS, given_name=typed[0], family_name=typed[1])
        changed.append("other_names")
    if preferred_name.strip() and not child.preferred_name:
        Child.objects.filter(pk=child.pk).update(preferred_name=preferred_name.strip())
        changed.append("preferred_name")
    if middle_names.strip() and not child.middle_names:
        Child.objects.filter(pk=child.pk).update(middle_names=middle_names.strip())
        changed.append("middle_names")
    if identifiers["nhs_number"] and not child.nhs_number:
        Child.objects.filter(pk=child.pk).update(nhs_number=identifiers["nhs_number"])
        changed.append("nhs_number")
    if identifiers["upn"] and identifiers["upn"] != child.upn:
        if child.upn:
            child_former_upn_add(actor=actor, child=child, upn=identifiers["upn"])
            changed.append("former_upns")
        elif Child.objects.filter(upn=identifiers["upn"]).exists():
            upn_taken_check(identifiers["upn"], exclude_id=child.pk)
        else:
            Child.objects.filter(pk=child.pk).update(upn=identifiers["upn"])
            changed.append("upn")
    Child.objects.filter(pk=child.pk).update(version=F("version") + 1, updated_at=timezone.now())
    child.refresh_from_db()
    search_keys_fill(child)
    Child.objects.filter(pk=child.pk).update(**{key: getattr(child, key) for key in CHILD_SEARCH_KEYS})
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CHANGED,
        target=child,
        fields=sorted(changed),
        detail={"same_child_reason": reason},
        payload={"same_child_as_new": True},
    )
    return child


@refused_while_restricted("child_update", lambda kw: [kw["child"].pk])
@transaction.atomic
def child_update(*, actor: "User", child: Child, expected_version: int, reason: str, **fields) -> Child:
    """Change `fields` of `child`, provided nobody has saved a change since the officer saw `expected_version`.

    `reason` says why (a correction, new information): each changed field is kept in the history with its old value,
    who and why (cme.people.history). Returns the child as now stored. A UPN that is replaced is kept as a former UPN,
    so records that still use it find the child. Raises ApplicationError without a reason; VersionConflictError,
    changing nothing, if the record has moved on; ValidationError naming the field for a bad value; TypeError for a
    field that cannot be changed here.
    """
    reason = reason_required(reason)
    fields = _cleaned(_known_fields(fields, CHILD_FIELDS), CHILD_IDENTIFIERS)
    edited = _edited_copy(child, fields)
    _date_of_birth_validate(edited.date_of_birth)
    if "upn" in fields:
        upn_taken_check(edited.upn, exclude_id=child.pk)
    edited.full_clean()
    # Reading the UPN at the expected version is safe: if anyone saves in between, the version moves on and the
    # conditional update below refuses the edit.
    stored = Child.objects.filter(pk=child.pk, version=expected_version).first()
    update_at_version(
        child,
        expected_version=expected_version,
        **{name: getattr(edited, name) for name in (*fields, *CHILD_SEARCH_KEYS)},
    )
    if stored.upn and stored.upn != edited.upn:
        FormerUpn.objects.get_or_create(child=child, upn=stored.upn)
    child.refresh_from_db()
    before = {name: getattr(stored, name) for name in fields}
    changes = field_changes_record(actor=actor, record=child, before=before, reason=reason, child=child)
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CHANGED,
        target=child,
        fields=sorted(c.field for c in changes) or sorted(fields),
    )
    return child


@refused_while_restricted("child_former_upn_add", lambda kw: [kw["child"].pk])
@transaction.atomic
def child_former_upn_add(*, actor: "User | None", child: Child, upn: str) -> FormerUpn:
    """Record a UPN the child had before (a CTF's former UPN, a merged duplicate's); adding one twice is a no-op."""
    upn = _cleaned({"upn": upn}, CHILD_IDENTIFIERS)["upn"]
    former = FormerUpn.objects.filter(child=child, upn=upn).first()
    if former is not None:
        return former
    former = FormerUpn(child=child, upn=upn)
    former.full_clean()
    former.save()
    audit_record(actor=actor, event=AuditEvent.CHILD_CHANGED, target=child, fields=["former_upn"])
    return former


UPN_TAKEN_MESSAGE = (
    "UPN {upn} is already on the record of {name}, born {born} (child record {id}). A UPN belongs to one pupil: "
    "check the UPN, or open that record, as it may be the same child"
)


def upn_taken_check(upn: str, *, exclude_id: int | None = None) -> None:
    """Raise UpnTakenError naming the child whose record already holds `upn` (blank holds nothing)."""
    if not upn:
        return
    holder = Child.objects.filter(upn=upn).exclude(pk=exclude_id).only("given_name", "family_name", "date_of_birth")
    holder = holder.first()
    if holder is None:
        return
    born = f"{holder.date_of_birth.day} {holder.date_of_birth:%B %Y}"
    message = UPN_TAKEN_MESSAGE.format(upn=upn, name=holder, born=born, id=holder.pk)
    raise UpnTakenError(message, record_type="people.child", record_id=holder.pk)


def _date_of_birth_validate(date_of_birth: date) -> None:
    if date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": DATE_OF_BIRTH_IN_FUTURE_ERROR})


# ---------------------------------------------------------------------------------------------------------------
# Carers


@transaction.atomic
def carer_create(
    *,
    actor: "User | None",
    given_name: str,
    family_name: str,
    title: str = "",
    middle_names: str = "",
    sex: Sex = Sex.UNKNOWN,
    date_of_birth: date | None = None,
    marital_status: str = "",
) -> Carer:
    """Record a parent or other carer. Phone numbers and emails are added with contact_add."""
    details = _cleaned(
        {
            "title": title,
            "given_name": given_name,
            "middle_names": middle_names,
            "family_name": family_name,
            "sex": sex,
            "date_of_birth": date_of_birth,
            "marital_status": marital_status,
        },
        {},
    )
    carer = search_keys_fill(Carer(**details))
    if carer.date_of_birth is not None:
        _date_of_birth_validate(carer.date_of_birth)
    carer.full_clean()
    carer.save()
    audit_record(actor=actor, event=AuditEvent.CARER_CREATED, target=carer, fields=sorted(details))
    return carer


@refused_while_restricted("carer_update", _carer_children)
@transaction.atomic
def carer_update(*, actor: "User", carer: Carer, expected_version: int, reason: str, child=None, **fields) -> Carer:
    """Change `fields` of `carer` unless someone saved a change after `expected_version` (as child_update), keeping
    each old value in the history with `reason`. `child` is the child whose record the change was made from, so
    their history shows it; without one the change shows on the history of every child the carer cares for."""
    reason = reason_required(reason)
    fields = _cleaned(_known_fields(fields, CARER_FIELDS), {})
    edited = _edited_copy(carer, fields)
    if edited.date_of_birth is not None:
        _date_of_birth_validate(edited.date_of_birth)
    edited.full_clean()
    stored = Carer.objects.filter(pk=carer.pk, version=expected_version).first()
    update_at_version(
        carer,
        expected_version=expected_version,
        **{name: getattr(edited, name) for name in (*fields, *CARER_SEARCH_KEYS)},
    )
    carer.refresh_from_db()
    before = {name: getattr(stored, name) for name in fields}
    children = [child] if child is not None else list(Child.objects.filter(carer_relationships__carer=carer))
    changed: set[str] = set()
    for each in children or [None]:
        rows = field_changes_record(actor=actor, record=carer, before=before, reason=reason, child=each)
        changed |= {row.field for row in rows}
    audit_record(actor=actor, event=AuditEvent.CARER_CHANGED, target=carer, fields=sorted(changed) or sorted(fields))
    return carer


@refused_while_restricted("carer_link", lambda kw: [kw["child"].pk])
@transaction.atomic
def carer_link(
    *,
    actor: "User | None",
    carer: Carer,
    child: Child,
    kind: RelationshipKind,
    parental_responsibility: bool,
    lives_with: bool,
) -> CarerRelationship:
    """Record how `carer` is related to `child`; linking them again updates the one relationship they have."""
    relationship = CarerRelationship.objects.filter(carer=carer, child=child).first() or CarerRelationship(
        carer=carer, child=child
    )
    relationship.kind = kind
    relationship.parental_responsibility = parental_responsibility
    relationship.lives_with = lives_with
    relationship.full_clean()
    relationship.save()
    _audit_change(actor, child, ["carers"], related=carer)
    return relationship


@refused_while_restricted("carer_link_change", lambda kw: [kw["child"].pk])
@transaction.atomic
def carer_link_change(
    *,
    actor: "User",
    carer: Carer,
    child: Child,
    reason: str,
    kind: RelationshipKind,
    parental_responsibility: bool,
    lives_with: bool,
) -> CarerRelationship:
    """Correct how `carer` is related to `child` (relationship, parental responsibility, living together), keeping
    the old values in the child's history with `reason`. Raises ApplicationError without a reason."""
    reason = reason_required(reason)
    relationship = CarerRelationship.objects.select_for_update().get(carer=carer, child=child)
    new = {"kind": kind, "parental_responsibility": parental_responsibility, "lives_with": lives_with}
    before = {name: getattr(relationship, name) for name in new}
    for name, value in new.items():
        setattr(relationship, name, value)
    relationship.full_clean()
    relationship.save()
    changes = field_changes_record(actor=actor, record=relationship, before=before, reason=reason, child=child)
    if changes:
        _audit_change(actor, child, [f"carers.{change.field}" for change in changes], related=carer)
    return relationship


# ---------------------------------------------------------------------------------------------------------------
# Other names, contact points and addresses of a child or carer


@refused_while_restricted("person_name_add", _person_children)
@transaction.atomic
def person_name_add(
    *,
    actor: "User | None",
    person: Person,
    kind: PersonNameKind,
    given_name: str = "",
    family_name: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> PersonName:
    """Record another name of a child or carer (former name, alias, known-as, transliteration); search finds it."""
    name = PersonName(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        **_owner(person),
    )
    search_keys_fill(name)
    name.full_clean()
    name.save()
    _audit_change(actor, person, ["other_names"])
    return name


@refused_while_restricted("contact_add", _person_children)
@transaction.atomic
def contact_add(
    *,
    actor: "User | None",
    person: Person,
    kind: ContactKind,
    value: str,
    label: ContactLabel | str = "",
    is_emergency: bool = False,
) -> ContactPoint:
    """Record a telephone number (stored in E.164) or an email address of a child or carer."""
    value = value.strip()
    if kind == ContactKind.PHONE:
        value = _cleaned({"value": value}, {"value": phone_to_e164})["value"]
    contact = ContactPoint(kind=kind, label=label, value=value, is_emergency=is_emergency, **_owner(person))
    contact.full_clean()
    contact.save()
    _audit_change(actor, person, ["contact_points"])
    return contact


@refused_while_restricted("address_record", _person_children)
@transaction.atomic
def address_record(
    *,
    actor: "User | None",
    person: Person,
    line1: str,
    postcode: str,
    valid_from: date,
    line2: str = "",
    town: str = "",
    uprn: str = "",
    reason: str = "",
) -> Residence:
    """Record that `person` lives at an address from `valid_from`, ending their current residence the day before.

    The address is shared with anyone already recorded there (same UPRN or, without one, the same first line and
    postcode). The move is kept in the child's history of changes (the old address, the new, and `reason` or where
    the address came from). Raises ApplicationError on `valid_from` unless it is after the start of the current
    residence, and ValidationError naming the field for a bad postcode or UPRN.
    """
    cleaned = _cleaned(
        {"line1": line1, "line2": line2, "town": town, "postcode": postcode, "uprn": uprn},
        {"postcode": postcode_clean, "uprn": uprn_clean},
    )
    owner = _owner(person)
    current = list(Residence.objects.select_for_update().filter(valid_to__isnull=True, **owner))
    _moved_in_validate(current, valid_from)
    for residence in current:
        residence.valid_to = valid_from - timedelta(days=1)
        residence.full_clean()
        residence.save(update_fields=["valid_to", "updated_at"])
    residence = Residence(address=_address_find_or_create(**cleaned), valid_from=valid_from, **owner)
    residence.full_clean()
    residence.save()
    previous = {"address": current[0].address if current else None}
    children = [person] if isinstance(person, Child) else list(Child.objects.filter(carer_relationships__carer=person))
    for child in children:
        field_changes_record(
            actor=actor,
            record=residence,
            before=previous,
            reason=reason.strip() or "New address recorded",
            child=child,
        )
    _audit_change(actor, person, ["address"])
    return residence


@transaction.atomic
def child_purpose_state(*, actor: "User", child: Child, purpose: str, reason: str, session_key: str) -> AccessPurpose:
    """Record why `actor` opens a record outside their caseload: for the DPO's review and in the audit trail."""
    return _purpose_state(actor=actor, person=child, purpose=purpose, reason=reason, session_key=session_key)


@transaction.atomic
def carer_purpose_state(*, actor: "User", carer: Carer, purpose: str, reason: str, session_key: str) -> AccessPurpose:
    """Record why `actor` opens the record of a carer none of whose children is in their caseload."""
    return _purpose_state(actor=actor, person=carer, purpose=purpose, reason=reason, session_key=session_key)


def _purpose_state(*, actor: "User", person: Person, purpose: str, reason: str, session_key: str) -> AccessPurpose:
    statement = access_purpose_state(
        actor=actor, subject=person, purpose=purpose, reason=reason, session_key=session_key
    )
    audit_record(
        actor=actor, event=AuditEvent.PURPOSE_STATED, target=person, purpose=purpose, purpose_text=statement.reason
    )
    return statement


def _audit_change(actor, person: Person, fields: list[str], related=None) -> None:
    event = AuditEvent.CHILD_CHANGED if isinstance(person, Child) else AuditEvent.CARER_CHANGED
    audit_record(actor=actor, event=event, target=person, fields=fields, related=related)


def _moved_in_validate(current: list[Residence], valid_from: date) -> None:
    for residence in current:
        if residence.valid_from is not None and valid_from <= residence.valid_from:
            start = residence.valid_from
            raise ApplicationError(
                MOVED_IN_TOO_EARLY_ERROR.format(date=f"{start.day} {start:%B %Y}"), field="valid_from"
            )


def _address_find_or_create(*, line1: str, line2: str, town: str, postcode: str, uprn: str) -> Address:
    if uprn:
        found = Address.objects.filter(uprn=uprn).first()
    else:
        found = Address.objects.filter(uprn="", line1__iexact=line1, line2__iexact=line2, postcode=postcode).first()
    if found is not None:
        return found
    address = Address(line1=line1, line2=line2, town=town, postcode=postcode, uprn=uprn)
    address.full_clean()
    address.save()
    return address


# ---------------------------------------------------------------------------------------------------------------
# Shared steps


def _cleaned(values: dict, identifiers: dict[str, Callable[[str], str]]) -> dict:
    """`values` with text trimmed and each identifier in its stored form (blank stays blank).

    Raises one ValidationError naming every identifier field that is wrong, so a form can show them all at once.
    """
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    errors: dict[str, list[str]] = {}
    for name, clean in identifiers.items():
        if cleaned.get(name):
            try:
                cleaned[name] = clean(cleaned[name])
            except ValidationError as error:
                errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _known_fields(fields: dict, allowed: frozenset[str]) -> dict:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"These fields cannot be changed here: {', '.join(unknown)}")
    return fields


def _edited_copy(instance: models.Model, fields: dict) -> models.Model:
    """A copy of `instance` with `fields` applied and search keys refreshed, to validate before anything is saved."""
    edited = copy.copy(instance)
    for name, value in fields.items():
        setattr(edited, name, value)
    return search_keys_fill(edited)


def _owner(person: Person) -> dict:
    """The foreign key a row about `person` sets: child or carer."""
    if isinstance(person, Child):
        return {"child": person}
    if isinstance(person, Carer):
        return {"carer": person}
    raise TypeError(f"Expected a Child or a Carer, not {type(person).__name__}")


# ---------------------------------------------------------------------------------------------------------------
# Corrections to a child's enrolment at a school

ENROLMENT_FIELDS = frozenset({"school", "status", "start_date", "leave_date", "deletion_ground"})
ENROLMENT_CHANGED_ERROR = "Someone else changed this enrolment while you were editing it. Check it and try again."


@refused_while_restricted("enrolment_correct", lambda kw: [kw["enrolment"].child_id])
@transaction.atomic
def enrolment_correct(*, actor: "User", enrolment, reason: str, expected: dict | None = None, **fields):
    """Correct what is recorded about a child's enrolment (the school, dates, status, why the name was deleted),
    keeping each old value in the child's history with `reason`.

    `expected` holds the values the person saw; if the stored enrolment no longer has them, nothing changes and
    VersionConflictError is raised (an enrolment has no version number of its own). Raises ApplicationError without
    a reason, ValidationError naming the field for a bad value, TypeError for a field that cannot be changed here.
    """
    from cme.schools.models import Enrolment

    reason = reason_required(reason)
    _known_fields(fields, ENROLMENT_FIELDS)
    stored = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if expected and any(
        _stored_value(getattr(stored, name)) != _stored_value(value) for name, value in expected.items()
    ):
        raise VersionConflictError()
    before = {name: getattr(stored, name) for name in fields}
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    changes = field_changes_record(actor=actor, record=stored, before=before, reason=reason, child=stored.child)
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CHANGED,
        target=stored.child,
        related=stored,
        fields=[c.field for c in changes],
    )
    return stored


def _stored_value(value) -> str:
    return str(value.pk) if hasattr(value, "pk") else ("" if value is None else str(value))
