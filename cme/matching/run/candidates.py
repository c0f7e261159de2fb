"""Writing what a run found as candidates for review, keeping identities stable across runs.

A finding updates the existing candidate whose source records it overlaps most (so the same child keeps the same
candidate and its review); otherwise it is a new candidate. A dismissed candidate comes back to the queue only with
records it did not have. What the run changes of a person's work is on the audit trail: each candidate reopened,
and each candidate no longer found (it leaves the queue).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from typing import Any

from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record

from ..enums import ReviewState
from ..models import MatchCandidate, MatchRun
from .findings import Finding

_KNOWN = ("pk", "identity_key", "record_keys", "review_state", "reviewed_keys", "child_id")


def candidates_upsert(run: MatchRun, found: list[Finding]) -> dict[str, int]:
    """Write `found` onto existing candidates where their records overlap, new candidates otherwise; counts of what
    happened (new, reopened, still_dismissed, already_confirmed, still_to_review, no_longer_found)."""
    existing = {c.pk: c for c in MatchCandidate.objects.only(*_KNOWN)}
    owner_of_key = {key: c.pk for c in existing.values() for key in c.record_keys}
    keys_used = {c.identity_key for c in existing.values()}
    claimed: set[int] = set()
    counts = Counter()
    now = timezone.now()
    new_rows, reopened = [], []
    for finding in sorted(found, key=lambda f: f.person.keys):
        keys = finding.person.keys
        votes = Counter(owner_of_key[k] for k in keys if k in owner_of_key and owner_of_key[k] not in claimed)
        candidate = existing[votes.most_common(1)[0][0]] if votes else None
        values = _candidate_values(finding, run)
        if candidate is None:
            identity = _identity_key(keys, keys_used)
            keys_used.add(identity)
            new_rows.append(MatchCandidate(identity_key=identity, first_run=run, **values))
            counts["new"] += 1
            continue
        claimed.add(candidate.pk)
        if candidate.review_state == ReviewState.DISMISSED and set(keys) - set(candidate.reviewed_keys):
            values.update(review_state=ReviewState.TO_REVIEW, reopened=True)
            counts["reopened"] += 1
            reopened.append(candidate)
        elif candidate.review_state == ReviewState.DISMISSED:
            counts["still_dismissed"] += 1
        elif candidate.review_state == ReviewState.CONFIRMED:
            counts["already_confirmed"] += 1
        else:
            counts["still_to_review"] += 1
        if candidate.child_id and not values.get("child_id"):
            values.pop("child_id", None)
        MatchCandidate.objects.filter(pk=candidate.pk).update(updated_at=now, **values)
    MatchCandidate.objects.bulk_create(new_rows, batch_size=1000)
    made = {c.pk for c in new_rows}
    gone = [
        c for c in MatchCandidate.objects.filter(is_current=True).only("pk", "child_id")
        if c.pk not in claimed and c.pk not in made
    ]  # fmt: skip
    counts["no_longer_found"] = MatchCandidate.objects.filter(pk__in=[c.pk for c in gone]).update(
        is_current=False, updated_at=now
    )
    # What the system changed of a person's work is on the record: a dismissal undone, a candidate leaving the queue.
    for event, candidates in ((AuditEvent.MATCH_CANDIDATE_REOPENED, reopened),
                              (AuditEvent.MATCH_CANDIDATE_NO_LONGER_FOUND, gone)):  # fmt: skip
        for candidate in candidates:
            audit_record(
                actor=run.started_by, event=event, target=candidate, related=run, subject_child_id=candidate.child_id
            )
    return dict(counts)


def _candidate_values(finding: Finding, run: MatchRun) -> dict[str, Any]:
    person = finding.person
    home = person.latest_address_record(run.on_date)
    since = min((r.valid_from for r in person.current_records(run.on_date) if r.valid_from), default=None)
    return {
        "kind": finding.kind,
        "is_current": True,
        "given_name": (person.most_common("given_name") or "")[:100],
        "middle_names": (person.most_common("middle_names") or "")[:150],
        "family_name": (person.most_common("family_name") or "")[:100],
        "date_of_birth": person.date_of_birth,
        "sex": person.most_common("sex") or "",
        "address": home.address[:300],
        "postcode": home.postcode,
        "uprn": home.uprn,
        "resident_since": since,
        "reason": finding.reason,
        "evidence": finding.evidence.as_json(),
        "record_keys": person.keys,
        "score": finding.score,
        "child_id": finding.child_id,
        "last_run": run,
    }


def _identity_key(keys: list[str], used: set[str]) -> str:
    """A stable opaque key from the person's first record; random only if that key was ever used before."""
    key = hashlib.sha1(keys[0].encode(), usedforsecurity=False).hexdigest()
    return uuid.uuid4().hex if key in used else key
