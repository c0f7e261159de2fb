"""Writing to the audit trail: one entry per thing that happened, in the same transaction as the change it records.

Callers pass the actor (a user, or None) and the target (a model instance, or `target_type` and `target_id`) as
plain arguments: the audit app imports no other cme app.
"""

import csv
import datetime
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from django.db import connections, router, transaction
from django.utils import timezone

from .chain import (
    GENESIS_HASH,
    SEPARATOR,
    canonical_json,
    detail_message,
    detail_parts,
    entry_message,
    entry_parts,
)
from .events import READ_EVENTS, AuditEvent
from .formatters import audit_sentence
from .keys import audit_keyring
from .models import AuditChainHead, AuditDetail, AuditEntry, AuditVerification
from .selectors import audit_search
from .signals import entry_recorded

CHILD_TYPE = "people.child"  # a target of this type is itself the subject child
MAX_PAYLOAD_CHARS = 2000

# Reading one of these types of record is recorded as this event, unless the caller names another.
READ_EVENT_FOR_TYPE = {
    CHILD_TYPE: AuditEvent.CHILD_VIEWED,
    "people.carer": AuditEvent.CARER_VIEWED,
    "cases.case": AuditEvent.CASE_VIEWED,
    "cases.referral": AuditEvent.REFERRAL_VIEWED,
    "cases.enquiry": AuditEvent.ENQUIRY_VIEWED,
    "cases.partnerreferral": AuditEvent.PARTNER_REFERRAL_VIEWED,
    "cases.document": AuditEvent.DOCUMENT_DOWNLOADED,
    "matching.matchcandidate": AuditEvent.MATCH_CANDIDATE_VIEWED,
    "schools.rollreturn": AuditEvent.RETURN_VIEWED,
}

# Keys that would put personal detail into the chained, unerasable row: they have their own arguments.
PERSONAL_PAYLOAD_KEYS = frozenset({"fields", "purpose", "purpose_text", "username", "name", "reason"})

_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[a-z0-9_]*$")

ERROR_UNKNOWN_EVENT = "{event!r} is not an audit event: add it to AuditEvent first."
ERROR_TARGET_TWICE = "Give either `target` or `target_type` and `target_id`, not both."
ERROR_UNSAVED_TARGET = "The target has no id yet: record the entry after saving it."
ERROR_BAD_TYPE = "{value!r} is not an object type: use app_label.model, e.g. people.child."
ERROR_BAD_PURPOSE = "{value!r} is not a purpose code."
ERROR_PERSONAL_PAYLOAD = "The payload may not hold {keys}: pass them as arguments, so they go in the erasable detail."
ERROR_PAYLOAD_TOO_BIG = f"The payload is for ids and counts; it may not exceed {MAX_PAYLOAD_CHARS} characters."
ERROR_SEPARATOR = "{name} may not contain the control character U+001F."
ERROR_NOT_A_READ = "{event!r} is not a read; use audit_record for changes."
ERROR_NO_READ_EVENT = "Name the event: there is no default read event for {target_type!r}."


def audit_record(
    *,
    actor: Any | None,
    event: AuditEvent | str,
    target: Any | None = None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    subject_child_id: int | None = None,
    related: Any | tuple[str, int | str] | None = None,
    fields: Iterable[str] = (),
    purpose: str = "",
    purpose_text: str = "",
    payload: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction (or a new one), and return it.

    - `actor`: the user who acted, or None (a failed sign-in: put the username tried in `detail={"username": …}`).
    - `target`: a model instance, or give `target_type` ("app_label.model") and `target_id` instead.
    - `subject_child_id`: the child the entry is about; defaults to the target itself when it is a child, or to the
      target's `child_id` when it has one (a case, a referral).
    - `related`: a second object (a model instance or a `(type, id)` pair), e.g. the case a note belongs to.
    - `fields`, `purpose`, `purpose_text`, `detail`: the personal part, kept in the erasable `AuditDetail`.
    - `payload`: ids and counts only; it is chained and can never be erased.

    Raises ValueError for an event outside the vocabulary, a malformed type or purpose code, or a payload that
    would hold personal detail. If the caller's transaction rolls back, so does the entry.
    """
    try:
        event = AuditEvent(event)
    except ValueError:
        raise ValueError(ERROR_UNKNOWN_EVENT.format(event=event)) from None
    actor_id, actor_username = _actor(actor)
    if target is not None:
        if target_type is not None or target_id is not None:
            raise ValueError(ERROR_TARGET_TWICE)
        if target.pk is None:
            raise ValueError(ERROR_UNSAVED_TARGET)
        target_type, target_id = target._meta.label_lower, target.pk
        if subject_child_id is None:
            subject_child_id = target.pk if target_type == CHILD_TYPE else getattr(target, "child_id", None)
    elif target_type == CHILD_TYPE and subject_child_id is None and target_id is not None:
        subject_child_id = int(target_id)
    target_type = _object_type(target_type or "")
    target_id = _plain("target_id", "" if target_id is None else str(target_id))
    related_type, related_id = _related(related)
    payload_text = _payload(payload)
    purpose = _purpose(purpose)
    actor_username = _plain("The username", actor_username)
    # The separator would be refused anywhere else; in a person's own words it is replaced, not refused. So is a NUL,
    # which PostgreSQL cannot store in text.
    purpose_text = str(purpose_text or "").replace(SEPARATOR, " ").replace("\x00", " ")

    # The detail and its hash do not depend on the chain: work them out before taking the lock.
    keyring = audit_keyring()
    key_id, digest = keyring.newest_id, keyring.newest
    detail_row = None
    detail_hash = ""
    fields = list(fields)
    if fields or purpose or purpose_text or detail:
        data = canonical_json({**(detail or {}), **({"fields": fields} if fields else {})})
        detail_row = AuditDetail(salt=secrets.token_hex(16), purpose=purpose, purpose_text=purpose_text, data=data)
        detail_hash = digest(detail_message(detail_parts(detail_row)).encode())

    alias = router.db_for_write(AuditEntry)
    # savepoint=False: inside the caller's atomic block this adds no statements, and a failure here fails the
    # caller's transaction too (no change without its entry); outside one, it opens a transaction of its own.
    with transaction.atomic(using=alias, savepoint=False):
        last_sequence, last_hash = _lock_head(alias)
        entry = AuditEntry(
            sequence=last_sequence + 1,
            occurred_at=timezone.now(),  # read under the lock, so time never runs backwards along the chain
            actor_id=actor_id,
            actor_username=actor_username,
            event=event.value,
            target_type=target_type,
            target_id=target_id,
            related_type=related_type,
            related_id=related_id,
            subject_child_id=None if subject_child_id is None else int(subject_child_id),
            payload=payload_text,
            detail_hash=detail_hash,
            previous_hash=last_hash,
            key_id=key_id,
        )
        entry.entry_hash = digest(entry_message(key_id, entry_parts(entry)).encode())
        if detail_row is not None:
            detail_row.entry = entry
        _write(alias, entry, detail_row)
    # The rows are in: let the instances say so, and let `entry.detail` answer without a query.
    for row in (entry, detail_row):
        if row is not None:
            row._state.adding, row._state.db = False, alias
    AuditEntry.detail.related.set_cached_value(entry, detail_row)
    entry_recorded.send(sender=AuditEntry, entry=entry, using=alias)
    return entry


def audit_record_read(
    *,
    actor: Any | None,
    target: Any | None = None,
    event: AuditEvent | str | None = None,
    purpose: str = "",
    purpose_text: str = "",
    fields: Iterable[str] = (),
    **kwargs: Any,
) -> AuditEntry:
    """Record that `actor` opened a record: the event follows from the target's type unless named.

    `access_<entity>` functions call this, so every read of a child's record is audited in one place.
    """
    if event is None:
        target_type = target._meta.label_lower if target is not None else kwargs.get("target_type")
        if target_type not in READ_EVENT_FOR_TYPE:
            raise ValueError(ERROR_NO_READ_EVENT.format(target_type=target_type))
        event = READ_EVENT_FOR_TYPE[target_type]
    if event not in READ_EVENTS:
        raise ValueError(ERROR_NOT_A_READ.format(event=event))
    return audit_record(
        actor=actor, event=event, target=target, purpose=purpose, purpose_text=purpose_text, fields=fields, **kwargs
    )


def audit_details_erase(*, actor: Any | None, sequences: Iterable[int], batch: int | None = None) -> int:
    """Delete the personal details of these entries (retention); the chain is untouched and still verifies.

    Records one `audit_details_erased` entry with the count (and the disposal batch that erased them, when one did),
    and returns how many details were deleted.
    """
    sequences = sorted(set(sequences))
    with transaction.atomic(using=router.db_for_write(AuditDetail)):
        erased, _ = AuditDetail.objects.filter(entry_id__in=sequences).delete()
        if erased:
            audit_record(
                actor=actor,
                event=AuditEvent.AUDIT_DETAILS_ERASED,
                payload={
                    "count": erased,
                    "first": sequences[0],
                    "last": sequences[-1],
                    **({"batch": int(batch)} if batch is not None else {}),
                },
            )
    return erased


def audit_details_erased_by_batch() -> dict[int | None, int]:
    """How many details retention erased, by disposal batch (None: erased outside a batch), from the chain itself."""
    totals: dict[int | None, int] = {}
    for payload in AuditEntry.objects.filter(event=AuditEvent.AUDIT_DETAILS_ERASED).values_list("payload", flat=True):
        data = json.loads(payload)
        totals[data.get("batch")] = totals.get(data.get("batch"), 0) + int(data.get("count", 0))
    return totals


def _write(alias: str, entry: AuditEntry, detail: AuditDetail | None) -> None:
    """Insert the entry (and its detail) and move the head on: the hot path, in raw SQL to keep it short.

    On PostgreSQL the three statements travel as one (data-modifying WITH clauses), so an append costs two round
    trips with the lock; SQLite runs in-process, where a round trip costs nothing.
    """
    connection = connections[alias]
    statements = [_insert(connection, entry)]
    if detail is not None:
        statements.append(_insert(connection, detail))
    head_table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    head_sql = f"UPDATE {head_table} SET last_sequence = %s, last_hash = %s WHERE id = 1"  # noqa: S608 - ours
    head = (head_sql, [entry.sequence, entry.entry_hash])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            steps = ", ".join(f"step{n} AS ({sql})" for n, (sql, _) in enumerate(statements))
            params = [value for _, values in (*statements, head) for value in values]
            cursor.execute(f"WITH {steps} {head[0]}", params)
        else:
            for sql, params in (*statements, head):
                cursor.execute(sql, params)


_INSERT_SQL: dict[tuple[str, type], tuple[str, list]] = {}


def _insert(connection, row: AuditEntry | AuditDetail) -> tuple[str, list]:
    """An INSERT of every column of `row`, with values prepared for `connection` as the ORM would prepare them."""
    key = (connection.vendor, type(row))
    if key not in _INSERT_SQL:
        fields = list(type(row)._meta.concrete_fields)
        table = connection.ops.quote_name(type(row)._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        _INSERT_SQL[key] = (f"INSERT INTO {table} ({columns}) VALUES ({marks})", fields)  # noqa: S608 - ours
    sql, fields = _INSERT_SQL[key]
    return sql, [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]


def _lock_head(alias: str) -> tuple[int, str]:
    """Lock the chain head for the rest of the transaction and return (last sequence, last hash).

    On PostgreSQL `SELECT … FOR UPDATE` makes a second writer wait here until the first commits, then read the new
    head. SQLite needs no lock of its own: cme's settings open every transaction with BEGIN IMMEDIATE, which takes
    the database's single write lock.
    """
    connection = connections[alias]
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_sequence, last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608 - no input
        row = cursor.fetchone()
        if row is None:
            # The first entry ever (or the test database was flushed): start the chain. ON CONFLICT lets two first
            # writers race safely; the loser waits for the winner's row and then locks it.
            cursor.execute(
                f"INSERT INTO {table} (id, last_sequence, last_hash) VALUES (1, 0, %s) ON CONFLICT (id) DO NOTHING",  # noqa: S608
                [GENESIS_HASH],
            )
            cursor.execute(f"SELECT last_sequence, last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
            row = cursor.fetchone()
    return row[0], row[1]


def _actor(actor: Any | None) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", True) or actor.pk is None:
        return None, ""
    return int(actor.pk), actor.get_username()


def _plain(name: str, value: str) -> str:
    """`value`, if it cannot be confused with the hashed text's field separator (see chain.py)."""
    if SEPARATOR in value:
        raise ValueError(ERROR_SEPARATOR.format(name=name))
    return value


def _object_type(value: str) -> str:
    if value and not _TYPE.match(value):
        raise ValueError(ERROR_BAD_TYPE.format(value=value))
    return value


def _related(related: Any | tuple[str, int | str] | None) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):
        related_type, related_id = related
        return _object_type(related_type), _plain("related_id", str(related_id))
    return related._meta.label_lower, str(related.pk)


def _purpose(value: str) -> str:
    value = str(value or "")
    if not _CODE.match(value):
        raise ValueError(ERROR_BAD_PURPOSE.format(value=value))
    return value


def _payload(payload: Mapping[str, Any] | None) -> str:
    if not payload:
        return "{}"
    personal = PERSONAL_PAYLOAD_KEYS.intersection(payload)
    if personal:
        raise ValueError(ERROR_PERSONAL_PAYLOAD.format(keys=", ".join(sorted(personal))))
    text = canonical_json(dict(payload))
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ValueError(ERROR_PAYLOAD_TOO_BIG)
    return text


EXPORT_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "event",
    "description",
    "target_type",
    "target_id",
    "related_type",
    "related_id",
    "child_id",
    "fields",
    "purpose",
    "purpose_text",
    "details",
    "payload",
    "entry_hash",
)
_SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def audit_export_csv(
    *,
    actor: Any | None,
    out: TextIO,
    since: datetime.date | datetime.datetime | None = None,
    until: datetime.date | datetime.datetime | None = None,
    child_id: int | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    event: AuditEvent | str | None = None,
    via: str = "",
) -> int:
    """Write the entries matching the filters (as `audit_search`) to `out` as CSV, oldest first; return the count.

    The export is itself recorded (`audit_exported`, with the filters and the row count) and committed *before* the
    rows are written, so an export cut short is still on the record, and the chain head is not held locked for as
    long as a large export takes. The export stops at the head as it stood then: it never includes its own entry.
    """
    filters = {
        "child_id": child_id,
        "actor_id": actor_id,
        "target_type": target_type,
        "target_id": target_id,
        "since": since,
        "until": until,
        "event": event,
    }
    last_sequence = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0
    entries = audit_search(**filters).filter(sequence__lte=last_sequence).order_by("sequence")
    count = entries.count()
    recorded = {key: str(value) for key, value in filters.items() if value is not None and value != ""}
    with transaction.atomic(using=router.db_for_write(AuditEntry)):
        audit_record(
            actor=actor,
            event=AuditEvent.AUDIT_EXPORTED,
            payload={"filters": recorded, "rows": count, "up_to": last_sequence, **({"via": via} if via else {})},
        )

    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        detail = entry.detail_or_none
        writer.writerow(
            [
                entry.sequence,
                timezone.localtime(entry.occurred_at).isoformat(),
                "" if entry.actor_id is None else entry.actor_id,
                _cell(entry.actor_username),
                entry.event,
                _cell(audit_sentence(entry)),
                entry.target_type,
                _cell(entry.target_id),
                entry.related_type,
                _cell(entry.related_id),
                "" if entry.subject_child_id is None else entry.subject_child_id,
                _cell(";".join(detail.fields)) if detail is not None else "",
                detail.purpose if detail is not None else "",
                _cell(detail.purpose_text) if detail is not None else "",
                "held" if detail is not None else ("erased" if entry.detail_hash else ""),
                _cell(entry.payload),
                entry.entry_hash,
            ]
        )
    return count


def _cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection): a purpose sentence is free text."""
    return "'" + value if value.startswith(_SPREADSHEET_FORMULA_STARTS) else value


def audit_verification_start(*, actor: Any) -> AuditVerification:
    """Record that `actor` started a check of the chain and queue it (`cme.audit.tasks.audit_verification_task`).

    The task is enqueued when the transaction commits, so the worker always finds the row.
    """
    from .tasks import audit_verification_task

    with transaction.atomic(using=router.db_for_write(AuditVerification)):
        verification = AuditVerification.objects.create(started_at=timezone.now(), started_by_id=_actor(actor)[0])
        audit_record(
            actor=actor, event=AuditEvent.AUDIT_VERIFICATION_STARTED, payload={"verification": verification.pk}
        )
        transaction.on_commit(lambda: audit_verification_task.enqueue(verification_id=verification.pk))
    return verification
