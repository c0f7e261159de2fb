"""Merging two records found to be one child, and undoing it (docs/architecture.md, "Merging children's records").

An officer may propose that two records are one child; only a manager merges them, as one decision with a rationale.
Nothing here merges by itself: there is no automatic merge, and when the evidence suggests twins or siblings (the
same date of birth or the same carers with different first names, a different sex, different UPNs or NHS numbers)
the manager must confirm that they are one child.

A merge moves every row linked to the merged record onto the surviving one. `MERGE_PLAN` names every link to a child
(every foreign key to `people.Child`, Django's own relations walked from the model meta, hidden ones included, and the
plain id columns that name a child) and says whether the merge moves it or why it does not; `merge_plan_gaps()` names
any link the plan does not cover, the merge refuses to run while there is one, and tests/people/test_merging.py
fails. What hangs off a case (enquiries, notes, documents, decisions …) moves with its case.

The survivor's facts win. Where the survivor has no value and the merged record has one (an NHS number, a preferred
name, a first language …) the survivor takes it; a flag set on either record (a child protection plan …) is set on
the survivor; the merged record's other names and UPN become the survivor's other names and former UPNs. A row the
survivor already has the same of (the same carer, the same former UPN: a uniqueness rule would be broken) stays with
the merged record and is listed on the merge.

The merged record is kept, marked merged into the survivor: it leaves search and lists, its page points to the
survivor, the audit trail's references to it still resolve (the trail is never rewritten: the survivor's audit view
reads the entries about the records merged into it), and it is disposed of with the survivor. The merge records
exactly what it changed (ChildMerge.moves and .changes), so undoing it restores what was there before.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, UniqueConstraint
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale, update_at_version
from cme.privacy.restriction import refused_while_restricted

from .enums import ChildMergeState, PersonNameKind, Sex
from .history import field_changes_record
from .models import Child, ChildMerge, FormerUpn, PersonName
from .names import fold, forename_key, forename_likeness, search_keys_fill

MOVE = "move"


@dataclass(frozen=True)
class Excluded:
    """A link to a child that a merge leaves where it is, and why."""

    reason: str


# Every link to a child's record ("app.Model.field"), and what merging does with it. A new model that points at a
# child must be added here (the merge refuses to run, and tests/people/test_merging.py fails, until it is).
MERGE_PLAN: dict[str, str | Excluded] = {
    "people.FormerUpn.child": MOVE,
    "people.PersonName.child": MOVE,
    "people.ContactPoint.child": MOVE,
    "people.CarerRelationship.child": MOVE,
    "people.Residence.child": MOVE,
    "people.FieldChange.child": MOVE,
    "schools.Enrolment.child": MOVE,
    "schools.RollReturn.child": MOVE,
    "frontdoor.FrontDoorReport.child": MOVE,
    "cases.Case.child": MOVE,  # with its enquiries, notes, documents, decisions and everything else of the case
    "cases.Referral.child": MOVE,
    "matching.MatchCandidate.child": MOVE,
    "privacy.LegalHold.child_id": MOVE,  # a hold on the merged record now holds the survivor, which it goes with
    "privacy.ProcessingRestriction.child_id": Excluded(
        "A merge, and its undo, are refused while either record is restricted: there is never a restriction to move"
    ),
    "rights.RequestSubject.subject_id": Excluded("A rights request is logged as made, about the record it named"),
    "privacy.SubjectAccessPack.child_id": Excluded(
        "A subject access pack is the record of what was gathered and disclosed about the record it named"
    ),
    "people.Child.merged_into": Excluded(
        "A record merged earlier into the merged record stays merged into it; undo that merge after this one"
    ),
    "people.ChildMerge.survivor": Excluded("The merges themselves: who was merged into whom stays true"),
    "people.ChildMerge.merged": Excluded("The merges themselves: who was merged into whom stays true"),
    "people.FieldChange.record_id": Excluded("Names the record a correction was made to, which is kept"),
    "audit.AuditEntry.subject_child_id": Excluded(
        "The audit trail is chained and never rewritten; the survivor's audit view reads the merged record's entries"
    ),
    "privacy.DisclosureSubject.subject_id": Excluded("A disclosure is logged as made, about the record it named"),
    "privacy.AccessPurpose.subject_id": Excluded("A reason given for opening one record in one sign-in session"),
    "privacy.LegalHold.subject_id": Excluded("Names what the hold was placed on; its child_id moves"),
    "privacy.DisposalItem.record_id": Excluded("The log of a disposal, about records already disposed of"),
}

# Plain id columns (not foreign keys) that may name a child, by name: each one on any model must be in MERGE_PLAN.
ID_COLUMN_NAMES = ("child_id", "subject_id", "record_id")

MERGE_PLAN_GAPS_ERROR = (
    "Records cannot be merged until the merge plan says what to do with {gaps} (cme/people/merging.py MERGE_PLAN)"
)
SAME_RECORD_ERROR = "Choose a different record: a record cannot be merged with itself"
ALREADY_MERGED_ERROR = "{child} has already been merged into another record"
NOT_A_MANAGER_ERROR = "Only a CME manager can merge records or undo a merge"
WARNINGS_NOT_CONFIRMED_ERROR = (
    "The records may be twins or siblings. Confirm that they are one child, or do not merge them"
)
NOT_MERGED_ERROR = "This merge cannot be undone: it is not in force"
SURVIVOR_MERGED_ERROR = (
    "Undo the merge of {child} into another record first: this merge can be undone only after that one"
)
PROPOSAL_EXISTS_ERROR = "A merge of these two records has already been proposed"
NOT_PROPOSED_ERROR = "This merge is no longer waiting for a decision"

# The survivor takes these from the merged record where it has none.
FILL_WHEN_BLANK = ("middle_names", "preferred_name", "nhs_number", "first_language", "ethnicity", "sen_provision")
# A circumstance recorded on either record holds for the child: set on the survivor when set on the merged record.
SET_WHEN_EITHER = (
    "looked_after",
    "child_protection_plan",
    "traveller",
    "service_child",
    "young_carer",
    "ehcp",
    "receives_benefits",
    "immigration_involvement",
    "police_probation_involvement",
)
CHUNK = 500

# Evidence that two records may be two children (twins, siblings) rather than one.
WARNINGS = {
    "same_birth_different_names": "They have the same date of birth but different first names: they may be twins",
    "same_carers_different_names": "They share a carer but have different first names: they may be siblings",
    "different_sex": "Their records give a different sex",
    "different_upn": "They have different UPNs, and a UPN belongs to one child",
    "different_nhs_number": "They have different NHS numbers, and an NHS number belongs to one person",
}
# First names at least this alike (nicknames, spellings) count as the same name.
SAME_FIRST_NAME = 0.85


# --- The plan --------------------------------------------------------------------------------------------------------


def child_links() -> Iterator[tuple[str, type[models.Model], models.Field]]:
    """("app.Model.field", model, field) for every link to a child: each foreign key or one-to-one to Child (hidden
    relations included), and each plain integer column named like a child's id (ID_COLUMN_NAMES)."""
    for relation in Child._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            model, field = relation.related_model, relation.field
            yield f"{model._meta.label}.{field.name}", model, field
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation or not isinstance(field, models.IntegerField):
                continue
            if field.name in ID_COLUMN_NAMES or field.name.endswith("_child_id"):
                yield f"{model._meta.label}.{field.name}", model, field


def merge_plan_gaps(plan: dict | None = None) -> list[str]:
    """Links to a child the merge plan neither moves nor excludes with a reason (and plan rows naming no link)."""
    plan = MERGE_PLAN if plan is None else plan
    found = {label for label, _, _ in child_links()}
    return sorted(found - plan.keys())


def _moved_links() -> list[tuple[str, type[models.Model], models.Field]]:
    return [(label, model, field) for label, model, field in child_links() if MERGE_PLAN.get(label) == MOVE]


def _case_links() -> list[tuple[str, type[models.Model], models.Field]]:
    """The links to a case: what moves with each case of the merged record."""
    Case = apps.get_model("cases", "Case")
    return [
        (f"{relation.related_model._meta.label}.{relation.field.name}", relation.related_model, relation.field)
        for relation in Case._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]


def merge_what_moves(*, merged: Child) -> list[tuple[str, int]]:
    """What merging `merged` would move, in words and counts, for the manager to check: [(what, how many), …]."""
    rows = []
    for label, model, field in _moved_links():
        count = model._base_manager.filter(**{field.attname: merged.pk}).count()
        if count:
            rows.append((str(model._meta.verbose_name_plural), count))
        if label == "cases.Case.child":
            for _, case_model, case_field in _case_links():
                if case_model._meta.label == "cases.Referral":
                    continue  # counted as the child's referrals
                n = case_model._base_manager.filter(**{f"{case_field.name}__child_id": merged.pk}).count()
                if n:
                    rows.append((f"{case_model._meta.verbose_name_plural} (with their cases)", n))
    return rows


# --- The evidence that they may be two children ----------------------------------------------------------------------


def merge_warnings(*, survivor: Child, merged: Child) -> list[str]:
    """Codes (keys of WARNINGS) of the evidence that the two records may be twins or siblings, not one child."""
    codes = []
    same_first_name = _same_first_name(survivor, merged)
    if survivor.date_of_birth == merged.date_of_birth and not same_first_name:
        codes.append("same_birth_different_names")
    carers = set(survivor.carer_relationships.values_list("carer_id", flat=True))
    if not same_first_name and carers & set(merged.carer_relationships.values_list("carer_id", flat=True)):
        codes.append("same_carers_different_names")
    if Sex.UNKNOWN not in (survivor.sex, merged.sex) and survivor.sex != merged.sex:
        codes.append("different_sex")
    if survivor.upn and merged.upn and survivor.upn != merged.upn:
        codes.append("different_upn")
    if survivor.nhs_number and merged.nhs_number and survivor.nhs_number != merged.nhs_number:
        codes.append("different_nhs_number")
    return codes


def _same_first_name(one: Child, other: Child) -> bool:
    names = [name for name in (one.given_name, one.preferred_name) if name]
    others = [name for name in (other.given_name, other.preferred_name) if name]
    return any(forename_likeness(a, b).score >= SAME_FIRST_NAME for a in names for b in others)


# --- Proposing, deciding ---------------------------------------------------------------------------------------------


def _open(*, survivor: Child, merged: Child) -> None:
    if survivor.pk == merged.pk:
        raise ApplicationError(SAME_RECORD_ERROR, field="other")
    for child in (survivor, merged):
        if child.merged_into_id is not None:
            raise ApplicationError(ALREADY_MERGED_ERROR.format(child=child), field="other")


def child_merge_proposal(*, survivor: Child, merged: Child) -> ChildMerge | None:
    """The proposal waiting for a manager to merge these two records (either way round), if there is one."""
    pair = Q(survivor=survivor, merged=merged) | Q(survivor=merged, merged=survivor)
    return ChildMerge.objects.filter(pair, state=ChildMergeState.PROPOSED).first()


@transaction.atomic
def child_merge_propose(*, actor, survivor: Child, merged: Child, rationale: str) -> ChildMerge:
    """Record an officer's (or a manager's) view that `merged` is the same child as `survivor`, for a manager."""
    rationale = require_rationale(rationale)
    _open(survivor=survivor, merged=merged)
    if child_merge_proposal(survivor=survivor, merged=merged) is not None:
        raise ApplicationError(PROPOSAL_EXISTS_ERROR)
    merge = ChildMerge.objects.create(
        survivor=survivor,
        merged=merged,
        proposed_by=actor,
        proposed_at=timezone.now(),
        proposal_rationale=rationale,
        warnings=merge_warnings(survivor=survivor, merged=merged),
    )
    _audit(actor, AuditEvent.CHILD_MERGE_PROPOSED, merge)
    return merge


@transaction.atomic
def child_merge_decline(*, actor, merge: ChildMerge, rationale: str) -> ChildMerge:
    """A manager decides that a proposed merge is not to be made (they are two children), and why."""
    _require_manager(actor)
    rationale = require_rationale(rationale)
    if (
        ChildMerge.objects.filter(pk=merge.pk, state=ChildMergeState.PROPOSED).update(
            state=ChildMergeState.DECLINED, decided_by=actor, decided_at=timezone.now(), rationale=rationale
        )
        != 1
    ):
        raise ApplicationError(NOT_PROPOSED_ERROR)
    merge.refresh_from_db()
    _audit(actor, AuditEvent.CHILD_MERGE_DECLINED, merge)
    return merge


@refused_while_restricted("child_merge", lambda kw: [kw["survivor"].pk, kw["merged"].pk])
@transaction.atomic
def child_merge(
    *,
    actor,
    survivor: Child,
    merged: Child,
    rationale: str,
    survivor_version: int,
    merged_version: int,
    warnings_confirmed: bool = False,
) -> ChildMerge:
    """A manager's decision that `merged` is the same child as `survivor`: everything linked to `merged` moves to
    `survivor` and `merged` is marked merged into it. One decision, with `rationale`; both records must still be at
    the versions the manager compared (VersionConflictError otherwise). When the evidence suggests twins or siblings
    (merge_warnings) the manager must have confirmed they are one child. Audited on both records."""
    _require_manager(actor)
    rationale = require_rationale(rationale)
    _open(survivor=survivor, merged=merged)
    if gaps := merge_plan_gaps():
        raise ApplicationError(MERGE_PLAN_GAPS_ERROR.format(gaps=", ".join(gaps)))
    # Lock both rows (in id order, so two merges of the same pair cannot deadlock) and read them as they are now.
    locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    warnings = merge_warnings(survivor=survivor, merged=merged)
    if warnings and not warnings_confirmed:
        raise ApplicationError(WARNINGS_NOT_CONFIRMED_ERROR, field="warnings_confirmed")

    now = timezone.now()
    merge = child_merge_proposal(survivor=survivor, merged=merged) or ChildMerge(
        proposed_by=actor, proposed_at=now, proposal_rationale=rationale
    )
    merge.survivor, merge.merged = survivor, merged
    moved, kept = _move_links(survivor_id=survivor.pk, merged_id=merged.pk)

    # The facts: the survivor's win; what it lacks it takes; the merged record's names and UPN stay findable.
    survivor_before = {name: getattr(survivor, name) for name in (*FILL_WHEN_BLANK, *SET_WHEN_EITHER, "sex", "upn")}
    changes: dict[str, object] = {}
    for name in FILL_WHEN_BLANK:
        if not getattr(survivor, name) and getattr(merged, name):
            changes[name] = getattr(merged, name)
    for name in SET_WHEN_EITHER:
        if getattr(merged, name) and not getattr(survivor, name):
            changes[name] = True
    if survivor.sex == Sex.UNKNOWN and merged.sex != Sex.UNKNOWN:
        changes["sex"] = merged.sex
    merged_changes: dict[str, object] = {"merged_into": survivor.pk}
    created: dict[str, list[int]] = {}
    if merged.upn and not survivor.upn:
        merged_changes["upn"] = ""  # a UPN is one child's: it moves from the merged record to the survivor
        changes["upn"] = merged.upn
    elif merged.upn and merged.upn != survivor.upn and not survivor.former_upns.filter(upn=merged.upn).exists():
        created.setdefault("people.FormerUpn", []).append(FormerUpn.objects.create(child=survivor, upn=merged.upn).pk)
    for name in _new_other_names(survivor=survivor, merged=merged, preferred=changes.get("preferred_name", "")):
        created.setdefault("people.PersonName", []).append(name.pk)

    merged_before = {"merged_into": None, "upn": merged.upn}
    update_at_version(
        merged,
        expected_version=merged_version,
        merged_into_id=survivor.pk,
        **({"upn": ""} if "upn" in merged_changes else {}),
    )
    if "preferred_name" in changes:
        changes["preferred_name_key"] = forename_key(changes["preferred_name"])
    update_at_version(survivor, expected_version=survivor_version, **changes)
    changes.pop("preferred_name_key", None)
    history = field_changes_record(
        actor=actor,
        record=survivor,
        before={name: survivor_before[name] for name in changes},
        reason=f"Taken from record {merged.pk}, merged into this one: {rationale}",
        child=survivor,
    )
    if history:
        created["people.FieldChange"] = [row.pk for row in history]

    merge.state = ChildMergeState.MERGED
    merge.decided_by, merge.decided_at, merge.rationale = actor, now, rationale
    merge.warnings, merge.warnings_confirmed = warnings, bool(warnings) and warnings_confirmed
    merge.moves = {"moved": moved, "kept": kept, "created": created}
    merge.changes = json.dumps(
        {
            str(survivor.pk): {name: [survivor_before[name], value] for name, value in changes.items()},
            str(merged.pk): {
                name: [merged_before[name], merged_changes[name]] for name in merged_changes if name != "merged_into"
            },
        }
    )
    merge.save()
    _audit(actor, AuditEvent.CHILDREN_MERGED, merge, payload={"moved": sum(len(ids) for ids in moved.values())})
    return merge


def _new_other_names(*, survivor: Child, merged: Child, preferred: str) -> list[PersonName]:
    """The merged record's names the survivor does not have, added to the survivor as other names."""
    have = {(fold(survivor.given_name), fold(survivor.family_name))}
    have |= {(fold(n.given_name), fold(n.family_name)) for n in survivor.other_names.all()}
    have |= {(fold(n.given_name), fold(n.family_name)) for n in merged.other_names.all()}  # these move anyway
    wanted = [(PersonNameKind.ALIAS, merged.given_name, merged.family_name)]
    if merged.preferred_name and fold(merged.preferred_name) not in {fold(survivor.preferred_name), fold(preferred)}:
        wanted.append((PersonNameKind.KNOWN_AS, merged.preferred_name, merged.family_name))
    rows = []
    for kind, given, family in wanted:
        if (fold(given), fold(family)) in have:
            continue
        have.add((fold(given), fold(family)))
        rows.append(search_keys_fill(PersonName(child=survivor, kind=kind, given_name=given, family_name=family)))
    return PersonName.objects.bulk_create(rows)


def _unique_rules(model: type[models.Model], field: models.Field) -> Iterator[tuple[tuple[str, ...], Q | None]]:
    """(the other fields, the condition) of each uniqueness rule of `model` that includes `field`."""
    if getattr(field, "unique", False) and not field.primary_key:
        yield (), None
    for together in model._meta.unique_together:
        if field.name in together:
            yield tuple(name for name in together if name != field.name), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and field.name in (constraint.fields or ()):
            yield tuple(name for name in constraint.fields if name != field.name), constraint.condition


def _kept_back(model, field, *, survivor_id: int, merged_id: int) -> set[int]:
    """Rows of the merged record that cannot move because the survivor already has the same (a uniqueness rule)."""
    kept: set[int] = set()
    manager = model._base_manager
    for others, condition in _unique_rules(model, field):
        ours = manager.filter(**{field.attname: survivor_id})
        theirs = manager.filter(**{field.attname: merged_id})
        if condition is not None:
            ours, theirs = ours.filter(condition), theirs.filter(condition)
        if not others:
            if ours.exists():
                kept |= set(theirs.values_list("pk", flat=True))
            continue
        taken = set(ours.values_list(*others))
        kept |= {row[0] for row in theirs.values_list("pk", *others) if tuple(row[1:]) in taken}
    return kept


def _move_links(*, survivor_id: int, merged_id: int) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Point every moved link of the merged record at the survivor: ({link: ids moved}, {link: ids kept back})."""
    moved, kept = {}, {}
    for label, model, field in _moved_links():
        held_back = _kept_back(model, field, survivor_id=survivor_id, merged_id=merged_id)
        rows = model._base_manager.filter(**{field.attname: merged_id})
        ids = sorted(set(rows.values_list("pk", flat=True)) - held_back)
        for chunk in _chunks(ids):
            model._base_manager.filter(pk__in=chunk).update(**{field.attname: survivor_id})
        if ids:
            moved[label] = ids
        if held_back:
            kept[label] = sorted(held_back)
    return moved, kept


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- Undoing ---------------------------------------------------------------------------------------------------------


@refused_while_restricted("child_merge_undo", lambda kw: [kw["merge"].survivor_id, kw["merge"].merged_id])
@transaction.atomic
def child_merge_undo(*, actor, merge: ChildMerge, rationale: str) -> ChildMerge:
    """Undo a merge, as a manager's decision with a rationale: every row it moved goes back to the merged record, the
    other names, former UPNs and history it added go, the facts it changed on either record are restored (unless
    someone has changed them since: their correction stands), and the merged record is a record of its own again.
    Rows added to the survivor since the merge stay with it. Audited on both records."""
    _require_manager(actor)
    rationale = require_rationale(rationale)
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    locked = {
        c.pk: c
        for c in Child.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.merged_id]).order_by("pk")
    }
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if merge.state != ChildMergeState.MERGED or merged.merged_into_id != survivor.pk:
        raise ApplicationError(NOT_MERGED_ERROR)
    if survivor.merged_into_id is not None:
        raise ApplicationError(SURVIVOR_MERGED_ERROR.format(child=survivor))

    moves = merge.moves
    links = {label: (model, field) for label, model, field in child_links()}
    restored = 0
    for label, ids in moves.get("moved", {}).items():
        model, field = links[label]
        for chunk in _chunks(ids):
            rows = model._base_manager.filter(pk__in=chunk, **{field.attname: survivor.pk})
            restored += rows.update(**{field.attname: merged.pk})
    for label, ids in moves.get("created", {}).items():
        apps.get_model(label)._base_manager.filter(pk__in=ids).delete()

    changes = json.loads(merge.changes or "{}")
    survivor_back = _still_as_merged(survivor, changes.get(str(survivor.pk), {}))
    if "preferred_name" in survivor_back:
        survivor_back["preferred_name_key"] = forename_key(survivor_back["preferred_name"])
    Child.objects.filter(pk=survivor.pk).update(version=models.F("version") + 1, **survivor_back)
    merged_back = _still_as_merged(merged, changes.get(str(merged.pk), {}))
    Child.objects.filter(pk=merged.pk).update(merged_into=None, version=models.F("version") + 1, **merged_back)

    merge.state = ChildMergeState.UNDONE
    merge.undone_by, merge.undone_at, merge.undo_rationale = actor, timezone.now(), rationale
    merge.save(update_fields=["state", "undone_by", "undone_at", "undo_rationale"])
    _audit(actor, AuditEvent.CHILD_MERGE_UNDONE, merge, payload={"restored": restored})
    return merge


def _still_as_merged(child: Child, changed: dict) -> dict:
    """The values to put back: each field the merge changed that still holds what the merge set."""
    return {name: before for name, (before, after) in changed.items() if getattr(child, name) == after}


# --- Shared ----------------------------------------------------------------------------------------------------------


def _require_manager(actor) -> None:
    if actor is None or not actor.has_perm("people.merge_children"):
        raise ApplicationError(NOT_A_MANAGER_ERROR)


def _audit(actor, event: AuditEvent, merge: ChildMerge, payload: dict | None = None) -> None:
    """One entry on each record, so each child's audit trail shows the merge; ids and counts only."""
    for target, other in ((merge.survivor_id, merge.merged_id), (merge.merged_id, merge.survivor_id)):
        audit_record(
            actor=actor,
            event=event,
            target_type="people.child",
            target_id=target,
            related=("people.child", other),
            payload={"merge": merge.pk, **(payload or {})},
        )


# --- Reads -----------------------------------------------------------------------------------------------------------


def child_merges(*, child: Child) -> list[ChildMerge]:
    """The merges and proposals involving `child`, newest first, with who proposed and decided."""
    return list(
        ChildMerge.objects.filter(Q(survivor=child) | Q(merged=child))
        .select_related("survivor", "merged", "proposed_by", "decided_by", "undone_by")
        .order_by("-proposed_at", "-pk")
    )


def child_merge_in_force(*, survivor: Child) -> ChildMerge | None:
    """The latest merge into `survivor` still in force (the one "Undo merge" undoes), or None."""
    return (
        ChildMerge.objects.filter(survivor=survivor, state=ChildMergeState.MERGED, merged__merged_into=survivor)
        .select_related("merged", "decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


def child_merged_ids(child_ids: Iterable[int]) -> set[int]:
    """The ids of the records merged into these children (and into those, and so on), the children's own left out."""
    found: set[int] = set()
    frontier = set(child_ids)
    while frontier:
        frontier = set(Child.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


__all__ = [
    "MERGE_PLAN",
    "WARNINGS",
    "Excluded",
    "child_links",
    "child_merge",
    "child_merge_decline",
    "child_merge_in_force",
    "child_merge_proposal",
    "child_merge_propose",
    "child_merge_undo",
    "child_merged_ids",
    "child_merges",
    "merge_plan_gaps",
    "merge_warnings",
    "merge_what_moves",
]
