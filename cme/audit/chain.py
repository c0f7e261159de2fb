"""How an audit entry and its detail are turned into bytes and hashed: the one definition both writer and verifier use.

An entry's message is a tag naming the format, then the entry's fields in a fixed order, joined by the ASCII unit
separator (U+001F), encoded as UTF-8. Numbers are written in decimal, a missing number as the empty string, the time
as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (always six digits), the payload as the canonical JSON text stored in the row
(sorted keys, no spaces). No field may contain the separator (JSON escapes it; `audit_record` refuses it elsewhere),
and the verifier counts the separators in every message, so the fields can always be told apart: nobody can move
text from one field to its neighbour and keep the hash.

    entry_hash  = SHA-256( "cme.audit.entry.v1" US sequence US occurred_at US actor_id US actor_username US event
                           US target_type US target_id US related_type US related_id US subject_child_id US payload
                           US detail_hash US previous_hash )
    detail_hash = SHA-256( "cme.audit.detail.v1" US salt US purpose US purpose_text US data )

Each entry commits to the previous entry's hash and to its detail's hash, so altering, removing or reordering any
entry breaks the chain from that point on, while the detail row itself can be deleted (retention) leaving only its
hash behind. The detail carries 128 random bits of salt, erased with it, so that the hash left in the chain cannot
be used to guess an erased detail back (a purpose code or a list of field names would otherwise be easy to guess).

Why SHA-256 is enough: it is collision- and second-preimage-resistant, so nobody can change an entry and keep its
hash. What it cannot do on its own is stop someone with write access to the database from rewriting an entry *and
every hash after it*. Two things guard against that: the PostgreSQL trigger (UPDATE and DELETE refused), and
recording the head hash that `cme audit verify` prints somewhere outside the database (a later verify must reach
it). Setting `CME_AUDIT_HMAC_KEY` turns every hash into HMAC-SHA-256 under a key held outside the database, so that
a database administrator alone cannot forge a consistent chain at all; the key must be set before the first entry
and not changed afterwards (entries hashed under another key, or none, no longer verify).
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings

ENTRY_TAG = "cme.audit.entry.v1"
DETAIL_TAG = "cme.audit.detail.v1"
SEPARATOR = "\x1f"  # ASCII unit separator
ENTRY_SEPARATORS = 13  # how many an entry's message holds: one fewer than its parts
DETAIL_SEPARATORS = 4
GENESIS_HASH = "0" * 64  # the `previous_hash` of entry 1
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def time_text(moment: datetime) -> str:
    """The time as it is hashed: UTC, to the microsecond, always six digits."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def _number(value: int | None) -> str:
    return "" if value is None else str(int(value))


def entry_message(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    event: str,
    target_type: str,
    target_id: str,
    related_type: str,
    related_id: str,
    subject_child_id: int | None,
    payload: str,
    detail_hash: str,
    previous_hash: str,
) -> str:
    """The text an entry's hash is taken over (see the module docstring)."""
    return SEPARATOR.join(
        (
            ENTRY_TAG,
            str(sequence),
            time_text(occurred_at),
            _number(actor_id),
            actor_username,
            event,
            target_type,
            target_id,
            related_type,
            related_id,
            _number(subject_child_id),
            payload,
            detail_hash,
            previous_hash,
        )
    )


def detail_message(*, salt: str, purpose: str, purpose_text: str, data: str) -> str:
    """The text a detail's hash is taken over (see the module docstring)."""
    return SEPARATOR.join((DETAIL_TAG, salt, purpose, purpose_text, data))


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, UTF-8 characters kept as they are: one text for one value, so it can be hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def hasher() -> Callable[[bytes], str]:
    """The hash function in force: SHA-256, or HMAC-SHA-256 when `CME_AUDIT_HMAC_KEY` is set. Returns hex digests."""
    key = getattr(settings, "CME_AUDIT_HMAC_KEY", None)
    if not key:
        sha256 = hashlib.sha256
        return lambda message: sha256(message).hexdigest()
    key_bytes = key.encode() if isinstance(key, str) else bytes(key)
    digest = hmac.digest
    return lambda message: digest(key_bytes, message, "sha256").hex()


# The same messages built by the database, so that the verifier handles one string per entry (see verify.py).
# PostgreSQL joins the parts with `||`; SQLite, whose `||` copies the growing string at every step, builds the whole
# text in one printf() call, twice as fast there. Both write NULL as the empty string and keep every separator.


def _joined_sql(vendor: str, expressions: list[str]) -> str:
    if vendor == "postgresql":
        return " || chr(31) || ".join(expressions)
    # '%%s': the verifier's query has parameters, so Django's cursor turns '%%' into '%' before SQLite sees it.
    template = " || char(31) || ".join(["'%%s'"] * len(expressions))
    return f"printf({template}, {', '.join(expressions)})"


def _time_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if vendor == "sqlite":
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, leaving the fraction out when it is zero.
        return f"CASE WHEN length({column}) = 19 THEN {column} || '.000000' ELSE {column} END"
    raise NotImplementedError(f"The audit chain cannot be verified on {vendor}: only PostgreSQL and SQLite.")


def entry_message_sql(vendor: str, *, entry: str = "e") -> str:
    """SQL computing `entry_message` from a row of the entry table aliased `entry`, character for character.

    For a query run with parameters (see `_joined_sql`).
    """
    return _joined_sql(
        vendor,
        [
            f"'{ENTRY_TAG}'",
            f"CAST({entry}.sequence AS TEXT)",
            _time_sql(vendor, f"{entry}.occurred_at"),
            f"COALESCE(CAST({entry}.actor_id AS TEXT), '')",
            f"{entry}.actor_username",
            f"{entry}.event",
            f"{entry}.target_type",
            f"{entry}.target_id",
            f"{entry}.related_type",
            f"{entry}.related_id",
            f"COALESCE(CAST({entry}.subject_child_id AS TEXT), '')",
            f"{entry}.payload",
            f"{entry}.detail_hash",
            f"{entry}.previous_hash",
        ],
    )


def detail_message_sql(vendor: str, *, detail: str = "d") -> str:
    """SQL computing `detail_message` from a row of the detail table aliased `detail`; NULL when there is none."""
    parts = [f"'{DETAIL_TAG}'", f"{detail}.salt", f"{detail}.purpose", f"{detail}.purpose_text", f"{detail}.data"]
    return f"CASE WHEN {detail}.entry_id IS NULL THEN NULL ELSE {_joined_sql(vendor, parts)} END"
