"""Audit trail benchmark: how fast `cme audit verify` checks the chain, and what an audit entry adds to a request.

    .venv/bin/python bench/audit_verify.py --database sqlite --entries 10000000
    .venv/bin/python bench/audit_verify.py --database postgres --entries 10000000

1. Fills a database of its own (SQLite: var/bench-audit/audit.sqlite3; PostgreSQL: the `cme_bench_audit` database
   on 127.0.0.1:5432) with `--entries` chained entries, about a third with a detail, hashed exactly as
   `audit_record` hashes them and bulk-loaded (executemany on SQLite, COPY on PostgreSQL). A chain of the right
   length left by an earlier run is reused; `--refill` makes a new one.
2. Times `chain_verify()` (what `cme audit verify` runs) `--runs` times and reports each rate and the median.
3. Times `--appends` request-sized transactions (read a user, update a row) three ways, interleaved: without an
   audit call, with `audit_record` writing an entry alone, and with an entry and a detail; reports median and p95
   of each, and what the audit call adds (difference and ratio of medians).

A benchmark, not a test: nothing here asserts. Synthetic data only; no real person's data.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "cme_bench_audit"
SQLITE_DIR = ROOT / "var" / "bench-audit"
BATCH = 100_000


def configure(database: str) -> None:
    """Point Django at the benchmark's own database and start it."""
    os.environ["DEBUG"] = "1"  # development posture: no secrets needed; DEBUG's query log is switched off below
    os.environ.pop("CME_DEMO", None)
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DATABASE]).fetchone()
            if not exists:
                admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["CME_VAR_DIR"] = str(SQLITE_DIR)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_DIR / 'audit.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # keep Django from logging every query in memory during millions of them
    call_command("migrate", verbosity=0)


# --- 1. Filling ---------------------------------------------------------------------------------------------------

EVENTS = [  # (event, share, object type, has a detail)
    ("child_viewed", 30, "people.child", True),
    ("case_viewed", 25, "cases.case", False),
    ("search", 10, "", False),
    ("note_added", 10, "cases.note", False),
    ("sign_in", 8, "", False),
    ("sign_out", 7, "", False),
    ("case_changed", 5, "cases.case", False),
    ("document_downloaded", 3, "cases.document", False),
    ("decision_recorded", 2, "cases.decision", False),
]
FIELDS = ["date_of_birth", "address", "ethnicity", "sen_provision", "school", "carers", "upn", "notes"]
PURPOSES = ["locate", "identify_cme", "safeguarding", "administer_service", "support_decisions"]
REASONS = [
    "School says the family moved away over half term.",
    "Checking the address before a home visit.",
    "Housing reports the tenancy ended last month.",
    "Referral from the GP practice; confirming identity.",
    "",
]


def synthetic_entries(count: int, seed: int = 2026):
    """Yield (entry row, detail row or None) for `count` chained entries, hashed as `audit_record` hashes them.

    Rows are tuples in the column order of `ENTRY_COLUMNS` and `DETAIL_COLUMNS`; times are UTC datetimes.
    """
    from types import SimpleNamespace

    from cme.audit.chain import GENESIS_HASH, canonical_json, detail_message, entry_message, entry_parts
    from cme.audit.keys import audit_keyring

    rng = random.Random(seed)  # noqa: S311 - synthetic data, seeded to be repeatable; salts need no secrecy here
    keyring = audit_keyring()  # DEBUG's fixed dev key: the benchmark's chain is keyed as a real one is
    key_id, digest = keyring.newest_id, keyring.newest
    weights = [share for _, share, _, _ in EVENTS]
    start = datetime(2023, 9, 1, 7, 30, tzinfo=UTC)
    previous = GENESIS_HASH
    for sequence in range(1, count + 1):
        event, _, target_type, with_detail = rng.choices(EVENTS, weights)[0]
        # About 30 seconds apart, at microsecond resolution (whole seconds included now and then).
        occurred_at = start + timedelta(microseconds=sequence * 30_000_000 + rng.choice((0, rng.randrange(1_000_000))))
        actor_id = rng.randrange(1, 300)
        child_id = rng.randrange(1, 50_000) if target_type else None
        target_id = str(child_id if target_type == "people.child" else rng.randrange(1, 200_000)) if target_type else ""
        payload = canonical_json({"results": rng.randrange(0, 40)}) if event == "search" else "{}"
        detail = None
        detail_hash = ""
        if with_detail or (event == "case_viewed" and rng.random() < 0.1):  # about a third in all
            salt = rng.randbytes(16).hex()
            purpose = rng.choice(PURPOSES)
            purpose_text = rng.choice(REASONS)
            data = canonical_json({"fields": rng.sample(FIELDS, rng.randrange(1, 4))})
            detail_hash = digest(detail_message((salt, purpose, purpose_text, data)).encode())
            detail = (sequence, salt, purpose, purpose_text, data)
        values = {
            "sequence": sequence,
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "actor_username": f"officer{actor_id:03d}",
            "event": event,
            "target_type": target_type,
            "target_id": target_id,
            "related_type": "",
            "related_id": "",
            "subject_child_id": child_id,
            "payload": payload,
            "detail_hash": detail_hash,
            "previous_hash": previous,
        }
        entry_hash = digest(entry_message(key_id, entry_parts(SimpleNamespace(**values))).encode())
        yield (*values.values(), entry_hash, key_id), detail
        previous = entry_hash


ENTRY_COLUMNS = (
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
    "entry_hash",
    "key_id",
)
DETAIL_COLUMNS = ("entry_id", "salt", "purpose", "purpose_text", "data")


def chain_length() -> int:
    from cme.audit.models import AuditChainHead

    return AuditChainHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0


def fill(count: int) -> float:
    """Empty the audit tables and load `count` chained entries; return the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    last_hash = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditdetail, audit_auditentry, audit_auditchainhead")
        else:
            for table in ("audit_auditdetail", "audit_auditentry", "audit_auditchainhead"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names

    entries, details = [], []
    for done, (entry, detail) in enumerate(synthetic_entries(count), start=1):
        entries.append(entry)
        if detail is not None:
            details.append(detail)
        if len(entries) == BATCH or done == count:
            _load(entries, details)
            last_hash = entries[-1][-2]
            entries, details = [], []
            print(f"  loaded {done:,} entries ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditchainhead (id, last_sequence, last_hash) VALUES (1, %s, %s)", [count, last_hash]
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE audit_auditentry")
            cursor.execute("VACUUM ANALYZE audit_auditdetail")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _load(entries: list[tuple], details: list[tuple]) -> None:
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection  # the driver's own connection: Django is in autocommit, each load commits itself
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY audit_auditentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                for row in entries:
                    copy.write_row(row)
            if details:
                with cursor.copy(f"COPY audit_auditdetail ({', '.join(DETAIL_COLUMNS)}) FROM STDIN") as copy:
                    for row in details:
                        copy.write_row(row)
        raw.commit()
    else:
        # Django stores datetimes on SQLite as naive UTC text; write them the same way.
        rows = [(row[0], str(row[1].replace(tzinfo=None)), *row[2:]) for row in entries]
        raw.execute("BEGIN")
        marks = ", ".join("?" * len(ENTRY_COLUMNS))
        raw.executemany(f"INSERT INTO audit_auditentry ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})", rows)  # noqa: S608
        if details:
            marks = ", ".join("?" * len(DETAIL_COLUMNS))
            raw.executemany(f"INSERT INTO audit_auditdetail ({', '.join(DETAIL_COLUMNS)}) VALUES ({marks})", details)  # noqa: S608
        raw.commit()


# --- 2. Verifying -------------------------------------------------------------------------------------------------


def time_verify(runs: int) -> list:
    from cme.audit.selectors import chain_verify

    results = []
    for run in range(1, runs + 1):
        load = os.getloadavg()[0]
        result = chain_verify()
        print(
            f"  verify run {run}: {result.entries_checked:,} entries, {result.details_checked:,} details "
            f"in {result.seconds:.2f} s = {result.rate:,.0f} entries/s ({'ok' if result.ok else result.message}); "
            f"load average before: {load:.1f}",
            file=sys.stderr,
        )
        results.append(result)
    return results


def _baseline_sql(vendor: str) -> str:
    """The query of the verifier before issue 10 (commit 8bfdf4e): the database joined each entry's fields into its
    hashed text, and Python hashed it with plain SHA-256."""
    from cme.audit.chain import entry_parts_sql

    parts = ["'cme.audit.entry.v1'", *entry_parts_sql(vendor)]  # the same column texts the old SQL built
    detail = ["'cme.audit.detail.v1'", "d.salt", "d.purpose", "d.purpose_text", "d.data"]
    if vendor == "postgresql":
        entry_text = " || chr(31) || ".join(parts)
        detail_text = " || chr(31) || ".join(detail)
    else:
        mark = "'%%s'"  # '%%': the query has parameters, so Django's cursor turns it into '%' for SQLite
        entry_text = "printf(" + " || char(31) || ".join([mark] * len(parts)) + ", " + ", ".join(parts) + ")"
        detail_text = "printf(" + " || char(31) || ".join([mark] * len(detail)) + ", " + ", ".join(detail) + ")"
    return (
        f"SELECT e.sequence, {entry_text}, e.previous_hash, e.entry_hash, e.detail_hash, "  # noqa: S608
        f"CASE WHEN d.entry_id IS NULL THEN NULL ELSE {detail_text} END "
        "FROM audit_auditentry e LEFT JOIN audit_auditdetail d ON d.entry_id = e.sequence AND d.entry_id > %s "
        "WHERE e.sequence > %s AND e.sequence <= %s ORDER BY e.sequence LIMIT %s"
    )


def time_baseline() -> float:
    """Entries per second of the pre-issue-10 verifier's work on the same chain: the same pages (with read-ahead on
    PostgreSQL, as before), the database building the text, one SHA-256 per entry and per detail, the same
    comparisons. Its hashes cannot match a keyed chain, so it compares and carries on instead of stopping."""
    import hashlib

    from django.db import connection

    from cme.audit.chain import SEPARATOR
    from cme.audit.verify import DEFAULT_BATCH_SIZE, _pages, _pages_prefetched

    sql = _baseline_sql(connection.vendor)
    pages = _pages_prefetched if connection.vendor == "postgresql" else _pages
    last = chain_length()
    sha256 = hashlib.sha256
    started = time.perf_counter()
    expected, previous, matched = 1, "0" * 64, 0
    for rows in pages(connection.alias, sql, last, DEFAULT_BATCH_SIZE):
        for sequence, message, previous_stored, entry_hash, detail_hash, detail in rows:
            if (
                sequence == expected
                and previous_stored == previous
                and message.count(SEPARATOR) == 13
                and sha256(message.encode()).hexdigest() == entry_hash
            ):
                matched += 1
            if (
                detail is not None
                and detail.count(SEPARATOR) == 4
                and sha256(detail.encode()).hexdigest() == detail_hash
            ):
                matched += 1
            previous = entry_hash
            expected += 1
    return (expected - 1) / (time.perf_counter() - started)


# --- 3. Appending -------------------------------------------------------------------------------------------------


def time_appends(count: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per request-sized transaction, three ways, interleaved so that drift hits all three alike; and the
    seconds spent inside `audit_record` itself."""
    from django.db import transaction
    from django.utils import timezone

    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record

    user, _ = User.objects.get_or_create(
        username="bench-audit-officer", defaults={"role": Role.CME_OFFICER, "first_name": "Bench", "last_name": "User"}
    )
    kinds = ["none", "entry", "entry+detail"]
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    inside: dict[str, list[float]] = {kind: [] for kind in kinds[1:]}

    def request(kind: str, n: int) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            # What a small request does anyway: read the signed-in user, change one row.
            list(User.objects.filter(pk=user.pk))
            User.objects.filter(pk=user.pk).update(last_login=timezone.now())
            if kind != "none":
                call = time.perf_counter()
                if kind == "entry":
                    audit_record(
                        actor=user,
                        event=AuditEvent.CASE_CHANGED,
                        target_type="cases.case",
                        target_id=n,
                        subject_child_id=n,
                    )
                else:
                    audit_record(
                        actor=user,
                        event=AuditEvent.CHILD_CHANGED,
                        target_type="people.child",
                        target_id=n,
                        fields=["address", "date_of_birth"],
                        purpose="locate",
                        purpose_text="Checking the address before a home visit.",
                    )
                inside[kind].append(time.perf_counter() - call)
        times[kind].append(time.perf_counter() - started)

    for n in range(300):  # warm up: connections, caches, the ORM's compiled queries
        request(kinds[n % 3], n)
    for values in (*times.values(), *inside.values()):
        values.clear()
    for n in range(count):
        for kind in kinds[n % 3 :] + kinds[: n % 3]:
            request(kind, n)
    return times, inside


def truncate_chain(count: int) -> None:
    """Remove the entries the append test added after entry `count`, so the next run can reuse the chain.

    The append-only triggers are switched off for this on PostgreSQL: the benchmark owns its database.
    """
    from django.db import connection, transaction

    from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        AuditDetail.objects.filter(entry_id__gt=count)._raw_delete(connection.alias)
        AuditEntry.objects.filter(sequence__gt=count)._raw_delete(connection.alias)
        last_hash = AuditEntry.objects.filter(sequence=count).values_list("entry_hash", flat=True).get()
        AuditChainHead.objects.filter(pk=1).update(last_sequence=count, last_hash=last_hash)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--appends", type=int, default=10_000, help="transactions of each kind; 0 skips the test")
    parser.add_argument("--refill", action="store_true", help="make a new chain even if one of this length exists")
    parser.add_argument(
        "--baseline", action="store_true", help="before each verify run, time the pre-issue-10 verifier's work"
    )
    args = parser.parse_args(argv)

    configure(args.database)
    from django.db import connection

    print(f"# {args.database}: {connection.vendor} {connection.Database.__name__}", file=sys.stderr)
    if args.refill or chain_length() != args.entries:
        print(f"Filling {args.entries:,} entries…", file=sys.stderr)
        seconds = fill(args.entries)
        print(f"  filled in {seconds:.0f} s", file=sys.stderr)
    else:
        print(f"Reusing the chain of {args.entries:,} entries.", file=sys.stderr)

    results, baselines = [], []
    for _ in range(args.runs):
        if args.baseline:
            baselines.append(time_baseline())
            print(f"  baseline (pre-issue-10 verifier): {baselines[-1]:,.0f} entries/s", file=sys.stderr)
        results += time_verify(1)
    if results:
        rates = [result.rate for result in results]
        print(f"\n## {args.database}, {args.entries:,} entries ({results[-1].details_checked:,} with a detail)")
        print(
            f"verify: {', '.join(f'{rate:,.0f}' for rate in rates)} entries/s; median {statistics.median(rates):,.0f}"
        )
        print(f"        all intact: {all(result.ok for result in results)}")
        if baselines:
            base = statistics.median(baselines)
            print(
                f"baseline (pre-issue-10 verifier, same runs): {', '.join(f'{rate:,.0f}' for rate in baselines)} "
                f"entries/s; median {base:,.0f}; ratio {statistics.median(rates) / base:.2f}×"
            )

    if args.appends:
        times, inside = time_appends(args.appends)
        truncate_chain(args.entries)
        base = statistics.median(times["none"])
        print(f"appends: {args.appends:,} request-sized transactions of each kind, interleaved (milliseconds)")
        print("| transaction | median | p95 | added (median) | ratio | in audit_record: median | p95 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for kind, label in (("none", "no audit"), ("entry", "+ entry"), ("entry+detail", "+ entry and detail")):
            median = statistics.median(times[kind])
            own = (
                f"{statistics.median(inside[kind]) * 1000:.3f} | {percentile(inside[kind], 0.95) * 1000:.3f}"
                if (kind in inside)
                else "– | –"
            )
            print(
                f"| {label} | {median * 1000:.3f} | {percentile(times[kind], 0.95) * 1000:.3f} | "
                f"{(median - base) * 1000:+.3f} | {median / base:.2f}× | {own} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
