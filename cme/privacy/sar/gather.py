"""Gathering everything cme holds about one child, driven by the data catalogue.

Every catalogued model whose fields may hold data about a child (DataSubject.CHILD) is either gathered, by the links
`paths_for` finds or `PATHS` names, or listed in `NOT_GATHERED` with the reason; tests/privacy/test_subject_access.py
fails when a model is neither. The fields shown are the model's catalogued fields, so a field added to the catalogue
is in the next pack without a change here.

The privacy app imports no other app: models are looked up by label, and the few links this module follows by hand
(a child's carers, their other children) are named by field.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst

from cme.privacy import catalogue
from cme.privacy.enums import DataSubject

CHILD = "people.Child"
MAX_DEPTH = 3

# Links to a child that are not a chain of foreign keys out of the model: a query on the model, given the child's id.
PATHS: dict[str, Callable[[int], Q] | None] = {
    CHILD: lambda child_id: Q(pk=child_id),
    "people.Carer": lambda child_id: Q(relationships__child_id=child_id),
    "people.Address": lambda child_id: Q(residences__child_id=child_id),
    "schools.PartTimeTimetable": lambda child_id: Q(returns__child_id=child_id),
    "schools.ReturnImport": lambda child_id: Q(returns__child_id=child_id),
    "audit.AuditEntry": lambda child_id: Q(subject_child_id=child_id),
    "audit.AuditDetail": lambda child_id: Q(entry__subject_child_id=child_id),
    "privacy.Disclosure": lambda child_id: Q(subjects__subject_type=_child_type(), subjects__subject_id=child_id),
    "privacy.DisclosureSubject": lambda child_id: Q(subject_type=_child_type(), subject_id=child_id),
    "privacy.AccessPurpose": lambda child_id: Q(subject_type=_child_type(), subject_id=child_id),
    "privacy.LegalHold": lambda child_id: Q(child_id=child_id),
    "privacy.DisposalItem": lambda child_id: Q(record_type="people.child", record_id=child_id),
    "privacy.SubjectAccessPack": lambda child_id: Q(child_id=child_id),
    "privacy.ProcessingRestriction": lambda child_id: Q(child_id=child_id),
    # Data rights requests naming the child (cme.rights): the request, who is named on it, and its stopped clocks.
    "rights.RightsRequest": lambda child_id: Q(subjects__subject_type=_child_type(), subjects__subject_id=child_id),
    "rights.RequestSubject": lambda child_id: Q(subject_type=_child_type(), subject_id=child_id),
    "rights.ClockPause": lambda child_id: Q(
        request__subjects__subject_type=_child_type(), request__subjects__subject_id=child_id
    ),
    "matching.SourceRecord": None,  # through the child's match candidates' record keys: see _source_records
}

# Catalogued models that may hold data about a child but are not gathered, and why (the search is "reasonable and
# proportionate", UK GDPR Art. 15(1A) as the Data (Use and Access) Act 2025 inserts it).
NOT_GATHERED: dict[str, str] = {
    "matching.RejectedRow": (
        "Rows of a received extract that could not be read: never linked to any child, and kept only until the "
        "import is reviewed."
    ),
    "django_tasks_database.DBTaskResult": (
        "Background jobs in progress: they carry record numbers while they run and are deleted when finished."
    ),
    "privacy.Redaction": "Part of the subject access review itself, not information about the child.",
}

# Fields left out of a pack: the search keys are derived from the names already shown, and an earlier pack's copy of
# the records is what this pack holds again (the earlier pack's dates, state and requester are shown).
HIDDEN_SUFFIXES = ("_key",)
HIDDEN_FIELDS = {("privacy.SubjectAccessPack", "content")}


def _child_type() -> ContentType:
    return ContentType.objects.get_for_model(apps.get_model(CHILD))


def models_about_children() -> list[str]:
    """Catalogued models whose fields may hold data about a child."""
    return sorted(
        label
        for label in catalogue.CATALOGUE.models()
        if any(DataSubject.CHILD in entry.subjects for entry in catalogue.entries_for_model(label))
    )


def _forward_paths(model, depth: int = 0, seen: tuple = ()) -> list[str]:
    """Lookups from `model` to a child through foreign keys out of it ("case__child"), up to MAX_DEPTH links."""
    if model._meta.label == CHILD:
        return [""]
    if depth >= MAX_DEPTH:
        return []
    found = []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is None or target._meta.label in seen or target._meta.label == settings.AUTH_USER_MODEL:
            continue
        for rest in _forward_paths(target, depth + 1, (*seen, model._meta.label)):
            found.append(f"{field.name}__{rest}".rstrip("_") if rest else field.name)
    return found


def paths_for(label: str) -> list[str]:
    """The lookups by which rows of `label` point at a child (each ends at the child: "case__child")."""
    return _forward_paths(apps.get_model(label))


def gather_plan() -> dict[str, object]:
    """For each model about children: the query (a function of the child's id), or None when gathered by hand."""
    plan: dict[str, object] = {}
    # The child's carers are catalogued as the carers' data, but who cares for a child is part of the child's record.
    for label in sorted(set(models_about_children()) | (set(PATHS) & set(catalogue.CATALOGUE.models()))):
        if label in NOT_GATHERED:
            continue
        if label in PATHS:
            plan[label] = PATHS[label]
            continue
        lookups = paths_for(label)
        if lookups:
            plan[label] = _or_of(lookups)
    return plan


def _or_of(lookups: list[str]):
    def query(child_id: int) -> Q:
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: child_id})
        return condition

    return query


def ungathered() -> list[str]:
    """Models about children that are neither gathered nor excused: should always be empty."""
    plan = gather_plan()
    return [label for label in models_about_children() if label not in plan and label not in NOT_GATHERED]


# ---------------------------------------------------------------------------------------------------------------------
# Reading the rows
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    attname: str
    label: str
    free_text: bool
    choices: dict | None
    user: bool  # a link to a member of staff: shown as their name
    link: str  # a link to another record: shown as that record's key in the pack


def _field_specs(model) -> list[FieldSpec]:
    specs = []
    user_model = settings.AUTH_USER_MODEL
    for entry in catalogue.entries_for_model(model._meta.label):
        if entry.field.endswith(HIDDEN_SUFFIXES) or (entry.model, entry.field) in HIDDEN_FIELDS:
            continue
        try:
            field = model._meta.get_field(entry.field)
        except FieldDoesNotExist:  # an entry for a field that is gone: test_catalogue_complete names it
            continue
        if not field.concrete:
            continue
        related = field.related_model if field.is_relation else None
        specs.append(
            FieldSpec(
                name=field.name,
                attname=field.attname,
                label=capfirst(str(getattr(field, "verbose_name", field.name))),
                free_text=entry.free_text,
                choices={str(k): str(v) for k, v in field.flatchoices} if getattr(field, "choices", None) else None,
                user=related is not None and related._meta.label == user_model,
                link=related._meta.label if related is not None and related._meta.label != user_model else "",
            )
        )
    return specs


def _text(value) -> str | None:
    if value is None or value in ("", "{}", "[]", {}, []):
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _section_title(model) -> str:
    return capfirst(str(model._meta.verbose_name_plural))


def _rows(model, condition: Q, specs: list[FieldSpec]) -> list[dict]:
    columns = ["pk", *[spec.attname for spec in specs]]
    return list(model.objects.filter(condition).distinct().order_by("pk").values(*columns))


def _user_names(user_ids: Iterable[int]) -> dict[int, str]:
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return {}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    names = {}
    for user in user_model.objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name"):
        names[user.pk] = user.get_full_name() or user.username
    return names


def gather(child_id: int) -> dict:
    """Everything held about the child `child_id`, section by section, with what redaction needs to know."""
    child_model = apps.get_model(CHILD)
    child = child_model.objects.get(pk=child_id)
    plan = gather_plan()
    raw: dict[str, tuple[object, list[FieldSpec], list[dict]]] = {}
    for label, query in plan.items():
        model = apps.get_model(label)
        specs = _field_specs(model)
        if query is None:
            continue
        raw[label] = (model, specs, _rows(model, query(child_id), specs))
    if "matching.SourceRecord" in plan:
        model = apps.get_model("matching.SourceRecord")
        specs = _field_specs(model)
        raw["matching.SourceRecord"] = (model, specs, _source_records(model, specs, raw))

    user_ids = [
        row[spec.attname] for _model, specs, rows in raw.values() for spec in specs if spec.user for row in rows
    ]
    users = _user_names(user_ids)
    sections = []
    documents = []
    for label in sorted(raw, key=_section_order):
        model, specs, rows = raw[label]
        if not rows:
            continue
        items = []
        for row in rows:
            fields = []
            for spec in specs:
                value = row[spec.attname]
                field = {"name": spec.name, "label": spec.label, "value": _display(spec, value, users)}
                if spec.choices is not None and value not in (None, ""):
                    field["code"] = str(value)
                if isinstance(value, bool):
                    field["code"] = value
                if spec.free_text:
                    field["free_text"] = True
                fields.append(field)
            items.append({"key": f"{label}:{row['pk']}", "fields": fields})
            if label == "cases.Document":
                documents.append({"key": f"{label}:{row['pk']}", "stored_name": row.get("file", "")})
        sections.append({"model": label, "title": _section_title(model), "items": items})

    return {
        "subject": {
            "child_id": child.pk,
            "name": f"{child.given_name} {child.family_name}",
            "date_of_birth": child.date_of_birth.isoformat(),
        },
        "gathered_at": timezone.now().isoformat(timespec="seconds"),
        "sections": sections,
        "documents": documents,
        "not_gathered": [{"model": label, "reason": reason} for label, reason in sorted(NOT_GATHERED.items())],
        "people": _people(child, raw),
    }


def _display(spec: FieldSpec, value, users: dict[int, str]) -> str | None:
    if value is None or value == "":
        return None
    if spec.user:
        return users.get(value, f"User {value}")
    if spec.link:
        return f"{spec.link}:{value}"
    if spec.choices is not None:
        return spec.choices.get(str(value), str(value))
    return _text(value)


_ORDER = ["people.", "schools.", "cases.", "matching.", "privacy.", "audit."]


def _section_order(label: str) -> tuple[int, str]:
    for index, prefix in enumerate(_ORDER):
        if label.startswith(prefix):
            return (index, label)
    return (len(_ORDER), label)


def _source_records(model, specs: list[FieldSpec], raw: dict) -> list[dict]:
    """The source records behind the child's match candidates (their `record_keys`, "source id:record ref")."""
    candidate_model = apps.get_model("matching.MatchCandidate")
    candidate_ids = [row["pk"] for row in raw.get("matching.MatchCandidate", (None, None, []))[2]]
    keys = set()
    for record_keys in candidate_model.objects.filter(pk__in=candidate_ids).values_list("record_keys", flat=True):
        keys.update(str(key) for key in record_keys or ())
    condition = Q(pk__in=[])
    for key in sorted(keys):
        source_id, _, record_ref = key.partition(":")
        if source_id.isdigit():
            condition |= Q(source_import__source_id=int(source_id), record_ref=record_ref)
    return _rows(model, condition, specs) if keys else []


# ---------------------------------------------------------------------------------------------------------------------
# Who else is in the child's records: what redaction needs to know, never part of the pack itself
# ---------------------------------------------------------------------------------------------------------------------


def _person(kind: str, pk: int, given: str, middle: str, family: str, **identifiers) -> dict:
    return {
        "kind": kind,
        "id": pk,
        "names": [part for part in (given, middle, family) if part],
        "full_name": " ".join(part for part in (given, family) if part),
        **identifiers,
    }


def _named(kind: str, pk: int, name: str) -> dict:
    return {"kind": kind, "id": pk, "names": name.split(), "full_name": name}


def _people(child: models.Model, raw: dict) -> dict:
    """The child's own identifiers, and the people linked to the child whose details a pack must not give away."""
    relationship = apps.get_model("people.CarerRelationship")
    carer_model = apps.get_model("people.Carer")
    person_name = apps.get_model("people.PersonName")
    contact_point = apps.get_model("people.ContactPoint")
    former_upn = apps.get_model("people.FormerUpn")

    carer_ids = list(relationship.objects.filter(child=child).values_list("carer_id", flat=True))
    carers = []
    other_names: dict[int, list[tuple[str, str]]] = {}
    for row in person_name.objects.filter(carer_id__in=carer_ids).values("carer_id", "given_name", "family_name"):
        other_names.setdefault(row["carer_id"], []).append((row["given_name"], row["family_name"]))
    contacts: dict[int, list[str]] = {}
    for row in contact_point.objects.filter(carer_id__in=carer_ids).values("carer_id", "value"):
        contacts.setdefault(row["carer_id"], []).append(row["value"])
    for carer in carer_model.objects.filter(pk__in=carer_ids).order_by("pk"):
        person = _person("carer", carer.pk, carer.given_name, carer.middle_names, carer.family_name)
        for given, family in other_names.get(carer.pk, []):
            person["names"] += [part for part in (given, family) if part]
        person["contacts"] = contacts.get(carer.pk, [])
        carers.append(person)

    child_model = type(child)
    siblings = []
    sibling_ids = set(
        relationship.objects.filter(carer_id__in=carer_ids).exclude(child=child).values_list("child_id", flat=True)
    )
    for sibling in child_model.objects.filter(pk__in=sibling_ids).order_by("pk"):
        siblings.append(
            _person(
                "sibling",
                sibling.pk,
                sibling.given_name,
                sibling.middle_names,
                sibling.family_name,
                upn=sibling.upn,
                nhs_number=sibling.nhs_number,
            )
        )

    referrers = []
    for row in raw.get("cases.Referral", (None, None, []))[2]:
        if row.get("referrer_name"):
            referrers.append(_named("referrer", row["pk"], row["referrer_name"]))
    agency_staff = []
    for row in raw.get("cases.Enquiry", (None, None, []))[2]:
        if row.get("contact_name"):
            agency_staff.append(_named("agency_staff", row["pk"], row["contact_name"]))

    own_contacts = list(contact_point.objects.filter(child=child).values_list("value", flat=True))
    own_upns = [child.upn, *former_upn.objects.filter(child=child).values_list("upn", flat=True)]
    own_names = [child.given_name, child.middle_names, child.family_name, child.preferred_name]
    own_names += [
        part
        for given, family in person_name.objects.filter(child=child).values_list("given_name", "family_name")
        for part in (given, family)
    ]
    return {
        "own": {
            "names": [name for name in own_names if name],
            "upns": [upn for upn in own_upns if upn],
            "nhs_numbers": [child.nhs_number] if child.nhs_number else [],
            "contacts": own_contacts,
        },
        "carers": carers,
        "siblings": siblings,
        "referrers": referrers,
        "agency_staff": agency_staff,
    }
