"""Retention benchmark: the sweep proposing its batch over a million records, and disposing of 10,000 children.

    .venv/bin/python bench/retention.py sweep --records 1000000 --runs 3
    .venv/bin/python bench/retention.py dispose --children 10000 --runs 3

Both run on PostgreSQL (127.0.0.1:5432, user postgres) in a database of their own, `cme_bench_retention`, dropped
and made again for each run. Data is made in SQL from one template row per table built through the ORM (so every
column, encrypted ones included, holds what cme would write), then cloned with `INSERT … SELECT generate_series`.

- sweep: `--records` rows that retention rules look at: children (15 % past their 25th birthday, some with an open
  case), closed and open cases, referrals that led to no case (half older than two years), unconfirmed match
  candidates, audit entries with details (a fifth older than seven years) and stated purposes. Times
  `disposal_batch_propose()` (what the daily task and `cme retention run --propose` do) and, as the baseline in the
  same run, reading every one of those rows' ids once (`SELECT id FROM …`).
- dispose: `--children` children, all due, each with a closed case, a referral, three notes (one corrected), two
  enquiries, a decision, an uploaded document file, a carer with a contact and an address, another name, and five
  audit entries with details. Proposes and approves the batch, then times `disposal_batch_dispose()` (what
  `cme retention dispose` does); the baseline is loading the same data.

A benchmark, not a test: nothing here asserts. Synthetic data only; no real person's data.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "cme_bench_retention"


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")


def setup_django() -> None:
    os.environ["DEBUG"] = "1"
    os.environ.pop("CME_DEMO", None)
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["CME_VAR_DIR"] = tempfile.mkdtemp(prefix="cme-bench-retention-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def migrate() -> None:
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    call_command("migrate", verbosity=0)


def clone(model, template_pk, count: int, overrides: dict[str, str]) -> None:
    """Insert `count` copies of one row, column by column, with SQL expressions of `g` (1…count) where given."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not (f.primary_key and f.column not in overrides)]
    exprs = [overrides.get(column, f't."{column}"').replace("%", "%%") for column in columns]
    pk = model._meta.pk.column
    sql = (
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '  # noqa: S608
        f'SELECT {", ".join(exprs)} FROM "{table}" t, generate_series(1, %s) g WHERE t."{pk}" = %s'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, template_pk])


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def templates():
    """One of each row through the ORM and services, so encrypted and defaulted columns are as cme writes them."""
    from cme.accounts.models import User
    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record
    from cme.cases.models import Case, Referral
    from cme.matching.models import MatchCandidate, MatchRun
    from cme.people.models import Child

    officer = User.objects.create_user(username="bench-officer", password="x", role="cme_officer")  # noqa: S106
    dpo = User.objects.create_user(username="bench-dpo", password="x", role="dpo")  # noqa: S106
    child = Child.objects.create(given_name="Template", family_name="Child", date_of_birth=datetime.date(2010, 1, 1))
    case = Case.objects.create(child=child, status="closed", officer=officer, primary_reason="whereabouts_unknown",
                               became_cme_on=datetime.date(2012, 1, 1), opened_by=officer,
                               opened_on=datetime.date(2012, 1, 2), closed_on=datetime.date(2013, 1, 1),
                               outcome="on_roll_this_la")  # fmt: skip
    referral = Referral.objects.create(child=child, source="school", received_on=datetime.date(2020, 1, 1),
                                       concerns="Not seen since half-term", recorded_by=officer,
                                       status="no_further_action", triaged_by=officer,
                                       triaged_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC),
                                       triage_rationale="Known to be on roll")  # fmt: skip
    run = MatchRun.objects.create(on_date=datetime.date(2025, 1, 1))
    candidate = MatchCandidate.objects.create(identity_key="template", kind="not_on_roll", given_name="Template",
                                              family_name="Candidate", reason="On no roll", first_run=run,
                                              last_run=run)  # fmt: skip
    entry = audit_record(actor=officer, event=AuditEvent.CHILD_VIEWED, target=child, fields=["given_name"],
                         purpose="locate")  # fmt: skip
    return {"officer": officer, "dpo": dpo, "child": child, "case": case, "referral": referral,
            "candidate": candidate, "entry": entry}  # fmt: skip


# --- The sweep ---------------------------------------------------------------------------------------------------


def fill_sweep(records: int) -> dict[str, int]:
    """`records` rows under batch rules, in these shares."""

    from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry
    from cme.cases.models import Case, Referral
    from cme.matching.models import MatchCandidate, MatchRun
    from cme.people.models import Child

    t = templates()
    shares = {"children": 0.15, "referrals": 0.15, "candidates": 0.10, "audit": 0.60}
    n = {key: int(records * share) for key, share in shares.items()}
    # Children born over 30 years: about 15 % are past 25 on 1 December 2026. Every tenth has a case (half open).
    clone(Child, t["child"].pk, n["children"], {
        "given_name": "'Bench' || g", "date_of_birth": "DATE '1996-12-01' + (g % 10950)",
    })  # fmt: skip
    first_child = t["child"].pk + 1
    clone(Case, t["case"].pk, n["children"] // 10, {
        "child_id": f"{first_child} + g * 10 - 10",
        "status": "CASE WHEN g % 2 = 0 THEN 'open' ELSE 'closed' END",
        "closed_on": "CASE WHEN g % 2 = 0 THEN NULL ELSE t.closed_on END",
        "outcome": "CASE WHEN g % 2 = 0 THEN '' ELSE t.outcome END",
    })  # fmt: skip
    # Referrals that led to no case, decided over four years: half more than two years ago.
    clone(Referral, t["referral"].pk, n["referrals"], {
        "child_id": f"{first_child} + (g % {n['children']})",
        "triaged_at": "TIMESTAMPTZ '2022-12-01' + (g % 1460) * INTERVAL '1 day'",
    })  # fmt: skip
    # Unconfirmed candidates, proposed by runs over two years.
    run_id = t["candidate"].last_run_id
    clone(MatchRun, run_id, 24, {"on_date": "DATE '2025-01-01' + g * 30"})
    first_run = run_id + 1
    clone(MatchCandidate, t["candidate"].pk, n["candidates"], {
        "identity_key": "'bench' || g", "last_run_id": f"{first_run} + (g % 24)",
        "review_state": "CASE WHEN g % 3 = 0 THEN 'dismissed' ELSE 'to_review' END",
    })  # fmt: skip
    # Audit entries with details over ten years: a fifth more than seven years old.
    start = t["entry"].sequence
    clone(AuditEntry, start, n["audit"], {
        "sequence": f"{start} + g", "subject_child_id": f"{first_child} + (g % {n['children']})",
        "target_id": f"({first_child} + (g % {n['children']}))::text",
        "occurred_at": "TIMESTAMPTZ '2016-12-01' + (g % 3650) * INTERVAL '1 day'",
    })  # fmt: skip
    clone(AuditDetail, start, n["audit"], {"entry_id": f"{start} + g"})
    AuditChainHead.objects.filter(pk=1).update(last_sequence=start + n["audit"])
    analyze()
    return n


def run_sweep(records: int, runs: int) -> None:
    from django.db import connection

    from cme.privacy.models import DisposalBatch
    from cme.privacy.retention import disposal_batch_propose

    results, baselines = [], []
    for number in range(1, runs + 1):
        connection.close()
        fresh_database()
        migrate()
        began = time.perf_counter()
        with time_machine():
            counts = fill_sweep(records)
        fill = time.perf_counter() - began
        tables = ["people_child", "cases_referral", "matching_matchcandidate", "audit_auditdetail"]
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for table in tables:
                key = "entry_id" if table == "audit_auditdetail" else "id"
                cursor.execute(f"SELECT {key} FROM {table}")  # noqa: S608
                cursor.fetchall()
        baseline = time.perf_counter() - began
        with time_machine():
            began = time.perf_counter()
            batch = disposal_batch_propose(actor=None)
            elapsed = time.perf_counter() - began
        total = sum(counts.values())
        print(f"run {number}: {total:,} records ({counts}); filled in {fill:.1f} s; proposed batch {batch.pk} of "
              f"{sum(batch.counts.values()):,} records ({batch.counts}, held {batch.held}) in {elapsed:.1f} s; "
              f"baseline (read every id) {baseline:.1f} s; ratio {elapsed / baseline:.1f}", flush=True)  # fmt: skip
        results.append(elapsed)
        baselines.append(baseline)
        assert DisposalBatch.objects.count() == 1
    _summary("sweep", results, "baseline (read every id)", baselines)


# --- Disposal ----------------------------------------------------------------------------------------------------


def fill_dispose(children: int, documents: Path) -> None:
    """`children` children born in 1999 (all past 25), each with a full case file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry
    from cme.cases.models import Case, Decision, Document, Enquiry, Note, Referral
    from cme.cases.services import document_upload
    from cme.people.models import (
        Address,
        Carer,
        CarerRelationship,
        Child,
        ContactPoint,
        PersonName,
        Residence,
    )

    t = templates()
    officer, child, case = t["officer"], t["child"], t["case"]
    Child.objects.filter(pk=child.pk).update(date_of_birth=datetime.date(1999, 5, 1))
    carer = Carer.objects.create(given_name="Template", family_name="Carer")
    ContactPoint.objects.create(carer=carer, kind="phone", label="mobile", value="+447700900123")
    CarerRelationship.objects.create(carer=carer, child=child, kind="mother")
    address = Address.objects.create(line1="1 Fennick Road", town="Wyndley", postcode="ZY1 2AB")
    Residence.objects.create(address=address, child=child)
    Residence.objects.create(address=address, carer=carer)
    PersonName.objects.create(child=child, kind="former", family_name="Formerly")
    enquiry = Enquiry.objects.create(case=case, agency="housing", requested_on=datetime.date(2012, 1, 3),
                                     recorded_by=officer)  # fmt: skip
    note = Note.objects.create(case=case, author=officer, text="Home visit: no answer.")
    correction = Note.objects.create(case=case, author=officer, text="Home visit: moved.", corrects=note)
    decision = Decision.objects.create(case=case, kind="close_case", rationale="Located", decided_by=officer)
    document = document_upload(case=case, actor=officer, kind="letter", title="Letter",
                               uploaded_file=SimpleUploadedFile("l.pdf", b"%PDF-1.4\n%%EOF\n"))  # fmt: skip
    n = children - 1
    c0 = child.pk  # clones get ids c0 + g
    clone(Child, child.pk, n, {"id": f"{c0} + g", "given_name": "'Bench' || g"})
    clone(Carer, carer.pk, n, {"id": f"{carer.pk} + g"})
    clone(Address, address.pk, n, {"id": f"{address.pk} + g"})
    clone(ContactPoint, ContactPoint.objects.get().pk, n, {"carer_id": f"{carer.pk} + g"})
    clone(CarerRelationship, CarerRelationship.objects.get().pk, n, {"carer_id": f"{carer.pk} + g",
                                                                      "child_id": f"{c0} + g"})  # fmt: skip
    for residence in Residence.objects.all():
        who = {"child_id": f"{c0} + g"} if residence.child_id else {"carer_id": f"{carer.pk} + g"}
        clone(Residence, residence.pk, n, {"address_id": f"{address.pk} + g", **who})
    clone(PersonName, PersonName.objects.get().pk, n, {"child_id": f"{c0} + g"})
    clone(Case, case.pk, n, {"id": f"{case.pk} + g", "child_id": f"{c0} + g"})
    clone(Referral, t["referral"].pk, n, {"child_id": f"{c0} + g", "case_id": f"{case.pk} + g"})
    clone(Enquiry, enquiry.pk, n, {"case_id": f"{case.pk} + g"})
    clone(Enquiry, enquiry.pk, children, {"case_id": f"{case.pk} + g - 1"})
    clone(Note, note.pk, n, {"id": f"{correction.pk} + 2 * g - 1", "case_id": f"{case.pk} + g"})
    clone(Note, correction.pk, n, {"id": f"{correction.pk} + 2 * g", "case_id": f"{case.pk} + g",
                                   "corrects_id": f"{correction.pk} + 2 * g - 1"})  # fmt: skip
    clone(Note, note.pk, children, {"id": f"{correction.pk} + 2 * {n} + g", "case_id": f"{case.pk} + g - 1"})
    clone(Decision, decision.pk, n, {"case_id": f"{case.pk} + g"})
    clone(Document, document.pk, n, {"case_id": f"{case.pk} + g", "file": f"'{case.pk}/bench' || g"})
    store = Path(Document._meta.get_field("file").storage.location)
    for g in range(1, children):
        path = store / str(case.pk) / f"bench{g}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    start = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    template_entry = t["entry"].sequence
    clone(AuditEntry, template_entry, children * 5, {
        "sequence": f"{start} + g", "subject_child_id": f"{c0} + ((g - 1) % {children})",
        "target_id": f"({c0} + ((g - 1) % {children}))::text",
    })  # fmt: skip
    clone(AuditDetail, template_entry, children * 5, {"entry_id": f"{start} + g"})
    AuditChainHead.objects.filter(pk=1).update(last_sequence=start + children * 5)
    for table in ("people_child", "people_carer", "people_address", "cases_case", "cases_note"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    analyze()
    del documents


def run_dispose(children: int, runs: int, chunk: int) -> None:
    from django.db import connection

    from cme.people.models import Child
    from cme.privacy.disposal import disposal_batch_dispose
    from cme.privacy.models import DisposalBatch
    from cme.privacy.retention import disposal_batch_approve, disposal_batch_propose

    results, fills = [], []
    for number in range(1, runs + 1):
        connection.close()
        fresh_database()
        migrate()
        documents = Path(tempfile.mkdtemp(prefix="cme-bench-documents-"))
        began = time.perf_counter()
        with time_machine():
            fill_dispose(children, documents)
        fill = time.perf_counter() - began
        with time_machine():
            from cme.accounts.models import User

            batch = disposal_batch_propose(actor=None)
            batch = disposal_batch_approve(actor=User.objects.get(username="bench-dpo"), batch=batch)
            began = time.perf_counter()
            batch = disposal_batch_dispose(batch=batch, chunk_size=chunk)
            elapsed = time.perf_counter() - began
        batch = DisposalBatch.objects.get(pk=batch.pk)
        left = Child.objects.count()
        rows = sum(v for k, v in batch.disposed_counts.items() if k != "audit.auditdetail")
        print(f"run {number}: {children:,} children; loaded in {fill:.1f} s; disposed of {batch.counts} in "
              f"{elapsed:.1f} s ({rows:,} rows deleted, {batch.details_erased:,} audit details erased, "
              f"{left} children left); ratio to loading {elapsed / fill:.1f}", flush=True)  # fmt: skip
        results.append(elapsed)
        fills.append(fill)
    _summary("dispose", results, "loading", fills)


def _summary(what: str, results: list[float], baseline_name: str, baselines: list[float]) -> None:
    median, base = statistics.median(results), statistics.median(baselines)
    each = ", ".join(f"{r:.1f}" for r in results)
    print(
        f"{what}: median {median:.1f} s over {len(results)} runs (each: {each}); {baseline_name} median {base:.1f} s; "
        f"ratio {median / base:.1f}"
    )


def time_machine():
    """The benchmark's day: 1 December 2026, whenever it runs."""
    import time_machine as tm

    return tm.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", required=True)
    sweep = actions.add_parser("sweep")
    sweep.add_argument("--records", type=int, default=1_000_000)
    sweep.add_argument("--runs", type=int, default=3)
    dispose = actions.add_parser("dispose")
    dispose.add_argument("--children", type=int, default=10_000)
    dispose.add_argument("--runs", type=int, default=3)
    dispose.add_argument("--chunk-size", type=int, default=200)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    if args.action == "sweep":
        run_sweep(args.records, args.runs)
    else:
        run_dispose(args.children, args.runs, args.chunk_size)


if __name__ == "__main__":
    main()
