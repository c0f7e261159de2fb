"""Checking the audit chain end to end: every entry's hash and link, no gaps, the right order, every detail held.

Built for tens of millions of entries:

- keyset pages over the primary key (`sequence > last ORDER BY sequence LIMIT n`), never OFFSET, so every page
  costs the same however deep into the chain it is;
- the database renders each stored column as the text the writer hashed (`chain.entry_parts_sql`), and the loop
  hands those texts to `chain.entry_message`, the function the writer uses, then does one hash and a few
  comparisons per entry;
- on PostgreSQL, outside a transaction, a second thread with its own connection fetches the next page while this
  one hashes the current one: the server's work (reading, joining, assembling text) overlaps Python's (hashing).

Only when something is wrong does it load rows as models, to say what.
"""

import enum
import queue
import threading
import time
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass

from django.db import connections, router

from .chain import (
    DETAIL_SEPARATORS,
    ENTRY_SEPARATORS,
    GENESIS_HASH,
    SEPARATOR,
    UNKEYED_ENTRY_SEPARATORS,
    detail_message,
    detail_parts,
    detail_parts_sql,
    entry_message,
    entry_parts,
    entry_parts_sql,
)
from .keys import AuditKeyError, audit_keyring
from .models import AuditChainHead, AuditDetail, AuditEntry

DEFAULT_BATCH_SIZE = 50_000


class Problem(enum.StrEnum):
    ALTERED = "altered"  # the entry's contents no longer match its hash
    REMOVED = "removed"  # a sequence number is missing
    REORDERED = "reordered"  # the entry that follows the last good one carries another number
    BROKEN_LINK = "broken_link"  # intact itself, but does not follow the entry before it
    DETAIL_ALTERED = "detail_altered"  # a detail no longer matches the hash its entry holds
    DETAIL_UNCOMMITTED = "detail_uncommitted"  # a detail whose entry never committed to one
    HEAD_MISMATCH = "head_mismatch"  # the chain ends before, or differently from, the head's record
    HEAD_MISSING = "head_missing"  # entries exist but the head row is gone
    UNKEYED = "unkeyed"  # an entry hashed without a key after keyed ones, or a chain whose newest entry is unkeyed
    UNKNOWN_KEY = "unknown_key"  # an entry names a key CME_AUDIT_KEYS does not hold


@dataclass(frozen=True)
class VerifyResult:
    """What `chain_verify` found. `ok` is False when `problem` is set; `sequence` is then the first bad entry."""

    entries_checked: int
    details_checked: int
    details_erased: int
    head_sequence: int
    head_hash: str
    seconds: float
    problem: Problem | None = None
    sequence: int | None = None
    message: str = ""
    unkeyed_entries: int = 0  # entries 1 to this were made before audit keys (plain SHA-256)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def rate(self) -> float:
        """Entries checked per second."""
        return self.entries_checked / self.seconds if self.seconds > 0 else 0.0


def chain_verify(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    prefetch: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Check the whole chain up to the head as it stood when the check began, and every detail still held.

    Returns at the first problem, naming the entry. An erased detail (its hash kept, its row gone) is counted, not
    an error. Entries appended while the check runs are left for the next one. `prefetch` reads ahead on a second
    connection; by default it does so on PostgreSQL unless called inside a transaction (whose rows another
    connection could not see).
    """
    started = time.perf_counter()
    alias = router.db_for_read(AuditEntry)
    connection = connections[alias]
    if prefetch is None:
        # Worth it where the database works in a process of its own; SQLite works in ours, under the same GIL.
        prefetch = connection.vendor == "postgresql" and not connection.in_atomic_block
    head = AuditChainHead.objects.using(alias).filter(pk=1).values_list("last_sequence", "last_hash").first()
    if head is None:
        first = AuditEntry.objects.using(alias).order_by("sequence").values_list("sequence", flat=True).first()
        if first is None:
            return VerifyResult(0, 0, 0, 0, GENESIS_HASH, time.perf_counter() - started)
        return VerifyResult(
            0,
            0,
            0,
            0,
            "",
            time.perf_counter() - started,
            Problem.HEAD_MISSING,
            first,
            "The chain head is missing although entries exist: it was deleted.",
        )
    head_sequence, head_hash = head

    vendor = connection.vendor
    entry_table = connection.ops.quote_name(AuditEntry._meta.db_table)
    detail_table = connection.ops.quote_name(AuditDetail._meta.db_table)
    # Table names are ours and the bounds are parameters: nothing here comes from outside.
    sql = (
        f"SELECT e.sequence, e.key_id, {', '.join(entry_parts_sql(vendor))}, e.entry_hash, "  # noqa: S608
        f"{', '.join(detail_parts_sql())} "
        # The join repeats the lower bound for the detail side: without it PostgreSQL's merge join reads the detail
        # index from its start on every page, and a check of ten million entries slows fivefold.
        f"FROM {entry_table} e LEFT JOIN {detail_table} d ON d.entry_id = e.sequence AND d.entry_id > %s "
        "WHERE e.sequence > %s AND e.sequence <= %s ORDER BY e.sequence LIMIT %s"
    )
    pages = _pages_prefetched if prefetch else _pages
    digests = audit_keyring().digests
    key_id, digest, separators = "", digests[""], UNKEYED_ENTRY_SEPARATORS
    unkeyed = 0  # entries before the first keyed one
    expected, previous = 1, GENESIS_HASH
    details_checked = details_erased = 0

    def result(problem: Problem | None = None, sequence: int | None = None, message: str = "") -> VerifyResult:
        seconds = time.perf_counter() - started
        return VerifyResult(
            expected - 1,
            details_checked,
            details_erased,
            head_sequence,
            head_hash,
            seconds,
            problem,
            sequence,
            message,
            unkeyed,
        )

    # closing(): at the first problem, stop the reader before explaining it.
    with closing(pages(alias, sql, head_sequence, batch_size)) as batches:
        for rows in batches:
            # The hot loop: keep it to comparisons and one hash per entry (and one per detail).
            # A row: sequence, key id, the 13 entry parts (detail hash 13th from the start, previous hash last),
            # entry hash, the 4 detail parts (all None when no detail is held: the salt never is).
            for row in rows:
                sequence = row[0]
                if row[1] != key_id:
                    if not row[1]:  # unkeyed after keyed
                        batches.close()
                        return result(
                            Problem.UNKEYED,
                            sequence,
                            f"Entry {sequence} is not keyed, yet an earlier entry is: it was rewritten by someone "
                            "without the audit key.",
                        )
                    key_id = row[1]
                    if key_id not in digests:
                        batches.close()
                        return result(
                            Problem.UNKNOWN_KEY,
                            sequence,
                            f"Entry {sequence} names audit key {key_id}, which CME_AUDIT_KEYS does not hold: put "
                            "that key back (after the newest), or the entry was forged.",
                        )
                    digest, separators = digests[key_id], ENTRY_SEPARATORS
                elif not key_id:
                    unkeyed = sequence
                message = entry_message(key_id, row[2:15])
                entry_hash = row[15]
                if (
                    sequence != expected
                    or row[14] != previous
                    or message.count(SEPARATOR) != separators
                    or digest(message.encode()) != entry_hash
                ):
                    batches.close()
                    return result(*_diagnose(alias, expected, previous, sequence))
                detail_hash = row[13]
                if row[16] is not None:
                    detail = detail_message(row[16:20])
                    if (
                        not detail_hash
                        or detail.count(SEPARATOR) != DETAIL_SEPARATORS
                        or digest(detail.encode()) != detail_hash
                    ):
                        batches.close()
                        problem = Problem.DETAIL_ALTERED if detail_hash else Problem.DETAIL_UNCOMMITTED
                        return result(problem, sequence, _detail_message(alias, sequence, problem))
                    details_checked += 1
                elif detail_hash:
                    details_erased += 1
                previous = entry_hash
                expected += 1
            if progress is not None:
                progress(expected - 1, head_sequence)

    checked = expected - 1
    if checked < head_sequence:
        return result(
            Problem.HEAD_MISMATCH,
            checked + 1,
            f"Entries {checked + 1} to {head_sequence} are missing: the chain ends at entry {checked} but the head "
            f"records entry {head_sequence}. The newest entries were removed.",
        )
    if previous != head_hash:
        return result(
            Problem.HEAD_MISMATCH,
            head_sequence,
            f"The chain head records hash {head_hash} for entry {head_sequence}, but that entry hashes to "
            f"{previous}: the head or the newest entry was altered.",
        )
    if checked and not key_id:
        return result(
            Problem.UNKEYED,
            checked,
            f"The newest entry, {checked}, is not keyed: every entry since audit keys were introduced has been "
            "rewritten without the key, or the chain was never keyed (run `cme migrate`).",
        )
    return result()


def _pages(alias: str, sql: str, last: int, size: int) -> Generator[list[tuple], None, None]:
    """Pages of rows in sequence order, on the caller's connection (and so inside its transaction, if any)."""
    after = 0
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute(sql, [after, after, last, size])
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]


def _pages_prefetched(alias: str, sql: str, last: int, size: int) -> Generator[list[tuple], None, None]:
    """The same pages, fetched one ahead by a second thread on its own connection (closed when done)."""
    ready: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for rows in _pages(alias, sql, last, size):
                while not stop.is_set():
                    try:
                        ready.put(rows, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(None)
        except BaseException as error:  # handed to the caller, who raises it
            ready.put(error)
        finally:
            connections[alias].close()  # this thread's own connection

    reader = threading.Thread(target=fetch, name="audit-verify-reader", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def entry_hash_recompute(entry: AuditEntry, *, sequence: int | None = None) -> str:
    """The hash `entry` should have (as if numbered `sequence`, when given); "" if a field holds the separator or
    its key is not held."""
    parts = entry_parts(entry)
    if sequence is not None:
        parts = (str(sequence), *parts[1:])
    message = entry_message(entry.key_id, parts)
    if message.count(SEPARATOR) != (ENTRY_SEPARATORS if entry.key_id else UNKEYED_ENTRY_SEPARATORS):
        return ""
    try:
        return audit_keyring().digest(entry.key_id)(message.encode())
    except AuditKeyError:
        return ""


def _diagnose(alias: str, expected: int, previous: str, found: int) -> tuple[Problem, int, str]:
    """Say what is wrong where the chain first fails: entry `expected` should follow a good entry hashed `previous`,
    and the next row in sequence order is numbered `found`. Runs once, so it may afford a slow query or two."""
    entries = AuditEntry.objects.using(alias)
    # Whatever else happened, the entry that truly follows the last good one names its hash as `previous_hash`.
    successor = entries.filter(previous_hash=previous).order_by("sequence").first()
    if (
        successor is not None
        and successor.sequence != expected
        and entry_hash_recompute(successor, sequence=expected) == successor.entry_hash
    ):
        return (
            Problem.REORDERED,
            expected,
            f"Entry {expected} is out of order: the entry written as number {expected} is now numbered "
            f"{successor.sequence}. Entries were reordered.",
        )
    if found > expected:
        missing = f"Entry {expected} is" if found == expected + 1 else f"Entries {expected} to {found - 1} are"
        return Problem.REMOVED, expected, f"{missing} missing: removed from the chain."
    entry = entries.get(sequence=found)
    if entry_hash_recompute(entry) != entry.entry_hash:
        return (
            Problem.ALTERED,
            found,
            f"Entry {found} was altered: its contents no longer match its hash ({entry.entry_hash}).",
        )
    return (
        Problem.BROKEN_LINK,
        found,
        f"Entry {found} does not follow entry {found - 1}: it names {entry.previous_hash} as the previous hash, but "
        f"entry {found - 1} hashes to {previous}. Entry {found - 1} was altered and its hash rewritten, or entries "
        "were removed and the rest renumbered.",
    )


def _detail_message(alias: str, sequence: int, problem: Problem) -> str:
    if problem is Problem.DETAIL_UNCOMMITTED:
        return f"Entry {sequence} has a detail although the entry committed to none: the detail was added later."
    detail = AuditDetail.objects.using(alias).select_related("entry").get(entry_id=sequence)
    message = detail_message(detail_parts(detail))
    if message.count(SEPARATOR) != DETAIL_SEPARATORS:
        return f"The detail of entry {sequence} was altered: a field holds the separator character."
    recomputed = audit_keyring().digest(detail.entry.key_id)(message.encode())
    return f"The detail of entry {sequence} was altered: it hashes to {recomputed}, the entry holds another hash."
