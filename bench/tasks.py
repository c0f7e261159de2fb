"""Benchmark tasks, exports and the case summary PDF (issue 12, points 3 and 6) on PostgreSQL.

Targets: the task list in under 100 ms at the 95th percentile with 50,000 children and 5,000 cases; a 10,000-row
export in under 5 s; a case summary PDF in under 1 s. Everything runs in this process against a fresh PostgreSQL
database (`--database`, dropped and re-created), seeded: 50,000 children bulk-inserted, the casework top-up of the
casework benchmark (bench/casework_data.py: cases with referrals, decisions, enquiries and notes), and schools'
returns (some waiting for triage, some raising a safeguarding concern, open part-time timetables).

Each measurement has a baseline taken in the same run, on the same data, so that a busy shared machine shows as a
slower baseline rather than as a slower feature:

- the task list (`task_list_for`, and GET /api/v1/tasks/ through the API view): baseline the officer's dashboard
  selector (`dashboard_for`), which the casework pages already serve;
- the exports (the case list, every status, as CSV and XLSX, through the export view with its audit): baseline
  reading the same rows (`list(queryset)`);
- the case summary PDF (the busiest case, through WeasyPrint): baseline WeasyPrint writing a one-line PDF.

    .venv/bin/python bench/tasks.py --runs 5                   # 50,000 children, 5,000 cases, then 10,000 to export
    .venv/bin/python bench/tasks.py --children 3000 --cases 400 --export-rows 1000 --runs 2    # a quick check
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO))

TARGETS = {"task_list_p95_ms": 100.0, "export_10000_s": 5.0, "summary_pdf_s": 1.0}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--officers", type=int, default=24)
    parser.add_argument("--returns", type=int, default=2_000)
    parser.add_argument("--export-rows", type=int, default=10_000, help="cases after the second top-up, all exported")
    parser.add_argument("--requests", type=int, default=200, help="task lists timed per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cme_tasks_bench")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON here too")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def database_reset(args) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{args.server_url}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))


def seed_people(args, rng):
    from cme.accounts.enums import Role
    from cme.accounts.models import Team, User
    from cme.people.models import Child

    teams = [Team.objects.create(name=f"Team {n}") for n in range(4)]
    for n in range(args.officers):
        User.objects.create(username=f"officer{n}", role=Role.CME_OFFICER, team=teams[n % 4], email=f"o{n}@x.test")
    User.objects.create(username="manager", role=Role.CME_MANAGER, team=teams[0], email="m@x.test")
    names = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Ivy", "Arthur", "Zara", "Musa"]
    surnames = ["Smith", "Jones", "Khan", "Taylor", "Brown", "Patel", "Nowak", "Evans", "Ahmed", "Walker"]
    batch = []
    for n in range(args.children):
        born = date(2010, 9, 1) + timedelta(days=rng.randint(0, 365 * 12))
        batch.append(Child(given_name=rng.choice(names), family_name=f"{rng.choice(surnames)}{n}", date_of_birth=born))
        if len(batch) == 5000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)


def seed_returns(args, rng, today: date) -> None:
    from cme.people.models import Child
    from cme.schools.enums import ReturnChannel, ReturnKind, TriageState
    from cme.schools.models import PartTimeTimetable, RollReturn, School

    schools = [
        School.objects.create(
            urn=900000 + n, name=f"Bench School {n}", la_code="999", establishment_number=str(2000 + n)
        )
        for n in range(10)
    ]
    child_ids = list(Child.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    rows = []
    for n in range(args.returns):
        school = rng.choice(schools)
        received = today - timedelta(days=rng.randint(0, 120))
        waiting = n % 10 == 0
        kind = ReturnKind.PART_TIME_TIMETABLE if n % 16 == 1 else ReturnKind.SICKNESS
        timetable = None
        if kind == ReturnKind.PART_TIME_TIMETABLE:
            timetable = PartTimeTimetable.objects.create(
                school=school,
                started_on=received,
                hours_per_week=12,
                reason="Phased return",
                parent_agreed=True,
                next_review_on=received + timedelta(days=28),
            )
        rows.append(
            RollReturn(
                school=school,
                kind=kind,
                channel=ReturnChannel.WEB,
                received_on=received,
                dedupe_key=f"{n:064d}",
                given_name="Pupil",
                family_name=f"Bench{n}",
                date_of_birth=date(2014, 1, 1),
                event_date=received,
                school_days_absent=15,
                safeguarding_concern=waiting and n % 30 == 0,
                timetable=timetable,
                child_id=rng.choice(child_ids) if timetable else None,
                triage_state=TriageState.RECEIVED if waiting else TriageState.NO_FURTHER_ACTION,
                triaged_at=None if waiting else received,
                triage_rationale="" if waiting else "Checked",
            )
        )
    from cme.accounts.models import User

    someone = User.objects.filter(role="cme_manager").first()
    for row in rows:
        if row.triage_state != TriageState.RECEIVED:
            row.triaged_by = someone
            from django.utils import timezone

            row.triaged_at = timezone.now()
    RollReturn.objects.bulk_create(rows, batch_size=2000)


def measure_tasks(args, officers, today):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from cme.api.v1.tasks import TaskListApi
    from cme.cases.selectors import dashboard_for
    from cme.tasks.registry import task_list_for

    api = TaskListApi.as_view()
    factory = APIRequestFactory()
    lists, apis, baselines, sizes = [], [], [], []
    for n in range(args.requests):
        officer = officers[n % len(officers)]
        baselines.append(timed(lambda officer=officer: dashboard_for(user=officer, today=today)) * 1000)
        started = time.perf_counter()
        tasks = task_list_for(user=officer, today=today)
        lists.append((time.perf_counter() - started) * 1000)
        sizes.append(len(tasks))
        request = factory.get("/api/v1/tasks/", HTTP_HOST="127.0.0.1")
        force_authenticate(request, user=officer)
        apis.append(timed(lambda request=request: api(request).render()) * 1000)
    return {
        "task_list_p95_ms": percentile(lists, 0.95),
        "task_list_median_ms": statistics.median(lists),
        "api_p95_ms": percentile(apis, 0.95),
        "baseline_dashboard_p95_ms": percentile(baselines, 0.95),
        "ratio_p95": percentile(lists, 0.95) / percentile(baselines, 0.95),
        "tasks_per_list_median": statistics.median(sizes),
    }


def measure_export(manager):
    from django.test import RequestFactory
    from django.urls import resolve

    from cme.cases.selectors import case_list_for_user
    from cme.web.cases.exports import CaseExportView

    view = CaseExportView.as_view()
    results = {}
    for file_format in ("csv", "xlsx"):
        path = f"/cases/export.{file_format}"
        request = RequestFactory().get(path, {"status": "all"})
        request.user = manager
        request.resolver_match = resolve(path)
        started = time.perf_counter()
        response = view(request, file_format=file_format)
        results[f"export_{file_format}_s"] = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
    rows = case_list_for_user(user=manager)
    results["baseline_read_rows_s"] = timed(lambda: list(rows))
    results["export_rows"] = rows.count()
    return results


def measure_pdf(manager):
    from django.db.models import Count
    from weasyprint import HTML

    from cme.cases.models import Case
    from cme.cases.selectors import case_detail
    from cme.web.cases.summary import summary_pdf

    busiest = (
        Case.objects.annotate(n=Count("notes")).order_by("-n", "pk").values_list("pk", flat=True).first()
    )  # the case with the most notes: the summary shows its newest ten
    case = case_detail(case_id=busiest, user=manager)
    return {
        "summary_pdf_s": timed(lambda: summary_pdf(case, manager)),
        "baseline_one_line_pdf_s": timed(lambda: HTML(string="<p>One line.</p>").write_pdf()),
        "summary_notes": len([n for n in case.notes.all() if not n.is_corrected]),
        "summary_enquiries": len(case.enquiries.all()),
    }


def main(argv=None) -> None:
    args = parse_args(argv or sys.argv[1:])
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cme.settings",
        DEBUG="1",
        DATABASE_URL=f"{args.server_url}/{args.database}",
        CME_LOG_LEVEL="WARNING",
    )
    log(f"database {args.database}: created afresh")
    database_reset(args)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.DEBUG = False  # no query log: measure what production runs
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)  # noqa: S311 - seeded test data
    today = timezone.localdate()

    from casework_data import casework_top_up, vacuum_analyze

    from cme.accounts.enums import Role
    from cme.accounts.models import User

    started = time.perf_counter()
    seed_people(args, rng)
    top = casework_top_up(cases=args.cases, notes=args.notes, seed=args.seed, today=today)
    seed_returns(args, rng, today)
    vacuum_analyze()
    log(f"seeded in {time.perf_counter() - started:.0f} s: {args.children} children, {top}")
    officers = list(User.objects.filter(role=Role.CME_OFFICER).order_by("pk"))
    manager = User.objects.get(username="manager")

    results = {"args": {k: str(v) for k, v in vars(args).items()}, "postgres": connection.pg_version, "runs": []}
    for run in range(args.runs):
        row = {**measure_tasks(args, officers, today), **measure_pdf(manager)}
        results["runs"].append(row)
        log(
            f"run {run + 1}: task list p95 {row['task_list_p95_ms']:.1f} ms"
            f" (dashboard {row['baseline_dashboard_p95_ms']:.1f} ms, ratio {row['ratio_p95']:.2f}),"
            f" API p95 {row['api_p95_ms']:.1f} ms, {row['tasks_per_list_median']:.0f} tasks;"
            f" PDF {row['summary_pdf_s']:.2f} s (one line {row['baseline_one_line_pdf_s']:.2f} s)"
        )

    started = time.perf_counter()
    casework_top_up(cases=args.export_rows, notes=args.notes, seed=args.seed + 1, today=today)
    vacuum_analyze()
    log(f"cases topped up to {args.export_rows} in {time.perf_counter() - started:.0f} s")
    for run in range(args.runs):
        row = measure_export(manager)
        results["runs"][run].update(row)
        log(
            f"run {run + 1}: export of {row['export_rows']} rows: CSV {row['export_csv_s']:.2f} s, XLSX"
            f" {row['export_xlsx_s']:.2f} s (reading the rows {row['baseline_read_rows_s']:.2f} s)"
        )

    keys = [key for key in results["runs"][0] if isinstance(results["runs"][0][key], (int, float))]
    results["medians"] = {key: statistics.median(run[key] for run in results["runs"]) for key in keys}
    print(json.dumps(results["medians"], indent=2))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2))
    if not args.keep_database:
        connection.close()
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"{args.server_url}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))


if __name__ == "__main__":
    main()
