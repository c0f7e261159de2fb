"""The history of corrections: one FieldChange row per field that a service changes, with the reason given.

`field_changes_record` is called by the services that correct facts (children, carers, enrolments, cases) inside
their transaction, after the change and beside its audit entry. `history_rows` turns the rows into what the history
pages show: the field's label, the old and new value in plain English, who, when and why, with special-category and
criminal-offence values masked for roles not cleared for them (cme.privacy.masking, from the catalogue).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cme.common.writes import require_rationale
from cme.privacy.masking import may_see_sensitive, sensitive_field_names

from .models import Child, FieldChange

REASON_REQUIRED_ERROR = "Enter why you are making this change"
WITHHELD = "Withheld"


def reason_required(reason: str) -> str:
    """The reason for a change, trimmed; ApplicationError naming the field `reason` when there is none."""
    return require_rationale(reason, message=REASON_REQUIRED_ERROR, field="reason")


def _stored(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def field_changes_record(*, actor, record, before: dict, reason: str, child: Child | None) -> list[FieldChange]:
    """One FieldChange for each field of `record` whose value now differs from `before` (field name to old value).

    Call after the change is saved, in the same transaction. Returns the rows written (none if nothing changed).
    """
    now = timezone.now()
    label = record._meta.label_lower
    rows = []
    for name, old in before.items():
        new = getattr(record, name)
        if _stored(old) == _stored(new):
            continue
        rows.append(
            FieldChange(
                record_type=label,
                record_id=record.pk,
                child=child,
                field=name,
                old_value=_stored(old),
                new_value=_stored(new),
                actor=actor,
                changed_at=now,
                reason=reason,
            )
        )
    return FieldChange.objects.bulk_create(rows)


@dataclass(frozen=True)
class HistoryRow:
    record: str  # "Child", "Carer: Amina Okafor", "Case"
    field: str
    old: str
    new: str
    actor: str
    changed_at: datetime
    reason: str
    masked: bool


def _shown(model_field, text: str) -> str:
    """A stored value as a person reads it: a choice's label, a date as "2 May 2014", Yes or No."""
    if text == "":
        return "Not recorded"
    if model_field is None:
        return text
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(text, text))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if text == "1" else "No"
    internal = model_field.get_internal_type()
    if internal == "DateField":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    if model_field.is_relation:
        target = model_field.related_model.objects.filter(pk=text).first()
        return str(target) if target is not None else "Removed"
    return text


# Labels the pages use where a field's own name is not plain English.
LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "preferred_name": "Known as",
    "upn": "UPN",
    "became_cme_on": "Missing education since",
    "primary_reason": "Main reason",
    "kind": "Relationship to the child",
    "lives_with": "The child lives with them",
    "status": "Enrolment status",
    "start_date": "Date they started",
    "leave_date": "Date they left",
    "deletion_ground": "Why their name was deleted from the roll",
}


def _label(model_field, name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    if model_field is None:
        return name.replace("_", " ").capitalize()
    text = str(model_field.verbose_name)
    return text[:1].upper() + text[1:]


def history_rows(changes, *, user) -> list[HistoryRow]:
    """The rows of `changes` (FieldChange, newest first) for `user`, with sensitive values withheld unless cleared."""
    cleared = may_see_sensitive(user)
    rows = []
    for change in changes:
        model = apps.get_model(change.record_type)
        try:
            model_field = model._meta.get_field(change.field)
        except Exception:  # a field since removed: show its name and stored text
            model_field = None
        masked = not cleared and change.field in sensitive_field_names(model)
        rows.append(
            HistoryRow(
                record=str(model._meta.verbose_name).capitalize(),
                field=_label(model_field, change.field),
                old=WITHHELD if masked else _shown(model_field, change.old_value),
                new=WITHHELD if masked else _shown(model_field, change.new_value),
                actor=change.actor.get_full_name() or change.actor.get_username() if change.actor else "cme",
                changed_at=change.changed_at,
                reason=change.reason,
                masked=masked,
            )
        )
    return rows


def child_history(*, child: Child):
    """Every correction about `child`: their own record, their carers' and their enrolments' (newest first)."""
    return FieldChange.objects.filter(
        Q(child=child) | Q(record_type="people.child", record_id=child.pk)
    ).select_related("actor")


def case_history(*, case):
    """Every correction of `case`'s details (newest first)."""
    return FieldChange.objects.filter(record_type="cases.case", record_id=case.pk).select_related("actor")
