"""How long merging two records of one child takes, and undoing it (issue 11): a child with 10 cases and 500 notes,
under 2 s each?

Migrates its own database (SQLite in var/bench/, or PostgreSQL on 127.0.0.1:5432 as `postgres` without a password),
then, for each run, builds a fresh pair of records: the survivor with one case, the record merged into it with 10
cases of 50 notes each (500 notes), an enquiry and a referral per case, other names, a former UPN, a carer, an
address, a contact point, an enrolment and a match candidate. It times `child_merge` (a manager's decision: every
link moved, facts filled, history written, audited) and `child_merge_undo`, each in its own transaction, as the page
calls them. The baseline, timed in the same run: `child_update` correcting one fact of a child (a versioned write
with its history row and its audit entry). Usage:

    .venv/bin/python bench/child_merge.py --database sqlite --runs 7
    .venv/bin/python bench/child_merge.py --database postgres --runs 7

Runs under DEBUG settings with a throwaway key; nothing here is served.
"""

import argparse
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "cme_bench_merge"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--notes", type=int, default=500)
    return parser.parse_args(argv)


def environment(args) -> dict[str, str]:
    bench = REPO / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    url = f"{SERVER}/{PG_NAME}" if args.database == "postgres" else f"sqlite:///{bench / 'child_merge.sqlite3'}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme.settings",
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CME_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": url,
        "CME_LOG_LEVEL": "WARNING",
    }


def fresh_database(args, env) -> None:
    if args.database == "postgres":
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_NAME)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_NAME)))
    else:
        (REPO / "var" / "bench" / "child_merge.sqlite3").unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input"], env=env, cwd=REPO, check=True)


def build_pair(run: int, *, cases: int, notes: int, manager):
    """The survivor and the record to merge into it, with `cases` cases and `notes` notes between them."""
    from cme.cases.models import Case, Enquiry, Note, Referral
    from cme.matching.models import MatchCandidate, MatchRun
    from cme.people.models import (
        Address,
        Carer,
        CarerRelationship,
        Child,
        ContactPoint,
        FormerUpn,
        PersonName,
        Residence,
    )
    from cme.people.names import search_keys_fill
    from cme.schools.models import Enrolment, School

    born = date(2014, 5, 2)
    survivor = search_keys_fill(Child(given_name="William", family_name=f"Merrow{run}", date_of_birth=born))
    merged = search_keys_fill(
        Child(given_name="Billy", family_name=f"Merrow{run}", date_of_birth=born, nhs_number="9434765919")
    )
    survivor.save()
    merged.save()
    opened = date(2026, 9, 1)
    common = {
        "opened_by": manager,
        "officer": manager,
        "opened_on": opened,
        "became_cme_on": opened,
        "due_on": date(2026, 10, 1),
        "primary_reason": "whereabouts_unknown",
    }
    Case.objects.create(child=survivor, **common)
    made = Case.objects.bulk_create([Case(child=merged, **common) for _ in range(cases)])
    Note.objects.bulk_create(
        [Note(case=made[n % cases], author=manager, text=f"Visited, no answer ({n})") for n in range(notes)]
    )
    Enquiry.objects.bulk_create(
        [Enquiry(case=case, agency="school", requested_on=opened, recorded_by=manager) for case in made]
    )
    Referral.objects.bulk_create(
        [
            Referral(
                child=merged, case=case, source="school", received_on=opened, concerns="Absent", recorded_by=manager
            )
            for case in made
        ]
    )
    search_keys_fill(PersonName(child=merged, kind="former", given_name="William", family_name="Cole")).save()
    FormerUpn.objects.create(child=merged, upn="B801200005001")
    carer = search_keys_fill(Carer(given_name="Ada", family_name=f"Merrow{run}"))
    carer.save()
    CarerRelationship.objects.create(carer=carer, child=merged, kind="mother")
    address = Address.objects.create(line1=f"{run} Fennick Road", postcode="ZY1 2AB")
    Residence.objects.create(address=address, child=merged)
    ContactPoint.objects.create(child=merged, kind="phone", value="+447700900123")
    school = School.objects.first() or School.objects.create(
        urn=100000, name="Bench School", la_code="999", la_name="Bench"
    )
    Enrolment.objects.create(child=merged, school=school, start_date=date(2019, 9, 1))
    match_run = MatchRun.objects.first() or MatchRun.objects.create(on_date=opened, started_by=manager)
    MatchCandidate.objects.create(
        identity_key=f"bench-{run}", kind="not_on_roll", child=merged, first_run=match_run, last_run=match_run
    )
    return survivor, merged


def measure(args) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction

    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.people.merging import child_merge, child_merge_undo
    from cme.people.services import child_update

    manager = User.objects.create(username=f"bench-manager-{secrets.token_hex(3)}", role=Role.CME_MANAGER)
    runs = []
    for run in range(args.runs):
        survivor, merged = build_pair(run, cases=args.cases, notes=args.notes, manager=manager)

        started = time.perf_counter()
        with transaction.atomic():
            child_update(
                actor=manager, child=survivor, expected_version=survivor.version, reason="Bench", first_language="Welsh"
            )
        baseline = time.perf_counter() - started
        survivor.refresh_from_db()

        started = time.perf_counter()
        merge = child_merge(
            actor=manager,
            survivor=survivor,
            merged=merged,
            rationale="The same child: one birth certificate",
            survivor_version=survivor.version,
            merged_version=merged.version,
            warnings_confirmed=True,
        )
        merge_seconds = time.perf_counter() - started
        moved = sum(len(ids) for ids in merge.moves["moved"].values())

        started = time.perf_counter()
        child_merge_undo(actor=manager, merge=merge, rationale="Two children after all")
        undo_seconds = time.perf_counter() - started
        assert merged.cases.count() == args.cases  # the undo really put them back
        runs.append(
            {
                "run": run + 1,
                "merge_s": round(merge_seconds, 4),
                "undo_s": round(undo_seconds, 4),
                "baseline_s": round(baseline, 4),
                "rows_moved": moved,
                "load_average": os.getloadavg(),
            }
        )
        print(json.dumps(runs[-1]), file=sys.stderr)
    merge_median = statistics.median(r["merge_s"] for r in runs)
    undo_median = statistics.median(r["undo_s"] for r in runs)
    baseline_median = statistics.median(r["baseline_s"] for r in runs)
    return {
        "database": connection.vendor,
        "cases": args.cases,
        "notes": args.notes,
        "median_merge_s": merge_median,
        "median_undo_s": undo_median,
        "median_baseline_s": baseline_median,
        "merge_over_baseline": round(merge_median / baseline_median, 1),
        "undo_over_baseline": round(undo_median / baseline_median, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
    }


def main(argv) -> None:
    args = parse_args(argv)
    env = environment(args)
    fresh_database(args, env)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    print(json.dumps(measure(args), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
