"""Writes for data matching: registering sources, importing extracts, starting runs, and a person's review.

A candidate is settled only by `candidate_confirm` or `candidate_dismiss`, each taking the acting person and a
rationale, keyword-only: the privacy notice promises every decision involves a person. Runs and imports propose and
record; they never decide.
"""

import hashlib
import uuid
from collections.abc import Callable, Collection
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.cases.enums import EnquiryAgency, ReferralSource
from cme.cases.selectors import open_case_for_child
from cme.cases.services import case_evidence_add, referral_create
from cme.common.errors import ApplicationError
from cme.common.pause import pause_point
from cme.common.processes import process_gone, process_label
from cme.common.writes import require_rationale
from cme.people.models import Child
from cme.people.services import address_record, child_create, child_create_after_review
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record, disclosure_subject_add
from cme.schools.selectors import school_urn_for_laestab

from .enums import CandidateKind, ImportState, MatchDecisionKind, ReviewState, RunState, SourceKind
from .evidence import candidate_confidence
from .models import DataSource, MatchCandidate, MatchDecision, MatchRun, RejectedRow, SourceImport, SourceRecord
from .sources import SourceExtract, SourceFileRefused, ctf_roll_read, extract_read, is_xml

if TYPE_CHECKING:
    from cme.accounts.models import User
    from cme.cases.models import Case, Referral

# Called with (rows done, rows in all).
ProgressCallback = Callable[[int, int], None]

ERROR_ALREADY_DECIDED = "This candidate has already been {state}."
ERROR_SOURCE_INACTIVE = "This data source is no longer active: reactivate it before importing."
ERROR_UNREADABLE = "The file cannot be read: {reason}."
ERROR_RUN_ACTIVE = "A match run is already waiting or running. Wait for it to finish."
ERROR_NO_DATE_OF_BIRTH = "The candidate has no date of birth, so a child's record cannot be made from it."
ERROR_NAME_TAKEN = "A data source with this name is already registered."
ERROR_NO_RECEIVER = (
    "Say who is receiving this extract: the disclosure log records a named person for every receipt. On the command "
    "line, pass --user USERNAME."
)
ERROR_ABANDONED = "Abandoned: the run stopped reporting progress (its worker was stopped or restarted)."
ABANDONED_AFTER = timedelta(hours=3)
WRITE_BATCH = 5000
PROGRESS_EVERY = 5000

# What each kind of extract tells us, as the disclosure log records it.
CATEGORIES_RECEIVED: dict[str, list[str]] = {
    SourceKind.SCHOOL_ROLL: [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.EDUCATION],
    SourceKind.COUNCIL_TAX: [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.FAMILY],
    SourceKind.HOUSING: [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.FAMILY],
    SourceKind.BENEFITS: [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.FAMILY, DataCategory.BENEFITS],
    SourceKind.GP: [DataCategory.IDENTITY, DataCategory.CONTACT],
    SourceKind.ADMISSIONS: [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.EDUCATION],
}


def import_root() -> Path:
    """Where uploads wait for the background task (under the var directory unless CME_IMPORT_ROOT says otherwise)."""
    return Path(getattr(settings, "CME_IMPORT_ROOT", None) or settings.VAR_DIR / "imports")


# ---------------------------------------------------------------------------------------------------------------
# Sources and imports


@transaction.atomic
def data_source_register(
    *,
    actor: "User | None",
    name: str,
    kind: SourceKind | str,
    supplier: str,
    lawful_basis: LawfulBasis | str = LawfulBasis.LEGAL_OBLIGATION,
    legal_gateway: str = "",
) -> DataSource:
    """Register a feed the service will receive. Raises ApplicationError if the name is taken."""
    if DataSource.objects.filter(name__iexact=name.strip()).exists():
        raise ApplicationError(ERROR_NAME_TAKEN, field="name")
    source = DataSource(
        name=name.strip(),
        kind=kind,
        supplier=supplier.strip(),
        lawful_basis=lawful_basis,
        legal_gateway=legal_gateway.strip(),
        registered_by=actor,
    )
    source.full_clean()
    source.save()
    audit_record(actor=actor, event=AuditEvent.SOURCE_REGISTERED, target=source, payload={"kind": str(kind)})
    return source


def source_import_queue(
    *, actor: "User", source: DataSource, upload: BinaryIO, file_name: str, received_on: date
) -> SourceImport:
    """Keep an uploaded extract and queue its import as a background task; returns the waiting import."""
    if not source.is_active:
        raise ApplicationError(ERROR_SOURCE_INACTIVE)
    root = import_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{uuid.uuid4().hex}.csv"
    with path.open("wb") as out:
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            out.write(chunk)
    with transaction.atomic():
        source_import = SourceImport.objects.create(
            source=source,
            received_on=received_on,
            file_name=Path(file_name).name[:255],
            stored_path=str(path),
            imported_by=actor,
        )
        from .tasks import source_import_task

        transaction.on_commit(lambda: source_import_task.enqueue(import_id=source_import.pk))
    return source_import


def source_import_file(
    *,
    actor: "User | None",
    source: DataSource,
    path: Path,
    received_on: date,
    progress: ProgressCallback | None = None,
    all_or_nothing: bool = False,
) -> SourceImport:
    """Import a file from disk now (the command line). Raises SourceFileRefused when the file cannot be read.

    `actor` is the person receiving the extract; without one, the person who registered the source, whom the
    disclosure log then names. With neither, ApplicationError: every receipt needs a named person.
    """
    if not source.is_active:
        raise ApplicationError(ERROR_SOURCE_INACTIVE)
    actor = actor or source.registered_by
    if actor is None:
        raise ApplicationError(ERROR_NO_RECEIVER)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceFileRefused(ERROR_UNREADABLE.format(reason=error.strerror)) from error
    source_import = SourceImport.objects.create(
        source=source, received_on=received_on, file_name=path.name[:255], imported_by=actor
    )
    return source_import_run(source_import=source_import, data=data, progress=progress, all_or_nothing=all_or_nothing)


def source_import_run(
    *,
    source_import: SourceImport,
    data: bytes | None = None,
    progress: ProgressCallback | None = None,
    all_or_nothing: bool = False,
) -> SourceImport:
    """Read the extract and write its records, holding bad rows back for review with their lines and reasons.

    All in one transaction: the records, the held-back rows, the receipt in the disclosure log and the audit entry.
    A file refused as a whole writes no records; the import is kept, marked refused, with the reason. With
    `all_or_nothing`, one bad row refuses the whole file (its bad rows are still listed).
    """
    if data is None:
        data = _stored_bytes(source_import)
    source_imports_interrupted_close()
    SourceImport.objects.filter(pk=source_import.pk).update(
        state=ImportState.RUNNING, started_at=timezone.now(), process=process_label()
    )
    source_import.refresh_from_db()
    today = timezone.localdate()
    try:
        extract = _extract_read(data, kind=source_import.source.kind, today=today)
    except SourceFileRefused as refused:
        _import_refuse(source_import, refused.message, sha256=hashlib.sha256(data).hexdigest())
        raise
    if all_or_nothing and extract.rejected:
        with transaction.atomic():
            _rejected_rows_write(source_import, extract)
        message = f"{len(extract.rejected):,} rows have problems, and the import was asked to be all or nothing."
        _import_refuse(source_import, message, sha256=hashlib.sha256(data).hexdigest(), rows=len(extract.rows))
        raise SourceFileRefused(message)
    with transaction.atomic():
        imported = _records_write(source_import, extract, progress=progress)
        pause_point("source-import.records-written")
        rejected = _rejected_rows_write(source_import, extract)
        source_import.sha256 = hashlib.sha256(data).hexdigest()
        source_import.rows_read, source_import.rows_imported, source_import.rows_rejected = (
            len(extract.rows), imported, rejected)  # fmt: skip
        source_import.state = ImportState.IMPORTED_WITH_REJECTIONS if rejected else ImportState.IMPORTED
        source_import.finished_at = timezone.now()
        source_import.disclosure = _receipt(source_import, imported) if imported else None  # nobody received
        source_import.save()
        audit_record(
            actor=source_import.imported_by,
            event=AuditEvent.SOURCE_IMPORTED,
            target=source_import,
            payload={"imported": imported, "rejected": rejected},
        )
    _stored_forget(source_import)
    source_import.notes = extract.notes
    return source_import


ERROR_IMPORT_INTERRUPTED = (
    "Interrupted: the process importing this file stopped before it finished, and nothing of it was written. "
    "Import the file again."
)
ERROR_RUN_INTERRUPTED = "Interrupted: the process running it stopped before it finished; the review queue is unchanged."


def source_imports_interrupted_close() -> int:
    """Record as refused every import left "Importing" by a process that was killed (its transaction rolled back)."""
    running = SourceImport.objects.filter(state=ImportState.RUNNING).exclude(process="")
    gone = [pk for pk, label in running.values_list("pk", "process") if process_gone(label)]
    return SourceImport.objects.filter(pk__in=gone, state=ImportState.RUNNING).update(
        state=ImportState.REFUSED, refusal=ERROR_IMPORT_INTERRUPTED, finished_at=timezone.now()
    )


def match_runs_interrupted_fail() -> int:
    """Record as failed every run left "Running" by a process that was killed (its candidates rolled back)."""
    running = MatchRun.objects.filter(state=RunState.RUNNING)
    gone = [pk for pk, s in running.values_list("pk", "settings") if process_gone((s or {}).get("process", ""))]
    return MatchRun.objects.filter(pk__in=gone, state=RunState.RUNNING).update(
        state=RunState.FAILED, failure=ERROR_RUN_INTERRUPTED, finished_at=timezone.now()
    )


def _stored_bytes(source_import: SourceImport) -> bytes:
    try:
        return Path(source_import.stored_path).read_bytes()
    except OSError as error:
        _import_refuse(source_import, ERROR_UNREADABLE.format(reason=error.strerror), sha256="")
        raise SourceFileRefused(ERROR_UNREADABLE.format(reason=error.strerror)) from error


def _stored_forget(source_import: SourceImport) -> None:
    """Delete the uploaded copy once read: its contents now live in the records (and held-back rows)."""
    if source_import.stored_path:
        Path(source_import.stored_path).unlink(missing_ok=True)
        SourceImport.objects.filter(pk=source_import.pk).update(stored_path="")
        source_import.stored_path = ""


def _import_refuse(source_import: SourceImport, message: str, *, sha256: str, rows: int = 0) -> None:
    SourceImport.objects.filter(pk=source_import.pk).update(
        state=ImportState.REFUSED, refusal=message[:1000], sha256=sha256, rows_read=rows, finished_at=timezone.now()
    )
    _stored_forget(source_import)
    source_import.refresh_from_db()


def _records_write(source_import: SourceImport, extract: SourceExtract, *, progress: ProgressCallback | None) -> int:
    total = len(extract.rows)
    batch: list[SourceRecord] = []
    written = 0
    for row in extract.accepted:
        batch.append(SourceRecord(source_import=source_import, kind=extract.kind, line=row.line, **row.values))
        if len(batch) >= WRITE_BATCH:
            SourceRecord.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            if progress:
                progress(written, total)
    SourceRecord.objects.bulk_create(batch)
    written += len(batch)
    if progress:
        progress(total, total)
    return written


def _extract_read(data: bytes, *, kind: str, today) -> SourceExtract:
    """CSV for every kind; a school roll may also come as a Common Transfer File (XML)."""
    if kind == SourceKind.SCHOOL_ROLL and is_xml(data):
        return ctf_roll_read(data, today=today, school_urn=_school_urn)
    return extract_read(data, kind=kind, today=today)


def _school_urn(lea: str, estab: str) -> int | None:
    return school_urn_for_laestab(la_code=lea, establishment_number=estab)


def _rejected_rows_write(source_import: SourceImport, extract: SourceExtract) -> int:
    rows = [RejectedRow(source_import=source_import, line=r.line, reasons=r.problems, values=r.raw)
            for r in extract.rejected]  # fmt: skip
    RejectedRow.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    return len(rows)


def _receipt(source_import: SourceImport, imported: int):
    """The disclosure-log entry for receiving the extract: one per import, naming the supplier, the basis and every
    person received (each imported row)."""
    source = source_import.source
    return disclosure_record(
        actor=source_import.imported_by,
        subjects=SourceRecord.objects.filter(source_import=source_import).only("pk").iterator(chunk_size=WRITE_BATCH),
        direction=Direction.RECEIVED_IN,
        organisation=source.supplier,
        data_categories=CATEGORIES_RECEIVED[source.kind],
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=source.lawful_basis,
        cause=source_import,
        description=(
            f"{imported:,} records received from {source.name} ({source.get_kind_display()}) on "
            f"{source_import.received_on:%d %B %Y}, to find children living here who are on no school roll."
        ),
    )


# ---------------------------------------------------------------------------------------------------------------
# Runs


def match_run_queue(*, actor: "User | None", on_date: date | None = None, options: dict | None = None) -> MatchRun:
    """Queue a match run as a background task. Refused while another run is waiting or running."""
    match_runs_interrupted_fail()
    with transaction.atomic():
        active = MatchRun.objects.select_for_update().filter(state__in=[RunState.QUEUED, RunState.RUNNING])
        # A run that has said nothing for hours died with its worker (a restart, a killed process): record it so.
        active.filter(updated_at__lt=timezone.now() - ABANDONED_AFTER).update(
            state=RunState.FAILED, failure=ERROR_ABANDONED, finished_at=timezone.now()
        )
        if active.exists():
            raise ApplicationError(ERROR_RUN_ACTIVE)
        run = MatchRun.objects.create(
            started_by=actor, on_date=on_date or timezone.localdate(), settings={"options": options or {}}
        )
        audit_record(actor=actor, event=AuditEvent.MATCH_RUN_STARTED, target=run)
        from .tasks import match_run_task

        transaction.on_commit(lambda: match_run_task.enqueue(run_id=run.pk))
    return run


@transaction.atomic
def match_run_create(*, actor: "User | None", on_date: date | None = None, options: dict | None = None) -> MatchRun:
    """A run to execute now, in this process (the command line); created and audited in one transaction."""
    match_runs_interrupted_fail()
    run = MatchRun.objects.create(
        started_by=actor, on_date=on_date or timezone.localdate(), settings={"options": options or {}}
    )
    audit_record(actor=actor, event=AuditEvent.MATCH_RUN_STARTED, target=run)
    return run


# ---------------------------------------------------------------------------------------------------------------
# Review: a person's decision, always with a rationale


def _locked_to_review(candidate: MatchCandidate) -> MatchCandidate:
    """Re-read under a row lock so two officers cannot decide the same candidate at once."""
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.review_state != ReviewState.TO_REVIEW:
        raise ApplicationError(ERROR_ALREADY_DECIDED.format(state=candidate.get_review_state_display().lower()))
    return candidate


@transaction.atomic
def candidate_confirm(
    *,
    candidate: MatchCandidate,
    actor: "User",
    rationale: str,
    child: Child | None = None,
    shown_children: Collection[int] = (),
    confirmed_new: bool = False,
) -> "Referral | Case":
    """Confirm the candidate: a referral from data matching about the child, recorded as `actor`'s decision.

    A child who already has an open case gets no second referral: the candidate's evidence joins that case (a file
    note and an answered enquiry naming the sources, `case_evidence_add`) and the case is returned instead.

    The referral is about `child` when the officer chose a record cme already holds, else the child the run linked
    (a pupil who appears to have moved away), else a new record made from the candidate's details with the address
    the sources give. Triage of the referral is the next, separate decision. A new record is made only if every
    child already held who may be the same one was among `shown_children` (the known children the officer saw), or
    the caller says it has looked at them (`confirmed_new`, the API after a 409); otherwise PossibleDuplicatesError,
    and nothing is changed.
    """
    rationale = require_rationale(rationale)
    candidate = _locked_to_review(candidate)
    child = (
        child
        or candidate.child
        or _child_from_candidate(
            candidate, actor=actor, shown_children=shown_children, rationale=rationale, confirmed_new=confirmed_new
        )
    )
    open_case = open_case_for_child(child_id=child.pk)
    if open_case is not None:
        return _candidate_evidence_join(candidate, case=open_case, child=child, actor=actor, rationale=rationale)
    referral = referral_create(
        actor=actor,
        child=child,
        source=ReferralSource.DATA_MATCH,
        received_on=timezone.localdate(),
        concerns=f"{candidate.reason}\n\nConfirmed by {actor.get_full_name() or actor.username}: {rationale}",
        referrer_organisation="Data matching",
    )
    _review_settle(candidate, actor=actor, kind=MatchDecisionKind.CONFIRM, rationale=rationale, referral=referral,
                   child=child)  # fmt: skip
    audit_record(actor=actor, event=AuditEvent.MATCH_CONFIRMED, target=candidate, related=referral)
    # The extracts' receipts named the rows; now that a person has said whose they are, they name the child too.
    disclosure_subject_add(actor=actor, named=_candidate_records(candidate), person=child)
    return referral


# The enquiry each kind of source answers, when a candidate's evidence joins an open case.
AGENCY_OF_SOURCE = {
    SourceKind.SCHOOL_ROLL: EnquiryAgency.SCHOOL,
    SourceKind.COUNCIL_TAX: EnquiryAgency.COUNCIL_TAX,
    SourceKind.HOUSING: EnquiryAgency.HOUSING,
    SourceKind.BENEFITS: EnquiryAgency.BENEFITS,
    SourceKind.GP: EnquiryAgency.GP_HEALTH,
    SourceKind.ADMISSIONS: EnquiryAgency.ADMISSIONS,
}


def _candidate_evidence_join(candidate: MatchCandidate, *, case: "Case", child: Child, actor, rationale: str) -> "Case":
    """The confirmed candidate's records join the child's open case: a note and an answered enquiry, no referral."""
    records = (candidate.evidence or {}).get("records", [])
    current = [r for r in records if r.get("current")] or records
    kinds = [r.get("kind") for r in current if r.get("kind") in AGENCY_OF_SOURCE]
    agency = AGENCY_OF_SOURCE[kinds[-1]] if kinds else EnquiryAgency.COUNCIL_TAX
    sources = sorted({r.get("source", "") for r in records if r.get("source")})
    lines = [candidate.reason, ""] + [
        f"- {r.get('source', '')}: {r.get('name', '')}, {r.get('address', '')} {r.get('postcode', '')}"
        f"{' since ' + r['since'] if r.get('since') else ''}{' until ' + r['until'] if r.get('until') else ''}"
        for r in records
    ]
    case_evidence_add(
        case=case,
        actor=actor,
        source=f"match candidate {candidate.pk} ({', '.join(sources) or 'data matching'})",
        summary="\n".join(lines).strip(),
        agency=agency,
        received_on=timezone.localdate(),
        rationale=rationale,
        source_kind="match",
    )
    _review_settle(candidate, actor=actor, kind=MatchDecisionKind.CONFIRM, rationale=rationale, child=child)
    MatchCandidate.objects.filter(pk=candidate.pk).update(case=case)
    candidate.case = case
    audit_record(actor=actor, event=AuditEvent.MATCH_CONFIRMED, target=candidate, related=case,
                 payload={"joined_open_case": True})  # fmt: skip
    disclosure_subject_add(actor=actor, named=_candidate_records(candidate), person=child)
    return case


def _candidate_records(candidate: MatchCandidate) -> list[SourceRecord]:
    """The source records behind the candidate: its keys are `source id:record reference`, in every import."""
    wanted: dict[int, set[str]] = {}
    for key in candidate.record_keys:
        source_id, _, reference = key.partition(":")
        if source_id.isdigit():
            wanted.setdefault(int(source_id), set()).add(reference)
    records: list[SourceRecord] = []
    for source_id, references in wanted.items():
        records += SourceRecord.objects.filter(
            source_import__source_id=source_id, record_ref__in=sorted(references)
        ).only("pk")
    return records


@transaction.atomic
def candidate_dismiss(*, candidate: MatchCandidate, actor: "User", rationale: str) -> MatchDecision:
    """Dismiss the candidate for the reason given. It returns to the queue only if new evidence arrives."""
    rationale = require_rationale(rationale)
    candidate = _locked_to_review(candidate)
    decision = _review_settle(candidate, actor=actor, kind=MatchDecisionKind.DISMISS, rationale=rationale)
    audit_record(actor=actor, event=AuditEvent.MATCH_DISMISSED, target=candidate)
    return decision


def _review_settle(candidate, *, actor, kind, rationale, referral=None, child=None) -> MatchDecision:
    """Record the decision with what the model said then (the run that proposed the candidate and how sure it was),
    so that the run's tally of decisions never changes when a later run reopens or rescores the candidate."""
    decision = MatchDecision.objects.create(
        candidate=candidate,
        kind=kind,
        rationale=rationale,
        record_keys=candidate.record_keys,
        referral=referral,
        decided_by=actor,
        run_id=candidate.last_run_id,
        confidence=candidate_confidence(kind=candidate.kind, score=candidate.score, evidence=candidate.evidence),
    )
    review_state = ReviewState.CONFIRMED if kind == MatchDecisionKind.CONFIRM else ReviewState.DISMISSED
    MatchCandidate.objects.filter(pk=candidate.pk).update(
        review_state=review_state,
        reviewed_keys=candidate.record_keys,
        reopened=False,
        referral=referral or candidate.referral,
        child=child or candidate.child,
        updated_at=timezone.now(),
    )
    candidate.refresh_from_db()
    return decision


def _child_from_candidate(
    candidate: MatchCandidate, *, actor, shown_children, rationale: str, confirmed_new: bool
) -> Child:
    if candidate.date_of_birth is None:
        raise ApplicationError(ERROR_NO_DATE_OF_BIRTH)
    create = (
        partial(child_create, confirmed_new=True)
        if confirmed_new
        else partial(child_create_after_review, shown_children=shown_children)
    )
    child = create(
        actor=actor,
        reason=rationale,
        given_name=candidate.given_name or "Not known",
        middle_names=candidate.middle_names,
        family_name=candidate.family_name or "Not known",
        date_of_birth=candidate.date_of_birth,
        sex=candidate.sex or "U",
    )
    line1, _, rest = candidate.address.partition(", ")
    if line1 and candidate.postcode:
        address_record(
            actor=actor,
            person=child,
            line1=line1[:150],
            line2=rest[:150],
            postcode=candidate.postcode,
            uprn=candidate.uprn,
            valid_from=candidate.resident_since or timezone.localdate(),
        )
    return child


__all__ = [
    "CandidateKind",
    "candidate_confirm",
    "candidate_dismiss",
    "data_source_register",
    "match_run_create",
    "match_run_queue",
    "source_import_file",
    "source_import_queue",
    "source_import_run",
]
