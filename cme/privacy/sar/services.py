"""Making, reviewing, approving and releasing a subject access pack. Nothing leaves unapproved.

A pack is gathered once (its `content` is the snapshot the reviewer checks), the redactions the two passes find are
stored beside it, and a person adds, lifts and approves. Release records a disclosure naming the child and the
recipient (cme.privacy.services.disclosure_record), in the same transaction as the state change and its audit entry.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.privacy import catalogue
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.models import (
    PackState,
    Redaction,
    RedactionOrigin,
    RedactionReason,
    SubjectAccessPack,
)
from cme.privacy.services import disclosure_record

from . import gather as gathering
from . import redact, render

ERROR_NOT_DRAFT = "This pack has been approved: its redactions can no longer change"
ERROR_NOT_APPROVED = "Approve the pack before releasing it: nothing goes out unapproved"
ERROR_ALREADY_RELEASED = "This pack has already been released"
ERROR_NO_REQUESTER = "Enter the name of the person asking"
ERROR_NO_RECIPIENT = "Enter who the pack is being sent to"
ERROR_NO_NOTE = "Enter why you are withholding this"
ERROR_NO_LIFT_REASON = "Enter why this can be released after all"
ERROR_UNKNOWN_ITEM = "There is no such record in this pack"
ERROR_UNKNOWN_FIELD = "That record has no such part"
ERROR_WORDS_NOT_FOUND = "Those words are not in that part of the record"
ERROR_ALREADY_LIFTED = "This redaction has already been lifted"
REDACTION_BATCH = 1000


def pack_create(*, child, requester_name: str, actor, requester_carer=None, request=None) -> SubjectAccessPack:
    """Gather a draft pack for `child` (a Child or its id), with the redactions found, for a person to review.

    `requester_carer`: the carer asking, when a parent or carer asks (their own details are not withheld from them).
    `request`: the rights request it answers, if any (its `reference`, or its id, is kept as `request_reference`).
    """
    requester_name = require_rationale(requester_name, message=ERROR_NO_REQUESTER, field="requester_name")
    child_id = getattr(child, "pk", child)
    carer_id = getattr(requester_carer, "pk", requester_carer)
    content = gathering.gather(int(child_id))
    found = redact.redactions_for(content, requester_carer_id=carer_id)
    reference = ""
    if request is not None:
        reference = str(getattr(request, "reference", "") or getattr(request, "pk", request))
    with transaction.atomic():
        pack = SubjectAccessPack.objects.create(
            child_id=child_id,
            requester_name=requester_name[:200],
            requester_carer_id=carer_id,
            request_reference=reference[:100],
            content=content,
            created_by=actor,
        )
        Redaction.objects.bulk_create(
            [
                Redaction(
                    pack=pack,
                    item=f.item,
                    field=f.field,
                    start=f.start,
                    end=f.end,
                    reason=f.reason,
                    origin=f.origin,
                )
                for f in found
            ],
            batch_size=REDACTION_BATCH,
        )
        audit_record(
            actor=actor,
            event=AuditEvent.SUBJECT_ACCESS_PACK_CREATED,
            target=pack,
            payload={
                "records": sum(len(section["items"]) for section in content["sections"]),
                "redactions": len(found),
            },
        )
    return pack


def _items(pack: SubjectAccessPack) -> dict[str, dict]:
    return {item["key"]: item for section in pack.content["sections"] for item in section["items"]}


def _draft(pack: SubjectAccessPack) -> None:
    if pack.state != PackState.DRAFT:
        raise ApplicationError(ERROR_NOT_DRAFT)


@transaction.atomic
def redaction_add(
    *, pack: SubjectAccessPack, actor, item: str, note: str, field: str = "", words: str = ""
) -> list[Redaction]:
    """Withhold a whole record (`field` blank), one part of it, or every place `words` appear in that part."""
    pack = SubjectAccessPack.objects.select_for_update().get(pk=pack.pk)
    _draft(pack)
    note = require_rationale(note, message=ERROR_NO_NOTE, field="note")
    record = _items(pack).get(item)
    if record is None:
        raise ApplicationError(ERROR_UNKNOWN_ITEM, field="item")
    spans: list[tuple[int | None, int | None]] = [(None, None)]
    if field:
        part = next((f for f in record["fields"] if f["name"] == field), None)
        if part is None:
            raise ApplicationError(ERROR_UNKNOWN_FIELD, field="field")
        words = (words or "").strip()
        if words:
            text, wanted = (part["value"] or "").casefold(), words.casefold()
            spans, start = [], text.find(wanted)
            while start >= 0:
                spans.append((start, start + len(wanted)))
                start = text.find(wanted, start + len(wanted))
            if not spans:
                raise ApplicationError(ERROR_WORDS_NOT_FOUND, field="words")
    elif words:
        raise ApplicationError(ERROR_UNKNOWN_FIELD, field="field")
    added = Redaction.objects.bulk_create(
        [
            Redaction(
                pack=pack,
                item=item,
                field=field,
                start=start,
                end=end,
                reason=RedactionReason.REVIEWER,
                note=note,
                origin=RedactionOrigin.REVIEWER,
                added_by=actor,
            )
            for start, end in spans
        ]
    )
    audit_record(
        actor=actor,
        event=AuditEvent.SUBJECT_ACCESS_REDACTION_ADDED,
        target=pack,
        payload={"redactions": len(added)},
        detail={"item": item, "field": field, "note": note},
    )
    return added


@transaction.atomic
def redaction_lift(*, redaction: Redaction, actor, reason: str) -> Redaction:
    """Release a part first withheld: the redaction stays on record, lifted, with who and why."""
    pack = SubjectAccessPack.objects.select_for_update().get(pk=redaction.pack_id)
    _draft(pack)
    reason = require_rationale(reason, message=ERROR_NO_LIFT_REASON, field="reason")
    redaction = Redaction.objects.select_for_update().get(pk=redaction.pk)
    if redaction.lifted_at is not None:
        raise ApplicationError(ERROR_ALREADY_LIFTED)
    redaction.lifted_by, redaction.lifted_at, redaction.lift_reason = actor, timezone.now(), reason
    redaction.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    audit_record(
        actor=actor,
        event=AuditEvent.SUBJECT_ACCESS_REDACTION_LIFTED,
        target=pack,
        payload={"redaction": redaction.pk},
        detail={"reason": reason},
    )
    return redaction


@transaction.atomic
def pack_approve(*, pack: SubjectAccessPack, actor) -> SubjectAccessPack:
    """A person has checked the draft and its redactions: the pack may now be released."""
    pack = SubjectAccessPack.objects.select_for_update().get(pk=pack.pk)
    _draft(pack)
    pack.state, pack.approved_by, pack.approved_at = PackState.APPROVED, actor, timezone.now()
    pack.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        event=AuditEvent.SUBJECT_ACCESS_PACK_APPROVED,
        target=pack,
        payload={"redactions": pack.redactions.filter(lifted_at__isnull=True).count()},
    )
    return pack


@transaction.atomic
def pack_release(*, pack: SubjectAccessPack, actor, recipient: str) -> SubjectAccessPack:
    """Send an approved pack: recorded in the disclosure log, naming the child and the recipient."""
    recipient = require_rationale(recipient, message=ERROR_NO_RECIPIENT, field="recipient")
    pack = SubjectAccessPack.objects.select_for_update().get(pk=pack.pk)
    if pack.state == PackState.RELEASED:
        raise ApplicationError(ERROR_ALREADY_RELEASED)
    if pack.state != PackState.APPROVED:
        raise ApplicationError(ERROR_NOT_APPROVED)
    child = apps.get_model(gathering.CHILD).objects.get(pk=pack.child_id)
    disclosure = disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation=recipient[:200],
        data_categories=pack_categories(pack),
        purpose=Purpose.ADMINISTER_SERVICE,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        subject=child,
        cause=pack,
        description=f"Subject access pack {pack.pk} (UK GDPR Art. 15), requested by {pack.requester_name}",
    )
    pack.state, pack.released_by, pack.released_at = PackState.RELEASED, actor, timezone.now()
    pack.released_to, pack.disclosure = recipient[:200], disclosure
    pack.save(update_fields=["state", "released_by", "released_at", "released_to", "disclosure"])
    audit_record(
        actor=actor,
        event=AuditEvent.SUBJECT_ACCESS_PACK_RELEASED,
        target=pack,
        payload={"disclosure": disclosure.pk},
    )
    return pack


def pack_categories(pack: SubjectAccessPack) -> list[str]:
    """The data categories of everything the pack holds (what its disclosure is logged under)."""
    found: set[str] = set()
    for section in pack.content["sections"]:
        names = {field["name"] for item in section["items"][:1] for field in item["fields"]}
        for name in names:
            entry = catalogue.get(section["model"], name)
            if entry is not None:
                found |= {entry.category}
    return sorted(found & set(DataCategory.values)) or [DataCategory.CASEWORK]


# ---------------------------------------------------------------------------------------------------------------------
# Writing the pack out
# ---------------------------------------------------------------------------------------------------------------------


def _in_force(pack: SubjectAccessPack) -> list[dict]:
    return list(
        pack.redactions.filter(lifted_at__isnull=True).values("item", "field", "start", "end", "reason", "note")
    )


def pack_view(pack: SubjectAccessPack, *, final: bool = False) -> dict:
    """The pack as the requester would get it. `final` only once approved; otherwise it is marked DRAFT."""
    if final and pack.state == PackState.DRAFT:
        raise ApplicationError(ERROR_NOT_APPROVED)
    summary = {
        "id": pack.pk,
        "requester": pack.requester_name,
        "request_reference": pack.request_reference or None,
        "state": pack.get_state_display(),
        "approved_at": pack.approved_at.isoformat(timespec="seconds") if pack.approved_at else None,
    }
    return render.redacted_view(pack.content, _in_force(pack), draft=not final, pack=summary)


def pack_files(pack: SubjectAccessPack, *, final: bool = False) -> dict[str, bytes]:
    """pack.json, pack.pdf and the documents not withheld, by file name."""
    view = pack_view(pack, final=final)
    files = {"pack.json": render.pack_json(view).encode(), "pack.pdf": render.pack_pdf(view)}
    documents = {d["key"]: d for d in pack.content.get("documents", [])}
    if documents:
        storage = apps.get_model("cases.Document")._meta.get_field("file").storage
        for listed in view["documents"]:
            stored = documents[listed["key"]]["stored_name"]
            if stored and storage.exists(stored):
                with storage.open(stored, "rb") as handle:
                    files[listed["file"]] = handle.read()
    return files


def pack_write(pack: SubjectAccessPack, directory: Path, *, final: bool = False) -> list[Path]:
    """Write the pack's files into `directory`; returns their paths."""
    written = []
    for name, content in pack_files(pack, final=final).items():
        path = Path(directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
