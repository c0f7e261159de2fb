"""How an audit entry and its detail are turned into text and hashed: the one definition writer and verifier use.

An entry's message is a tag naming the format, then the entry's fields in a fixed order, joined by the ASCII unit
separator (U+001F), encoded as UTF-8. Numbers are written in decimal, a missing number as the empty string, the time
as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (always six digits), the payload as the canonical JSON text stored in the row
(sorted keys, no spaces). No field may contain the separator (JSON escapes it; `audit_record` refuses it elsewhere),
and the verifier counts the separators in every message, so the fields can always be told apart: nobody can move
text from one field to its neighbour and keep the hash.

    entry_hash  = HMAC-SHA-256( key, "cme.audit.entry.v2" US key_id US sequence US occurred_at US actor_id
                                US actor_username US event US target_type US target_id US related_type US related_id
                                US subject_child_id US payload US detail_hash US previous_hash )
    detail_hash = HMAC-SHA-256( key, "cme.audit.detail.v1" US salt US purpose US purpose_text US data )

`entry_message` and `detail_message` are the only code that builds these texts: `audit_record` calls them with the
values it is about to store, and `cme audit verify` with the values it reads back (the database only renders each
stored column as text: `entry_parts_sql`).

Each entry commits to the previous entry's hash and to its detail's hash, so altering, removing or reordering any
entry breaks the chain from that point on, while the detail row itself can be deleted (retention) leaving only its
hash behind. The detail carries 128 random bits of salt, erased with it, so that the hash left in the chain cannot
be used to guess an erased detail back.

The key (`CME_AUDIT_KEYS`, newest first, see keys.py) is held outside the database, so someone who can write to
the database but does not hold the key cannot re-hash a chain they altered. Each entry names the id of the key it
was hashed under, so keys can be rotated and older entries still verify while their key is kept in the list.

Entries written before keys existed (`key_id` empty) were hashed with plain SHA-256 under the tag
"cme.audit.entry.v1", without the key id. They may only form the start of the chain: the migration that introduced
keys appended a keyed `audit_chain_keyed` entry after them, and the verifier refuses an unkeyed entry after a keyed
one and a chain whose newest entry is unkeyed, so an unkeyed rewrite of keyed entries shows.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

UNKEYED_ENTRY_TAG = "cme.audit.entry.v1"  # entries hashed before keys: SHA-256, no key id
ENTRY_TAG = "cme.audit.entry.v2"  # keyed entries: HMAC-SHA-256, the key id hashed too
DETAIL_TAG = "cme.audit.detail.v1"
SEPARATOR = "\x1f"  # ASCII unit separator
# The entry's own fields, in the order they are hashed (after the tag, and the key id when keyed).
ENTRY_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "event",
    "target_type",
    "target_id",
    "related_type",
    "related_id",
    "subject_child_id",
    "payload",
    "detail_hash",
    "previous_hash",
)
DETAIL_FIELDS = ("salt", "purpose", "purpose_text", "data")
UNKEYED_ENTRY_SEPARATORS = len(ENTRY_FIELDS)  # how many separators a message holds: one fewer than its parts
ENTRY_SEPARATORS = len(ENTRY_FIELDS) + 1
DETAIL_SEPARATORS = len(DETAIL_FIELDS)
GENESIS_HASH = "0" * 64  # the `previous_hash` of entry 1
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_ENTRY_PREFIX = ENTRY_TAG + SEPARATOR
_UNKEYED_PREFIX = UNKEYED_ENTRY_TAG + SEPARATOR
_DETAIL_PREFIX = DETAIL_TAG + SEPARATOR
_join = SEPARATOR.join


def entry_message(key_id: str, parts: Sequence[str]) -> str:
    """The text an entry's hash is taken over: `parts` are the texts of `ENTRY_FIELDS`, in that order.

    The one function that lays an entry's hashed text out, for the writer and the verifier alike.
    """
    if key_id:
        return _ENTRY_PREFIX + key_id + SEPARATOR + _join(parts)
    return _UNKEYED_PREFIX + _join(parts)


def detail_message(parts: Sequence[str]) -> str:
    """The text a detail's hash is taken over: `parts` are the texts of `DETAIL_FIELDS`, in that order."""
    return _DETAIL_PREFIX + _join(parts)


def time_text(moment: datetime) -> str:
    """The time as it is hashed: UTC, to the microsecond, always six digits."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def _number(value: int | None) -> str:
    return "" if value is None else str(int(value))


def entry_parts(entry) -> tuple[str, ...]:
    """The texts of an entry's `ENTRY_FIELDS` (an `AuditEntry`, saved or about to be), as `entry_message` takes them."""
    return (
        str(entry.sequence),
        time_text(entry.occurred_at),
        _number(entry.actor_id),
        entry.actor_username,
        entry.event,
        entry.target_type,
        entry.target_id,
        entry.related_type,
        entry.related_id,
        _number(entry.subject_child_id),
        entry.payload,
        entry.detail_hash,
        entry.previous_hash,
    )


def detail_parts(detail) -> tuple[str, ...]:
    """The texts of an `AuditDetail`'s `DETAIL_FIELDS`."""
    return (detail.salt, detail.purpose, detail.purpose_text, detail.data)


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, UTF-8 characters kept as they are: one text for one value, so it can be hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# The verifier reads each stored column back as the text `entry_parts` makes of it, so that Python receives strings
# it can hand straight to `entry_message`. Both write NULL as the empty string.


def _time_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if vendor == "sqlite":
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, leaving the fraction out when it is zero.
        return f"CASE WHEN length({column}) = 19 THEN {column} || '.000000' ELSE {column} END"
    raise NotImplementedError(f"The audit chain cannot be verified on {vendor}: only PostgreSQL and SQLite.")


def entry_parts_sql(vendor: str, *, entry: str = "e") -> list[str]:
    """SQL reading each of `ENTRY_FIELDS` from the entry table aliased `entry`, as `entry_parts` writes it."""
    numbers = {"sequence", "actor_id", "subject_child_id"}
    expressions = []
    for name in ENTRY_FIELDS:
        column = f"{entry}.{name}"
        if name == "occurred_at":
            expressions.append(_time_sql(vendor, column))
        elif name in numbers:
            expressions.append(f"COALESCE(CAST({column} AS TEXT), '')")
        else:
            expressions.append(column)
    return expressions


def detail_parts_sql(*, detail: str = "d") -> list[str]:
    """SQL expressions reading each of `DETAIL_FIELDS` from the detail table aliased `detail`."""
    return [f"{detail}.{name}" for name in DETAIL_FIELDS]
