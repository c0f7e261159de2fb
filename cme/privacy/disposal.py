"""Disposal: deleting an approved batch's records across every table, uploaded file, search key and audit detail.

`DISPOSAL_PLAN` says, for every model that holds rows about a person, how disposing of a child (or a carer linked
only to disposed children) reaches it. `plan_gaps()` walks Django's relations out from the person models and names any
model the plan does not cover; `disposal_batch_dispose` refuses to start while there is one, and
tests/privacy/test_disposal_coverage.py fails. So a new model with a foreign key to a child cannot be forgotten.

A batch is disposed of in chunks, each one transaction: the rows of a chunk's children go together, their items are
marked disposed and the uploaded files to remove are written down (`DisposalFile`) in the same transaction. Files are
removed after it commits. A disposal killed part-way leaves every child whole or wholly gone; the next run of
`cme retention dispose` removes the files written down and carries on with the items still pending.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_details_erase, audit_record
from cme.common.errors import ApplicationError

from .models import BatchState, DisposalBatch, DisposalFile, DisposalItem, ItemState

logger = logging.getLogger(__name__)

DEFAULT_CHUNK = 200
PERSON_MODELS = ("people.Child", "people.Carer")

# How disposing of a child or carer reaches each model with rows about them. Every model reachable from a person model
# through foreign keys must be named here (plan_gaps); "cascade" rows go with the row they point at.
DISPOSAL_PLAN: dict[str, str] = {
    "people.Child": "deleted",
    "people.Carer": "deleted when every child it is linked to is disposed of",
    "people.FormerUpn": "cascade",
    "people.PersonName": "cascade (search keys with it)",
    "people.ContactPoint": "cascade",
    "people.CarerRelationship": "cascade",
    "people.Residence": "cascade",
    "people.FieldChange": "cascade (the history of corrections to the child's facts)",
    "people.ChildMerge": "cascade (merges of the child's records; a record merged into the child goes with it)",
    "people.Address": "deleted when no one lives there any more",
    "schools.Enrolment": "cascade",
    "schools.RollReturn": "deleted: the returns about the child or its referrals",
    "schools.PartTimeTimetable": "deleted when no return refers to it any more",
    "frontdoor.FrontDoorReport": "deleted: the front door's reports about the child or its referrals",
    "cases.Case": "cascade",
    "cases.Referral": "cascade",
    "cases.Decision": "cascade",
    "cases.SignOffRequest": "cascade (requests to close the child's cases)",
    "cases.Enquiry": "cascade",
    "cases.EnquiryChase": "cascade (reminders emailed about the enquiry)",
    "cases.PartnerReferral": "cascade (referrals sent to children's social care from the case)",
    "cases.Note": "cascade",
    "cases.Document": "cascade; the uploaded file is removed",
    "cases.DocumentDownload": "cascade",
    "cases.Letter": "cascade (its PDF goes with the case's documents)",
    "cases.AttendanceOrder": "cascade",
    "cases.AttendanceOrderStep": "cascade",
    "transfers.OutgoingTransfer": "cascade (transfers made from the child's cases)",
    "transfers.IncomingTransfer": "cascade (transfers received that became the child's referrals)",
    "matching.MatchCandidate": "deleted: candidates naming the child or its referrals",
    "matching.MatchDecision": "cascade",
    "privacy.Disclosure": "deleted when it names no one else: disclosures about the child or carer",
    "privacy.DisclosureSubject": "deleted: the child, carer, their returns and extract rows leave every disclosure",
    "privacy.AccessPurpose": "deleted: reasons given for opening the child's or carer's record",
    "audit.AuditDetail": "erased: the details of entries about the child or carer; the chained entries stay",
}


def _related_models(model) -> Iterable[tuple[str, object]]:
    """(label, field) for every model with a foreign key or one-to-one to `model`, hidden relations included."""
    for field in model._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field.related_model._meta.label, field


def plan_gaps(plan: dict[str, str] | None = None) -> list[str]:
    """Models holding rows about a person (reachable by foreign keys from Child or Carer) the plan does not cover."""
    plan = DISPOSAL_PLAN if plan is None else plan
    seen, queue, gaps = set(PERSON_MODELS), list(PERSON_MODELS), []
    while queue:
        label = queue.pop()
        for related_label, field in _related_models(apps.get_model(label)):
            if related_label not in plan and related_label not in gaps:
                gaps.append(f"{related_label} (its {field.field.name} points at {label})")
            if related_label not in seen:
                seen.add(related_label)
                queue.append(related_label)
    return sorted(gaps)


def _m(label: str):
    return apps.get_model(label)


# --- Disposing of children -------------------------------------------------------------------------------------------


def _dispose_children(batch_id: int | None, child_ids: list[int], files: list[tuple[str, str]]) -> Counter:
    Child, Carer, Relationship = _m("people.Child"), _m("people.Carer"), _m("people.CarerRelationship")
    Residence, Address = _m("people.Residence"), _m("people.Address")
    Document, Referral = _m("cases.Document"), _m("cases.Referral")
    RollReturn, Timetable = _m("schools.RollReturn"), _m("schools.PartTimeTimetable")
    Candidate = _m("matching.MatchCandidate")
    deleted: Counter = Counter()
    gone: dict[str, set[int]] = {}  # what went, by type, to erase the audit details about it

    # A record merged into a child (cme.people.merging) is kept only so the merge can be undone: it goes with them.
    found, frontier = set(child_ids), set(child_ids)
    while frontier:
        frontier = set(Child.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    child_ids = sorted(found)

    # Carers linked only to these children (or to children already gone) go with them.
    carer_ids = set(Relationship.objects.filter(child_id__in=child_ids).values_list("carer_id", flat=True))
    kept = set(
        Relationship.objects.filter(carer_id__in=carer_ids)
        .exclude(child_id__in=child_ids)
        .values_list("carer_id", flat=True)
    )
    carer_ids = sorted(carer_ids - kept)
    address_ids = set(
        Residence.objects.filter(Q(child_id__in=child_ids) | Q(carer_id__in=carer_ids)).values_list(
            "address_id", flat=True
        )
    )
    files.extend(
        ("documents", name)
        for name in Document.objects.filter(case__child_id__in=child_ids).values_list("file", flat=True)
        if name
    )

    referral_ids = list(Referral.objects.filter(child_id__in=child_ids).values_list("pk", flat=True))
    returns = RollReturn.objects.filter(Q(child_id__in=child_ids) | Q(referral_id__in=referral_ids))
    timetable_ids = set(returns.exclude(timetable_id=None).values_list("timetable_id", flat=True))
    return_ids = list(returns.values_list("pk", flat=True))
    deleted += _delete(returns, gone)
    deleted += _delete_disclosure_subjects(ContentType.objects.get_for_model(RollReturn), return_ids, gone)
    deleted += _delete(
        gone=gone,
        queryset=Timetable.objects.filter(pk__in=timetable_ids).exclude(
            pk__in=RollReturn.objects.filter(timetable_id__in=timetable_ids).values("timetable_id")
        ),
    )
    deleted += _delete(Candidate.objects.filter(Q(child_id__in=child_ids) | Q(referral_id__in=referral_ids)), gone)
    FrontDoorReport = _m("frontdoor.FrontDoorReport")
    reports = FrontDoorReport.objects.filter(Q(child_id__in=child_ids) | Q(referral_id__in=referral_ids))
    report_ids = list(reports.values_list("pk", flat=True))
    deleted += _delete(reports, gone)
    deleted += _delete_disclosure_subjects(ContentType.objects.get_for_model(FrontDoorReport), report_ids, gone)
    deleted += _delete_notes(child_ids, gone)
    deleted += _delete_generic("people", "child", child_ids, gone)
    deleted += _delete_generic("people", "carer", carer_ids, gone)
    deleted += _delete(Child.objects.filter(pk__in=child_ids), gone)
    deleted += _delete(Carer.objects.filter(pk__in=carer_ids), gone)
    deleted += _delete(Address.objects.filter(pk__in=address_ids, residences__isnull=True))

    # The audit details about the child, and about any record deleted with it (its cases, notes, carers …).
    Entry = _m("audit.AuditEntry")
    about = Q(subject_child_id__in=child_ids)
    for label, ids in gone.items():
        if ids and not label.startswith("audit."):
            about |= Q(target_type=label, target_id__in=[str(i) for i in ids])
    sequences = list(Entry.objects.filter(about, detail__isnull=False).values_list("sequence", flat=True))
    erased = audit_details_erase(actor=None, sequences=sequences, batch=batch_id) if sequences else 0
    if erased:
        deleted["audit.AuditDetail"] += erased
    return deleted


def _delete_notes(child_ids: list[int], gone: dict | None = None) -> Counter:
    """File notes are never changed, and a correction protects the note it corrects: delete the newest links first."""
    Note = _m("cases.Note")
    deleted: Counter = Counter()
    notes = Note.objects.filter(case__child_id__in=child_ids)
    while notes.exists():
        deleted += _delete(notes.exclude(pk__in=Note.objects.filter(corrects__in=notes).values("corrects_id")), gone)
    return deleted


def _delete_generic(app_label: str, model: str, ids: list[int], gone: dict | None = None) -> Counter:
    """Disclosures and stated purposes name their person by content type and id, so no cascade reaches them."""
    if not ids:
        return Counter()
    person = ContentType.objects.get_by_natural_key(app_label, model)
    deleted = _delete_disclosure_subjects(person, ids, gone)
    deleted += _delete(_m("privacy.AccessPurpose").objects.filter(subject_type=person, subject_id__in=ids), gone)
    return deleted


def _delete_disclosure_subjects(person, ids, gone: dict | None = None) -> Counter:
    """A disclosure names every person it is about: these people leave it, and a disclosure left about nobody goes.

    A disclosure about others too (an extract, a file of returns) stays for them, without these people."""
    ids = list(ids)
    if not ids:
        return Counter()
    Subject, Disclosure = _m("privacy.DisclosureSubject"), _m("privacy.Disclosure")
    deleted: Counter = Counter()
    for start in range(0, len(ids), 900):  # SQLite allows 999 parameters in one statement
        named = Subject.objects.filter(subject_type=person, subject_id__in=ids[start : start + 900])
        disclosure_ids = set(named.values_list("disclosure_id", flat=True))
        deleted += _delete(named, gone)
        deleted += _delete(Disclosure.objects.filter(pk__in=disclosure_ids, subjects__isnull=True), gone)
    return deleted


def _delete(queryset, gone: dict[str, set[int]] | None = None) -> Counter:
    """Delete with Django's cascades; with `gone`, also note the ids of every row deleted, by type."""
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(queryset)
    if gone is not None:
        for model, instances in collector.data.items():
            gone.setdefault(model._meta.label_lower, set()).update(row.pk for row in instances)
        for fast in collector.fast_deletes:
            gone.setdefault(fast.model._meta.label_lower, set()).update(fast.values_list("pk", flat=True))
    _, per_model = collector.delete()
    return Counter({label: n for label, n in per_model.items() if n})


# --- Other kinds of record -------------------------------------------------------------------------------------------


def _erase_details_of(batch_id, target_type: str, ids: list[int]) -> Counter:
    Entry = _m("audit.AuditEntry")
    sequences = list(
        Entry.objects.filter(
            target_type=target_type, target_id__in=[str(i) for i in ids], detail__isnull=False
        ).values_list("sequence", flat=True)
    )
    erased = audit_details_erase(actor=None, sequences=sequences, batch=batch_id) if sequences else 0
    return Counter({"audit.AuditDetail": erased} if erased else {})


def _dispose_referrals(batch_id, ids, files) -> Counter:
    deleted = _delete(_m("cases.Referral").objects.filter(pk__in=ids))
    return deleted + _erase_details_of(batch_id, "cases.referral", ids)


def _dispose_front_door_reports(batch_id, ids, files) -> Counter:
    Report = _m("frontdoor.FrontDoorReport")
    gone: dict = {}
    deleted = _delete(Report.objects.filter(pk__in=ids), gone)
    deleted += _delete_disclosure_subjects(ContentType.objects.get_for_model(Report), ids, gone)
    return deleted + _erase_details_of(batch_id, "frontdoor.frontdoorreport", ids)


def _dispose_candidates(batch_id, ids, files) -> Counter:
    deleted = _delete(_m("matching.MatchCandidate").objects.filter(pk__in=ids))
    return deleted + _erase_details_of(batch_id, "matching.matchcandidate", ids)


def _dispose_extracts(batch_id, ids, files) -> Counter:
    """An extract's records and held-back rows go; the import's own row (dates and counts, nothing personal) stays."""
    Import = _m("matching.SourceImport")
    SourceRecord = _m("matching.SourceRecord")
    records = SourceRecord.objects.filter(source_import_id__in=ids)
    record_ids = list(records.values_list("pk", flat=True))
    deleted = _delete(records)
    deleted += _delete_disclosure_subjects(ContentType.objects.get_for_model(SourceRecord), record_ids)
    deleted += _delete(_m("matching.RejectedRow").objects.filter(source_import_id__in=ids))
    for path in Import.objects.filter(pk__in=ids).exclude(stored_path="").values_list("stored_path", flat=True):
        files.append(("path", path))
    Import.objects.filter(pk__in=ids).update(stored_path="")
    return deleted


def _dispose_audit_details(batch_id, ids, files) -> Counter:
    erased = audit_details_erase(actor=None, sequences=ids, batch=batch_id)
    return Counter({"audit.AuditDetail": erased} if erased else {})


def _dispose_access_purposes(batch_id, ids, files) -> Counter:
    return _delete(_m("privacy.AccessPurpose").objects.filter(pk__in=ids))


DISPOSERS: dict[str, Callable[[int | None, list[int], list], Counter]] = {
    "people.child": _dispose_children,
    "cases.referral": _dispose_referrals,
    "frontdoor.frontdoorreport": _dispose_front_door_reports,
    "matching.matchcandidate": _dispose_candidates,
    "matching.sourceimport": _dispose_extracts,
    "audit.auditdetail": _dispose_audit_details,
    "privacy.accesspurpose": _dispose_access_purposes,
}

# Children first: their referrals and candidates go with them.
ORDER = (
    "people.child",
    "cases.referral",
    "frontdoor.frontdoorreport",
    "matching.matchcandidate",
    "matching.sourceimport",
    "audit.auditdetail",
    "privacy.accesspurpose",
)


# --- The run ---------------------------------------------------------------------------------------------------------

ERROR_NOT_APPROVED = (
    "Disposal batch {batch} is {state}: only a batch the data protection officer has approved can be disposed of."
)
ERROR_PLAN_GAPS = "Disposal refused: these models hold rows about a person that disposal does not cover: {gaps}."


def disposal_batch_dispose(
    *,
    actor=None,
    batch: DisposalBatch,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> DisposalBatch:
    """Dispose of an approved batch (or finish one interrupted part-way). Raises ApplicationError otherwise."""
    batch = DisposalBatch.objects.get(pk=batch.pk)
    if batch.state not in (BatchState.APPROVED, BatchState.DISPOSING):
        raise ApplicationError(ERROR_NOT_APPROVED.format(batch=batch.pk, state=batch.get_state_display().lower()))
    if gaps := plan_gaps():
        raise ApplicationError(ERROR_PLAN_GAPS.format(gaps="; ".join(gaps)))
    _remove_files(batch)  # left by a run killed after its last commit
    if batch.state == BatchState.APPROVED:
        DisposalBatch.objects.filter(pk=batch.pk).update(state=BatchState.DISPOSING, disposal_started_at=timezone.now())

    from .retention import held_child_ids

    held = held_child_ids()
    total = DisposalItem.objects.filter(batch=batch, state=ItemState.PENDING).count()
    done = 0
    for record_type in ORDER:
        while True:
            items = list(
                DisposalItem.objects.filter(batch=batch, record_type=record_type, state=ItemState.PENDING)
                .order_by("pk")
                .values_list("pk", "record_id")[:chunk_size]
            )
            if not items:
                break
            _dispose_chunk(actor, batch, record_type, items, held)
            _remove_files(batch)
            done += len(items)
            if progress:
                progress(done, total)
    with transaction.atomic():
        batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        batch.state, batch.disposed_at = BatchState.DISPOSED, timezone.now()
        batch.save(update_fields=["state", "disposed_at"])
    return batch


def _held(record_type: str, record_ids: list[int], held: set[int]) -> set[int]:
    """Records a legal hold placed since the batch was approved now covers."""
    if not held:
        return set()
    if record_type == "people.child":
        return {i for i in record_ids if i in held}
    model = {"cases.referral": "cases.Referral", "matching.matchcandidate": "matching.MatchCandidate"}.get(record_type)
    if model is None:
        return set()
    return set(_m(model).objects.filter(pk__in=record_ids, child_id__in=held).values_list("pk", flat=True))


def _dispose_chunk(actor, batch: DisposalBatch, record_type: str, items: list[tuple[int, int]], held: set[int]):
    item_ids = [pk for pk, _ in items]
    record_ids = [record_id for _, record_id in items]
    now_held = _held(record_type, record_ids, held)
    files: list[tuple[str, str]] = []
    with transaction.atomic():
        if now_held:
            DisposalItem.objects.filter(pk__in=item_ids, record_id__in=now_held).update(state=ItemState.HELD)
            record_ids = [i for i in record_ids if i not in now_held]
        deleted = DISPOSERS[record_type](batch.pk, record_ids, files) if record_ids else Counter()
        DisposalItem.objects.filter(pk__in=item_ids, state=ItemState.PENDING).update(
            state=ItemState.DISPOSED, disposed_at=timezone.now()
        )
        DisposalFile.objects.bulk_create([DisposalFile(batch=batch, storage=s, name=n) for s, n in files])
        locked = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        counts = Counter(locked.disposed_counts)
        counts.update({label.lower(): n for label, n in deleted.items()})
        locked.disposed_counts = dict(counts)
        locked.details_erased = counts.get("audit.auditdetail", 0)
        locked.save(update_fields=["disposed_counts", "details_erased"])
        if record_ids:
            audit_record(
                actor=actor,
                event=AuditEvent.RECORDS_DISPOSED,
                target=locked,
                payload={
                    "batch": batch.pk,
                    "record_type": record_type,
                    "count": len(record_ids),
                    "rows": {label.lower(): n for label, n in sorted(deleted.items())},
                },
            )


def _file_path(storage: str, name: str) -> Path:
    """Where a file to remove is: a document by its storage's name for it, an import's upload by its full path."""
    if storage == "documents":
        return Path(_m("cases.Document")._meta.get_field("file").storage.path(name))
    return Path(name)


def _remove_files(batch: DisposalBatch) -> None:
    """Remove the files a committed chunk wrote down, then the notes of them (one statement, not one per file)."""
    pending = list(DisposalFile.objects.filter(batch=batch).values_list("pk", "storage", "name"))
    for _, storage, name in pending:
        _file_path(storage, name).unlink(missing_ok=True)
    if pending:
        DisposalFile.objects.filter(pk__in=[pk for pk, _, _ in pending]).delete()


# --- The disposal log, for replay after a restore --------------------------------------------------------------------


def disposal_log() -> Iterable[tuple[int, str, int, str, str]]:
    """(batch, record type, record id, rule, disposed at) for every record ever disposed of, oldest first."""
    rows = DisposalItem.objects.filter(state=ItemState.DISPOSED).order_by("batch_id", "pk")
    for batch_id, record_type, record_id, rule, disposed_at in rows.values_list(
        "batch_id", "record_type", "record_id", "rule", "disposed_at"
    ).iterator(chunk_size=5000):
        yield batch_id, record_type, record_id, rule, disposed_at.isoformat() if disposed_at else ""


def records_dispose(
    *,
    child_ids: list[int] = (),
    referral_ids: list[int] = (),
    candidate_ids: list[int] = (),
    return_ids: list[int] = (),
) -> Counter:
    """Dispose of these records at once, outside any batch, with everything the plan says goes with them: the training
    site's reset (cme.training) uses it to take away what a trainee's work made. The caller owns the transaction and
    the decision; files are removed after the caller's transaction commits."""
    RollReturn = _m("schools.RollReturn")
    files: list[tuple[str, str]] = []
    deleted: Counter = Counter()
    if child_ids:
        deleted += _dispose_children(None, list(child_ids), files)
    referral_ids = list(_m("cases.Referral").objects.filter(pk__in=referral_ids).values_list("pk", flat=True))
    if referral_ids:
        case_ids = list(_m("cases.Referral").objects.filter(pk__in=referral_ids).exclude(case=None).values_list(
            "case_id", flat=True))  # fmt: skip
        RollReturn.objects.filter(referral_id__in=referral_ids).update(referral=None)
        deleted += _dispose_referrals(None, referral_ids, files)
        deleted += _delete(_m("cases.Case").objects.filter(pk__in=case_ids, referrals__isnull=True))
    if candidate_ids:
        deleted += _dispose_candidates(None, list(candidate_ids), files)
    returns = RollReturn.objects.filter(pk__in=return_ids)
    left = list(returns.values_list("pk", flat=True))
    if left:
        deleted += _delete(returns)
        deleted += _delete_disclosure_subjects(ContentType.objects.get_for_model(RollReturn), left)
    transaction.on_commit(lambda: [_file_path(storage, name).unlink(missing_ok=True) for storage, name in files])
    return deleted


def disposal_replay(*, actor=None, rows: Iterable[tuple[int, str, int]], chunk_size: int = DEFAULT_CHUNK) -> Counter:
    """After a restore from backup: dispose again of every logged record that came back. Returns rows deleted."""
    by_type: dict[tuple[int, str], list[int]] = {}
    for batch_id, record_type, record_id in rows:
        by_type.setdefault((int(batch_id), record_type), []).append(int(record_id))
    deleted: Counter = Counter()
    for (batch_id, record_type), ids in sorted(by_type.items()):
        if record_type not in DISPOSERS:
            raise ApplicationError(f"The disposal log names an unknown kind of record: {record_type}.")
        for start in range(0, len(ids), chunk_size):
            files: list[tuple[str, str]] = []
            with transaction.atomic():
                deleted += DISPOSERS[record_type](batch_id, ids[start : start + chunk_size], files)
            for storage, name in files:
                _file_path(storage, name).unlink(missing_ok=True)
    return deleted


# --- Erasure granted on a rights request -----------------------------------------------------------------------------


def disposal_erase_child(*, actor, child_id: int) -> DisposalBatch:
    """Dispose of one child's records now, because the data protection officer granted an erasure request (UK GDPR
    Art. 17). The same disposal as the retention sweep's, through a one-record batch approved by that officer, so
    the disposal log holds it and a restore from backup disposes of the child again (`cme retention replay`)."""
    now = timezone.now()
    with transaction.atomic():
        batch = DisposalBatch.objects.create(
            state=BatchState.APPROVED,
            as_of=timezone.localdate(),
            counts={"child_record": 1},
            approved_by=actor,
            approved_at=now,
        )
        DisposalItem.objects.create(
            batch=batch, rule="child_record", record_type="people.child", record_id=child_id, due_on=batch.as_of
        )
        audit_record(
            actor=actor,
            event=AuditEvent.DISPOSAL_APPROVED,
            target=batch,
            payload={"erasure": True, "child": child_id},
        )
    return disposal_batch_dispose(actor=actor, batch=batch)
