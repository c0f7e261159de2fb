"""Benchmark the reports (issue 15): every dashboard under 500 ms with 50,000 children and 10,000 cases on
PostgreSQL, and a pseudonymised extract of the whole database in under 30 s.

Builds the database as bench/casework_pages.py does (the seeded demo borough, topped up to the case total), then,
in-process with production settings (DEBUG off), requests each report page several times through Django's test
client as a signed-in manager or analyst, beside /health/ as the baseline, and times each request end to end
(routing, queries, decryption, disclosure control, template). Then it writes the extract several times. Medians,
95th percentiles and maxima; the baseline ratio is measured in the same run. Results and method: docs/benchmarks.md.

    .venv/bin/python bench/reports_pages.py --children 50000 --cases 10000 --requests 15 --extracts 3
    .venv/bin/python bench/reports_pages.py --quick     # small data: checks the script works
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from casework_pages import (  # noqa: E402
    REPO,
    collect_static,
    database_create,
    database_drop,
    demo_env,
    django_command,
    log,
    machine,
    production_env,
    run,
    source_commit,
)

TARGET_MS = 500.0
TARGET_EXTRACT_S = 30.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--schools", type=int, default=120)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=20_000, help="notes do not bear on reports; a few keep it real")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--extracts", type=int, default=3, help="timed extracts")
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--database", default="cme_h6_reports_bench")
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.children, args.schools, args.cases, args.notes, args.requests, args.extracts = 2000, 20, 400, 2000, 5, 1
        args.database = "cme_h6_reports_bench_quick"
    args.source = REPO
    args.conn_max_age = None
    return args


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(times), 1),
    }


def measure(args) -> dict:
    import django

    django.setup()
    from casework_data import bench_sessions, casework_top_up, data_counts, vacuum_analyze
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.reports.equalities import population_baseline_refresh
    from cme.reports.models import PopulationBaseline
    from cme.reports.services import study_extract_create

    result: dict = {}
    if not args.reuse_database:
        log(f"topping up to {args.cases} cases")
        clock = time.perf_counter()
        result["top_up"] = str(casework_top_up(cases=args.cases, notes=args.notes, seed=args.seed))
        result["top_up_s"] = round(time.perf_counter() - clock, 1)
        vacuum_analyze()
    result["data"] = data_counts()
    log(f"data: {result['data']}")

    def user(role: str, username: str) -> User:
        found = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        return found or User.objects.create_user(username=username, password=secrets.token_urlsafe(), role=role)

    def client_for(account: User) -> Client:
        client = Client(SERVER_NAME="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = bench_sessions(user=account, count=1)[0]
        return client

    manager = client_for(user(Role.CME_MANAGER, "bench-manager"))
    analyst = client_for(user(Role.ANALYST, "bench-analyst"))
    dpo = user(Role.DPO, "bench-dpo")
    today = timezone.localdate()
    since = today - timedelta(days=365)
    period = {
        "since_0": since.day, "since_1": since.month, "since_2": since.year,
        "until_0": today.day, "until_1": today.month, "until_2": today.year,
    }  # fmt: skip
    census = {
        "census_date_0": 2,
        "census_date_1": 10,
        "census_date_2": today.year if today.month >= 10 else today.year - 1,
    }

    # The school population's baseline, cold: one bulk read that opens two sealed columns for every child on roll.
    PopulationBaseline.objects.all().delete()
    cold = timed(lambda: population_baseline_refresh(on_date=today), 3)
    result["population_baseline_cold"] = summary(cold) | {"children": PopulationBaseline.objects.get().children}
    log(f"population baseline (cold, decrypting): {result['population_baseline_cold']}")

    pages = {
        "health": (manager, "/health/", {}),
        "dashboard (manager)": (manager, "/reports/", period),
        "dashboard (analyst, controlled)": (analyst, "/reports/", period),
        "dashboard CSV": (analyst, "/reports/dashboard.csv", period),
        "dashboard XLSX": (manager, "/reports/dashboard.xlsx", period),
        "equal opportunities (manager)": (manager, "/reports/equal-opportunities/", period),
        "equal opportunities (analyst)": (analyst, "/reports/equal-opportunities/", period),
        "equal opportunities CSV": (analyst, "/reports/equal-opportunities.csv", period),
        "DfE return page": (manager, "/reports/dfe-return/", census),
        "DfE return CSV": (manager, "/reports/dfe-return.csv", census),
    }
    result["pages"] = {}
    cached = {
        "/reports/",
        "/reports/dashboard.csv",
        "/reports/dashboard.xlsx",
        "/reports/equal-opportunities/",
        "/reports/equal-opportunities.csv",
    }
    for name, (client, path, query) in pages.items():
        response = client.get(path, query)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        modes = {"": False}
        if path in cached:
            # Built figures are kept for two minutes (cme.reports.selectors.cached_figures): measure both a request
            # that builds them (the cache emptied first) and one that finds them kept.
            modes = {" — figures built": True, " — figures kept": False}
        for label, cold in modes.items():

            def request(client=client, path=path, query=query, cold=cold):
                if cold:
                    cache.clear()
                client.get(path, query)

            result["pages"][name + label] = summary(timed(request, args.requests))
            log(f"  {name + label:50} {result['pages'][name + label]}")
    health = result["pages"]["health"]["median_ms"]
    for figures in result["pages"].values():
        figures["ratio_to_health"] = round(figures["median_ms"] / health, 1) if health else None

    key = secrets.token_urlsafe(40)
    settings.CME_PSEUDONYM_KEY = key
    out = Path(tempfile.mkdtemp(prefix="cme-bench-extract-"))
    try:
        extract_times, sizes = [], {}
        for index in range(args.extracts):
            started = time.perf_counter()
            extract = study_extract_create(
                actor=dpo,
                approved_by=dpo,
                study="Benchmark",
                recipient="Benchmark",
                purpose="Timing the extract",
                directory=out / f"run-{index}",
            )
            extract_times.append(time.perf_counter() - started)
            sizes = {name: (out / f"run-{index}" / name).stat().st_size for name in extract.files}
        result["extract"] = {
            "n": len(extract_times),
            "median_s": round(statistics.median(extract_times), 2),
            "max_s": round(max(extract_times), 2),
            "children": extract.children,
            "cases": extract.cases,
            "bytes": sizes,
        }
        log(f"extract: {result['extract']}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return result


def markdown(result: dict) -> str:
    lines = [
        f"Data: {result['data']['children']:,} children, {result['data']['cases']:,} cases "
        f"({result['data']['open cases']:,} open), {result['data']['referrals']:,} referrals.",
        "",
        "| page | median ms | p95 ms | max ms | × /health/ | under 500 ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, figures in result["pages"].items():
        ok = "yes" if figures["p95_ms"] < TARGET_MS else "**no**"
        lines.append(
            f"| {name} | {figures['median_ms']} | {figures['p95_ms']} | {figures['max_ms']} | "
            f"{figures['ratio_to_health']} | {ok if name != 'health' else '(baseline)'} |"
        )
    cold = result["population_baseline_cold"]
    extract = result["extract"]
    lines += [
        "",
        f"School population baseline, cold (opens 2 sealed columns of {cold['children']:,} children): median "
        f"{cold['median_ms']} ms of {cold['n']}.",
        f"Pseudonymised extract of the whole database ({extract['children']:,} children, {extract['cases']:,} cases): "
        f"median {extract['median_s']} s, max {extract['max_s']} s of {extract['n']} (target {TARGET_EXTRACT_S:g} s).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    started = datetime.now(UTC)
    out = (args.output or REPO / "var" / "bench" / f"reports-{started:%Y%m%dT%H%M%S}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="cme-bench-var-"))
    env = production_env(args, var_dir)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    result: dict = {"started": started.isoformat(timespec="seconds"), "source_commit": source_commit(REPO)}
    try:
        if not args.reuse_database:
            log(f"creating database {args.database} and migrating")
            database_create(args)
            django_command("migrate", "--noinput", env=env, cwd=REPO)
            log(f"loading a demo borough of {args.children} children")
            clock = time.perf_counter()
            command = [sys.executable, str(BENCH_DIR / "casework_pages.py"), "--internal-load-demo"]
            command += ["--children", str(args.children), "--schools", str(args.schools), "--seed", str(args.seed)]
            command += ["--server-url", args.server_url, "--database", args.database]
            run(command, demo_env(env), REPO)
            result["load_s"] = round(time.perf_counter() - clock, 1)
        stubbed = collect_static(args, env, var_dir)
        if stubbed:
            result["collectstatic_stubbed"] = stubbed
        os.environ.update(env)
        result |= measure(args)
        result["machine"] = machine(args)
        (out / "results.json").write_text(json.dumps(result, indent=2, default=str))
        table = markdown(result)
        (out / "tables.md").write_text(table)
        print("\n" + table)
        log(f"results in {out}")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep_database and not args.reuse_database:
            database_drop(args)
            log(f"dropped database {args.database}")


if __name__ == "__main__":
    main(sys.argv[1:])
