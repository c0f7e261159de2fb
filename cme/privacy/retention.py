"""Retention: which records are due for disposal, by rule, and the batches the data protection officer approves.

Each rule below serves one retention rule of the data catalogue (`catalogue.RETENTION_RULES`) for one kind of record:
a starting date, a period in months (a default the council can change: `council.RetentionPeriod`), and the conditions
that keep a record longer (an open case, a legal hold). Records about people go into a `DisposalBatch` that a person
approves before anything is deleted (cme.privacy.disposal does the deleting). Sessions, expired tokens, sign-in logs
and finished background jobs are housekeeping: the daily sweep deletes them without a batch, counting them.

The privacy app imports no other app: models are looked up by label.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import CharField, Count, DateField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from .catalogue import RETENTION_RULES
from .enums import RetentionRule
from .models import BatchState, DisposalBatch, DisposalItem, HoldState, ItemState, LegalHold

SAMPLE_SIZE = 20
KEPT_OUT_FOR = datetime.timedelta(days=365)  # a record a person kept out of a batch is not proposed again for a year
# Extracts a source sends once a year: kept until the next one can replace them (the notice's 13 months).
YEARLY_SOURCE_KINDS = frozenset({"admissions"})
OPEN_CASE_STATUSES = ("open", "enquiries", "located")

ERROR_NOT_PROPOSED = "Disposal batch {batch} is {state}: only a batch waiting for approval can be {verb}."
ERROR_REASON_NEEDED = "Say why this record is to be kept."
ERROR_HOLD_REASON_NEEDED = "Say why disposal is to be suspended."
ERROR_HOLD_NOT_ACTIVE = "This legal hold has already been released."
ERROR_ITEM_NOT_PENDING = "This record is no longer waiting for disposal."
ERROR_HOLD_SUBJECT = "A legal hold names a child, a case or a request."


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months` (negative: back), clamped to the month's last day (29 February + 12 -> 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - some day of every month exists


@dataclass(frozen=True)
class DisposalRule:
    """One kind of record, when it becomes due, and what keeps it."""

    code: str
    catalogue_rule: str
    record_type: str  # app_label.model, lower case
    label: str  # what the rule covers, in plain words
    starts_from: str
    default_months: int
    housekeeping: bool = False

    @property
    def policy(self):
        return RETENTION_RULES[self.catalogue_rule]


def _rules() -> dict[str, DisposalRule]:
    rules = (
        DisposalRule(
            "child_record",
            RetentionRule.CHILD_RECORD,
            "people.child",
            "A child's record with all its casework, once no case about the child is open",
            "the child's date of birth",
            25 * 12,
        ),
        DisposalRule(
            "referral_no_case",
            RetentionRule.CHILD_RECORD,
            "cases.referral",
            "A referral that led to no case",
            "the day it was decided",
            24,
        ),
        DisposalRule(
            "front_door_no_referral",
            RetentionRule.CHILD_RECORD,
            "frontdoor.frontdoorreport",
            "A report from the public or a professional that led to no referral",
            "the day it was decided",
            24,
        ),
        DisposalRule(
            "match_candidate",
            RetentionRule.MATCH_CANDIDATE,
            "matching.matchcandidate",
            "A child proposed by data matching and never confirmed",
            "the last match run that proposed the child",
            6,
        ),
        DisposalRule(
            "matching_extract",
            RetentionRule.MATCHING_EXTRACT,
            "matching.sourceimport",
            "The records of a data-matching extract",
            "the day the extract was received",
            6,
        ),
        DisposalRule(
            "matching_extract_yearly",
            RetentionRule.MATCHING_EXTRACT,
            "matching.sourceimport",
            "The records of a data-matching extract sent once a year (admissions)",
            "the day the extract was received",
            13,
        ),
        DisposalRule(
            "audit_detail",
            RetentionRule.ACCOUNTABILITY_LOG,
            "audit.auditdetail",
            "The personal details of an audit entry (the entry itself stays in the chain)",
            "the date of the entry",
            7 * 12,
        ),
        DisposalRule(
            "access_purpose",
            RetentionRule.ACCOUNTABILITY_LOG,
            "privacy.accesspurpose",
            "A reason given for opening a record outside a caseload",
            "the day it was given",
            7 * 12,
        ),
        DisposalRule(
            "sessions",
            RetentionRule.SESSIONS_AND_TOKENS,
            "sessions.session",
            "Expired sign-in sessions",
            "the session's expiry",
            0,
            housekeeping=True,
        ),
        DisposalRule(
            "api_tokens",
            RetentionRule.SESSIONS_AND_TOKENS,
            "knox.authtoken",
            "Expired API tokens",
            "the token's expiry",
            0,
            housekeeping=True,
        ),
        DisposalRule(
            "sign_in_attempts",
            RetentionRule.SIGN_IN_ATTEMPTS,
            "axes.accessattempt",
            "Failed sign-in counts",
            "the last failed attempt",
            0,
            housekeeping=True,
        ),
        DisposalRule(
            "sign_in_history",
            RetentionRule.SIGN_IN_HISTORY,
            "axes.accesslog",
            "Where and how people signed in",
            "the sign-in",
            12,
            housekeeping=True,
        ),
        DisposalRule(
            "sign_in_failures",
            RetentionRule.SIGN_IN_HISTORY,
            "axes.accessfailurelog",
            "Failed sign-ins logged",
            "the attempt",
            12,
            housekeeping=True,
        ),
        DisposalRule(
            "background_jobs",
            RetentionRule.BACKGROUND_JOBS,
            "django_tasks_database.dbtaskresult",
            "Finished background jobs",
            "the end of the job",
            1,
            housekeeping=True,
        ),
    )
    return {rule.code: rule for rule in rules}


RULES: dict[str, DisposalRule] = _rules()
BATCH_RULES = tuple(code for code, rule in RULES.items() if not rule.housekeeping)
HOUSEKEEPING_RULES = tuple(code for code, rule in RULES.items() if rule.housekeeping)


def _model(label: str):
    return apps.get_model(label)


def retention_periods() -> dict[str, int]:
    """Each rule's period in months: the council's own where it set one, else the default."""
    periods = {code: rule.default_months for code, rule in RULES.items()}
    for rule, months in _model("council.RetentionPeriod").objects.values_list("rule", "months"):
        if rule in periods:
            periods[rule] = months
    return periods


# --- Holds ----------------------------------------------------------------------------------------------------------


def held_child_ids() -> set[int]:
    """Children any legal hold in force covers (a hold on a case or request covers its child)."""
    return set(
        LegalHold.objects.filter(state=HoldState.ACTIVE, child_id__isnull=False).values_list("child_id", flat=True)
    )


def legal_hold_place(*, actor, subject, reason: str) -> LegalHold:
    """Suspend disposal of a child's records (`subject`: a child, a case, or a request naming a child)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(ERROR_HOLD_REASON_NEEDED)
    label = subject._meta.label_lower
    if label == "people.child":
        child_id = subject.pk
    elif hasattr(subject, "child_id"):
        child_id = subject.child_id
    else:
        raise ApplicationError(ERROR_HOLD_SUBJECT)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            child_id=child_id,
            reason=reason,
            placed_by=actor,
        )
        audit_record(
            actor=actor,
            event=AuditEvent.LEGAL_HOLD_PLACED,
            target=subject,
            subject_child_id=child_id,
            related=hold,
            detail={"reason": reason},
        )
    return hold


def legal_hold_release(*, actor, hold: LegalHold, reason: str) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the hold is released.")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.state != HoldState.ACTIVE:
            raise ApplicationError(ERROR_HOLD_NOT_ACTIVE)
        hold.state, hold.released_by, hold.released_at = HoldState.RELEASED, actor, timezone.now()
        hold.release_reason = reason
        hold.save(update_fields=["state", "released_by", "released_at", "release_reason"])
        audit_record(
            actor=actor,
            event=AuditEvent.LEGAL_HOLD_RELEASED,
            target_type=hold.subject_type.app_label + "." + hold.subject_type.model,
            target_id=hold.subject_id,
            subject_child_id=hold.child_id,
            related=hold,
            detail={"reason": reason},
        )
    return hold


# --- What is due ----------------------------------------------------------------------------------------------------


@dataclass
class Due:
    """What one rule finds due: a queryset of (record id, due date) and of records held back."""

    rule: DisposalRule
    months: int
    cutoff: datetime.date
    rows: QuerySet  # the records due
    base: Any  # an expression for each record's starting date
    held: QuerySet | None = None


class AddMonths(Func):
    """A date `months` later, in SQL: PostgreSQL clamps to the month's end; SQLite rolls over (31 Jan + 1: 3 Mar)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"(({inner}) + make_interval(months => {self.months}))::date", params
        return f"date({inner}, '+{self.months} months')", params


def _after(day: datetime.date) -> datetime.datetime:
    """The start of the day after `day`, so a timestamp column is compared by index rather than by its date."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _child_record(cutoff, held):
    Child, Case = _model("people.Child"), _model("cases.Case")
    open_case = Case.objects.filter(child_id=OuterRef("pk"), status__in=OPEN_CASE_STATUSES)
    # A record merged into another is disposed of with the record it was merged into, never on its own.
    rows = Child.objects.filter(date_of_birth__lte=cutoff, merged_into__isnull=True).exclude(Exists(open_case))
    return rows.exclude(pk__in=held), rows.filter(pk__in=held), F("date_of_birth")


def _referral_no_case(cutoff, held):
    Referral = _model("cases.Referral")
    rows = Referral.objects.filter(case__isnull=True, status="no_further_action", triaged_at__lt=_after(cutoff))
    return rows.exclude(child_id__in=held), rows.filter(child_id__in=held), TruncDate("triaged_at")


def _front_door_no_referral(cutoff, held):
    """A front-door report an officer decided needs no further action: it names no child (a report that became a
    referral, or joined a case, goes with the child's record instead)."""
    Report = _model("frontdoor.FrontDoorReport")
    rows = Report.objects.filter(state="no_further_action", referral__isnull=True, triaged_at__lt=_after(cutoff))
    return rows.exclude(child_id__in=held), rows.filter(child_id__in=held), TruncDate("triaged_at")


def _match_candidate(cutoff, held):
    Candidate = _model("matching.MatchCandidate")
    rows = Candidate.objects.exclude(review_state="confirmed").filter(last_run__on_date__lte=cutoff)
    return rows.exclude(child_id__in=held), rows.filter(child_id__in=held), F("last_run__on_date")


def _extract(yearly: bool):
    def find(cutoff, held):
        Import, Record, Rejected = (
            _model(x) for x in ("matching.SourceImport", "matching.SourceRecord", "matching.RejectedRow")
        )
        kinds = Q(source__kind__in=YEARLY_SOURCE_KINDS)
        rows = Import.objects.filter(kinds if yearly else ~kinds, received_on__lte=cutoff)
        still_held = (
            Exists(Record.objects.filter(source_import=OuterRef("pk")))
            | Exists(Rejected.objects.filter(source_import=OuterRef("pk")))
            | ~Q(stored_path="")
        )
        return rows.filter(still_held), None, F("received_on")

    return find


def _audit_detail(cutoff, held):
    Detail = _model("audit.AuditDetail")
    rows = Detail.objects.filter(entry__occurred_at__lt=_after(cutoff))
    return (
        rows.exclude(entry__subject_child_id__in=held),
        rows.filter(entry__subject_child_id__in=held),
        TruncDate("entry__occurred_at"),
    )


def _access_purpose(cutoff, held):
    Purpose = _model("privacy.AccessPurpose")
    rows = Purpose.objects.filter(stated_at__lt=_after(cutoff))
    child_type = ContentType.objects.get_by_natural_key("people", "child")
    held_q = Q(subject_type=child_type, subject_id__in=held)
    return rows.exclude(held_q), rows.filter(held_q), TruncDate("stated_at")


def _housekeeping(label: str, field: str, *, extra: Callable[[QuerySet], QuerySet] | None = None):
    def find(cutoff, held):
        model = _model(label)
        now = timezone.now()
        # Housekeeping periods count back from now, not from a date: sessions and tokens expire by the minute.
        # Failed sign-in counts (no cutoff) are kept exactly as long as a lock-out lasts.
        moment = now - (settings.AXES_COOLOFF_TIME if cutoff is None else timezone.localdate() - cutoff)
        rows = model.objects.filter(**{f"{field}__lt": moment})
        if extra is not None:
            rows = extra(rows)
        return rows, None, F(field)

    return find


FINDERS: dict[str, Callable] = {
    "child_record": _child_record,
    "referral_no_case": _referral_no_case,
    "front_door_no_referral": _front_door_no_referral,
    "match_candidate": _match_candidate,
    "matching_extract": _extract(yearly=False),
    "matching_extract_yearly": _extract(yearly=True),
    "audit_detail": _audit_detail,
    "access_purpose": _access_purpose,
    "sessions": _housekeeping("sessions.Session", "expire_date"),
    "api_tokens": _housekeeping("knox.AuthToken", "expiry"),
    "sign_in_attempts": _housekeeping("axes.AccessAttempt", "attempt_time"),
    "sign_in_history": _housekeeping("axes.AccessLog", "attempt_time"),
    "sign_in_failures": _housekeeping("axes.AccessFailureLog", "attempt_time"),
    "background_jobs": _housekeeping(
        "django_tasks_database.DBTaskResult",
        "finished_at",
        extra=lambda rows: rows.filter(finished_at__isnull=False),
    ),
}


def due(*, as_of: datetime.date | None = None, rules: Iterable[str] = tuple(RULES)) -> Iterator[Due]:
    """For each rule, what is due on `as_of` (default today) and what a hold keeps back."""
    as_of = as_of or timezone.localdate()
    periods = retention_periods()
    held = held_child_ids()
    for code in rules:
        rule = RULES[code]
        months = periods[code]
        cutoff = add_months(as_of, -months)
        if rule.code == "sign_in_attempts":
            cutoff = None  # axes keeps a count only as long as a lock-out lasts: clear what has cooled off
        rows, held_rows, base = FINDERS[code](cutoff, held)
        yield Due(rule, months, cutoff or as_of, rows, base, held_rows)


@dataclass(frozen=True)
class RuleCount:
    rule: DisposalRule
    months: int
    due: int
    held: int


def retention_dry_run(*, as_of: datetime.date | None = None) -> list[RuleCount]:
    """What each rule finds due today, with counts, changing nothing."""
    return [
        RuleCount(d.rule, d.months, d.rows.count(), d.held.count() if d.held is not None else 0)
        for d in due(as_of=as_of)
    ]


def retention_housekeeping(*, actor=None) -> dict[str, int]:
    """Delete expired sessions and tokens, old sign-in logs and finished jobs; one audit entry with the counts."""
    deleted: dict[str, int] = {}
    with transaction.atomic():
        for d in due(rules=HOUSEKEEPING_RULES):
            ids = list(d.rows.values_list("pk", flat=True))
            model = d.rows.model
            count = 0
            for start in range(0, len(ids), 1000):
                count += model.objects.filter(pk__in=ids[start : start + 1000]).delete()[0]
            deleted[d.rule.code] = count
        total = sum(deleted.values())
        if total:
            audit_record(actor=actor, event=AuditEvent.HOUSEKEEPING_DONE, payload={"count": total, **deleted})
    return deleted


def disposal_batch_propose(*, actor=None, as_of: datetime.date | None = None) -> DisposalBatch | None:
    """Put every record due under a batch rule into a new batch for approval; None when nothing is due.

    A record already waiting in an earlier batch (proposed or approved, not yet disposed) is not proposed again.
    A child whose whole record is due takes its referrals and match candidates with it, so those are not listed twice.
    """
    as_of = as_of or timezone.localdate()
    periods = retention_periods()
    with transaction.atomic():
        batch = DisposalBatch.objects.create(as_of=as_of, periods=periods)
        counts: dict[str, int] = {}
        held_counts: dict[str, int] = {}
        for d in due(as_of=as_of, rules=BATCH_RULES):
            # Not again: records waiting in an open batch, and records a person kept out in the last year.
            waiting = Q(
                state__in=(ItemState.PENDING, ItemState.DISPOSED),
                batch__state__in=(BatchState.PROPOSED, BatchState.APPROVED, BatchState.DISPOSING),
            )
            kept = Q(state=ItemState.EXCLUDED, decided_at__gte=timezone.now() - KEPT_OUT_FOR)
            already = DisposalItem.objects.filter(
                waiting | kept, record_type=d.rule.record_type, record_id=OuterRef("pk")
            )
            rows = d.rows.order_by().exclude(Exists(already))
            if d.rule.code in ("referral_no_case", "match_candidate"):
                # Their child goes whole in this batch: nothing to list separately.
                children = DisposalItem.objects.filter(batch=batch, record_type="people.child").values("record_id")
                rows = rows.exclude(child_id__in=children)
            count = _insert_items(batch, d, rows)
            if count:
                counts[d.rule.code] = count
            if d.held is not None and (held := d.held.count()):
                held_counts[d.rule.code] = held
        if not counts:
            transaction.set_rollback(True)
            return None
        batch.counts, batch.held = counts, held_counts
        batch.save(update_fields=["counts", "held"])
        audit_record(
            actor=actor,
            event=AuditEvent.DISPOSAL_PROPOSED,
            target=batch,
            payload={"batch": batch.pk, "count": sum(counts.values()), "rules": counts},
        )
    return batch


def _insert_items(batch: DisposalBatch, d: Due, rows: QuerySet) -> int:
    """INSERT … SELECT the due records into the batch in one statement: a million rows never pass through Python."""
    constants = {
        "item_batch": Value(batch.pk, output_field=IntegerField()),
        "item_rule": Value(d.rule.code, output_field=CharField()),
        "item_type": Value(d.rule.record_type, output_field=CharField()),
        "item_state": Value(ItemState.PENDING.value, output_field=CharField()),
        "item_reason": Value("", output_field=CharField()),
        "item_due": AddMonths(d.base, d.months),
    }
    query = rows.annotate(**constants).values_list("pk", *constants)
    sql, params = query.query.sql_with_params()
    connection = connections[rows.db]
    table = connection.ops.quote_name(DisposalItem._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(DisposalItem._meta.get_field(name).column)
        for name in ("record_id", "batch", "rule", "record_type", "state", "reason", "due_on")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def _pending_batch(batch: DisposalBatch, verb: str) -> DisposalBatch:
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != BatchState.PROPOSED:
        raise ApplicationError(
            ERROR_NOT_PROPOSED.format(batch=batch.pk, state=batch.get_state_display().lower(), verb=verb)
        )
    return batch


def disposal_batch_approve(*, actor, batch: DisposalBatch) -> DisposalBatch:
    """The data protection officer's approval: the batch may now be disposed of (`cme retention dispose`)."""
    with transaction.atomic():
        batch = _pending_batch(batch, "approved")
        batch.state, batch.approved_by, batch.approved_at = BatchState.APPROVED, actor, timezone.now()
        batch.save(update_fields=["state", "approved_by", "approved_at"])
        audit_record(actor=actor, event=AuditEvent.DISPOSAL_APPROVED, target=batch, payload={"batch": batch.pk})
    return batch


def disposal_item_exclude(*, actor, item: DisposalItem, reason: str) -> DisposalItem:
    """Keep one record out of a batch waiting for approval, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(ERROR_REASON_NEEDED)
    with transaction.atomic():
        _pending_batch(item.batch, "changed")
        item = DisposalItem.objects.select_for_update().get(pk=item.pk)
        if item.state != ItemState.PENDING:
            raise ApplicationError(ERROR_ITEM_NOT_PENDING)
        item.state, item.reason, item.decided_by, item.decided_at = ItemState.EXCLUDED, reason, actor, timezone.now()
        item.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            event=AuditEvent.DISPOSAL_EXCLUDED,
            target_type=item.record_type,
            target_id=item.record_id,
            subject_child_id=item.record_id if item.record_type == "people.child" else None,
            related=item.batch,
            payload={"batch": item.batch_id},
            detail={"reason": reason},
        )
    return item


# --- Reads for the DPO's pages ---------------------------------------------------------------------------------------


def disposal_batch_list() -> QuerySet:
    return DisposalBatch.objects.select_related("approved_by").order_by("-pk")


def disposal_batch_counts(batch: DisposalBatch) -> list[dict]:
    """Per rule: proposed, kept out, held, disposed, still to go."""
    rows = []
    by_rule: dict[str, dict[str, int]] = {}
    for rule, state, count in _counts(batch):
        by_rule.setdefault(rule, {})[state] = count
    for code in BATCH_RULES:
        states = by_rule.get(code, {})
        total = sum(states.values())
        if not total and not batch.held.get(code):
            continue
        rows.append(
            {
                "rule": RULES[code],
                "months": batch.periods.get(code, RULES[code].default_months),
                "proposed": total,
                "excluded": states.get(ItemState.EXCLUDED, 0),
                "held": states.get(ItemState.HELD, 0) + batch.held.get(code, 0),
                "disposed": states.get(ItemState.DISPOSED, 0),
                "pending": states.get(ItemState.PENDING, 0),
            }
        )
    return rows


def _counts(batch: DisposalBatch):
    return (
        DisposalItem.objects.filter(batch=batch)
        .values_list("rule", "state")
        .annotate(n=Count("pk"))
        .values_list("rule", "state", "n")
        .order_by()
    )


def disposal_batch_sample(batch: DisposalBatch, *, per_rule: int = SAMPLE_SIZE) -> dict[str, list[DisposalItem]]:
    """Up to `per_rule` items of each rule, spread through the batch, for the DPO to check."""
    sample: dict[str, list[DisposalItem]] = {}
    for code in BATCH_RULES:
        items = DisposalItem.objects.filter(batch=batch, rule=code)
        total = items.count()
        if not total:
            continue
        step = max(1, total // per_rule)
        ids = list(items.order_by("pk").values_list("pk", flat=True)[::step][:per_rule]) if total > per_rule else None
        chosen = items.filter(pk__in=ids) if ids is not None else items
        sample[code] = list(chosen.select_related("decided_by").order_by("pk"))
    return sample


def legal_hold_list(*, active_only: bool = False) -> QuerySet:
    holds = LegalHold.objects.select_related("subject_type", "placed_by", "released_by")
    return holds.filter(state=HoldState.ACTIVE) if active_only else holds


def batch_certificate(batch: DisposalBatch) -> dict:
    """What a disposal certificate states: rules, counts by kind of record, dates, approver, batch. No personal data."""
    rules = []
    for row in disposal_batch_counts(batch):
        rule = row["rule"]
        rules.append(
            {
                "label": rule.label,
                "policy": rule.policy.label,
                "months": row["months"],
                "starts_from": rule.starts_from,
                "disposed": row["disposed"],
                "excluded": row["excluded"],
                "held": row["held"],
            }
        )
    kinds = [
        {"label": _record_type_label(label), "count": count}
        for label, count in sorted(batch.disposed_counts.items(), key=lambda item: _record_type_label(item[0]))
    ]
    return {"batch": batch, "rules": rules, "kinds": kinds, "details_erased": batch.details_erased}


def _record_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return label


__all__ = [
    "BATCH_RULES",
    "HOUSEKEEPING_RULES",
    "RULES",
    "disposal_batch_approve",
    "disposal_batch_propose",
    "disposal_item_exclude",
    "legal_hold_place",
    "legal_hold_release",
    "retention_dry_run",
    "retention_housekeeping",
]
