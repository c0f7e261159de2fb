"""How long the duplicate check takes before a child is created (issue 11): p95 under 150 ms with 50,000 children
on PostgreSQL?

Loads a demo borough (`generate_borough`, seeded) into its own database, then times `child_possible_duplicates`,
the check `child_create` runs, in this process: for children already held (their name as recorded, with a
one-letter slip, with the day and month of birth swapped) and for children nobody resembles, in shuffled order.
A one-row lookup by primary key is timed in the same run as the baseline. Usage:

    .venv/bin/python bench/duplicate_check.py --children 50000 --runs 3
    .venv/bin/python bench/duplicate_check.py --reuse-database --runs 3   # skip loading

Needs PostgreSQL on 127.0.0.1:5432 reachable as `postgres` without a password. Runs under demo settings (the loader
refuses to run otherwise); nothing here is served.
"""

import argparse
import base64
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="cme_bench_duplicates", help="dropped and re-created unless reused")
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--checks", type=int, default=400, help="checks per run (a quarter of each kind)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse-database", action="store_true")
    return parser.parse_args(argv)


def environment(args) -> dict[str, str]:
    key_file = REPO / "var" / "bench" / f"{args.database}.field-key"
    if not (args.reuse_database and key_file.exists()):
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme.settings",
        "DEBUG": "1",
        "CME_DEMO": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CME_FIELD_KEYS": key_file.read_text().strip(),
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "CME_LOG_LEVEL": "WARNING",
    }


def load(args, env) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
    for command in (["migrate", "--no-input"],):
        subprocess.run([sys.executable, "-m", "django", *command], env=env, cwd=REPO, check=True)  # noqa: S603
    script = (
        "import django; django.setup()\n"
        "from cme.demo.generator import generate_borough\n"
        "from cme.demo.loader import demo_data_load\n"
        f"borough = generate_borough(seed={args.seed}, children={args.children}, schools={args.schools})\n"
        "demo_data_load(borough=borough)\n"
        "from django.db import connection\n"
        "connection.cursor().execute('VACUUM ANALYZE')\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, check=True)  # noqa: S603
    print(f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def slip(text: str, rng: random.Random) -> str:
    """One letter changed, as when a name is typed in a hurry."""
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    return text[:at] + rng.choice("aeiouy") + text[at + 1 :]


def swapped(day: date) -> date:
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return day


def measure(args) -> dict:
    import django

    django.setup()
    from django.db import connection

    from cme.people.models import Child
    from cme.people.selectors import child_possible_duplicates

    rng = random.Random(args.seed)  # noqa: S311  (seeded test data, not a secret)
    children = list(Child.objects.values_list("pk", "given_name", "family_name", "date_of_birth"))
    per_kind = args.checks // 4
    checks = []
    for pk, given, family, born in rng.sample(children, per_kind * 3):
        kind = rng.choice(("as recorded", "name slip", "day and month swapped"))
        if kind == "name slip":
            given = slip(given, rng)
        elif kind == "day and month swapped":
            born = swapped(born)
        checks.append((kind, pk, given, family, born))
    for _ in range(per_kind):
        given, family = f"Zq{rng.randrange(10**6)}", f"Xv{rng.randrange(10**6)}"
        checks.append(("nobody alike", None, given, family, date(2013, 1, 1)))
    connection.ensure_connection()
    for _kind, _, given, family, born in checks[:20]:  # warm the caches
        child_possible_duplicates(given_name=given, family_name=family, date_of_birth=born)
    runs = []
    for run in range(args.runs):
        rng.shuffle(checks)
        times, baseline, found = [], [], 0
        for _kind, pk, given, family, born in checks:
            started = time.perf_counter()
            duplicates = child_possible_duplicates(given_name=given, family_name=family, date_of_birth=born)
            times.append((time.perf_counter() - started) * 1000)
            found += pk is not None and any(d.id == pk for d in duplicates)
            started = time.perf_counter()
            Child.objects.filter(pk=rng.choice(children)[0]).values_list("pk", flat=True).first()
            baseline.append((time.perf_counter() - started) * 1000)
        runs.append(
            {
                "run": run + 1,
                "p50_ms": statistics.median(times),
                "p95_ms": statistics.quantiles(times, n=100)[94],
                "p99_ms": statistics.quantiles(times, n=100)[98],
                "baseline_p95_ms": statistics.quantiles(baseline, n=100)[94],
                "found_known_child": f"{found} / {per_kind * 3}",
                "load_average": os.getloadavg(),
            }
        )
        print(json.dumps(runs[-1]), file=sys.stderr)
    return {
        "children": Child.objects.count(),
        "checks_per_run": len(checks),
        "median_p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "median_p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "median_baseline_p95_ms": statistics.median(r["baseline_p95_ms"] for r in runs),
        "runs": runs,
    }


def main(argv) -> None:
    args = parse_args(argv)
    env = environment(args)
    if not args.reuse_database:
        load(args, env)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    print(json.dumps(measure(args), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
