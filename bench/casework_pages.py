"""Benchmark the casework pages (issue 3): the case page, the dashboard and a name search on PostgreSQL under gunicorn.

The target: with 50,000 children, 5,000 cases and 200,000 notes, each page answers in under 150 ms at the 95th
percentile under a steady 20 requests per second on a 2-core machine. This script builds that database from the
seeded demo borough, serves it with production settings, signs in without a browser (a TOTP device and a session
written to the database), counts each page's queries in-process, then offers each page an open-loop load beside a
/health/ baseline, several times over. How to run it: bench/README.md. Results and method: docs/benchmarks.md.

    .venv/bin/python bench/casework_pages.py --children 50000 --cases 5000 --notes 200000 --duration 60 --runs 3
    .venv/bin/python bench/casework_pages.py --quick    # small data, short runs: checks the script works
"""

import argparse
import base64
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from openloop import (  # noqa: E402
    LOOPBACK,
    CpuMeter,
    Request,
    Sample,
    Summary,
    fetch,
    open_loop,
    percentile,
    wait_for_quiet,
)

TARGET_P95_MS = 150.0
PAGES = ("health", "case", "dashboard", "search")  # the load phases; /health/ is the baseline
PAGE_TITLES = {
    "health": "/health/ (baseline)",
    "case": "Case page /cases/<id>/",
    "dashboard": "Dashboard /",
    "search": "Name search /children/?name=…",
}
QUICK = {
    "children": 2000,
    "schools": 20,
    "cases": 300,
    "notes": 6000,
    "duration": 10.0,
    "warmup": 3.0,
    "runs": 1,
    "database": "cme_bench_quick",
}
SESSIONS_PER_USER = 8  # real users each have their own session row; one row for every request would contend
ACCESS_LOG_FORMAT = "%(U)s %(s)s %(M)s"  # path only: a search's query string carries a child's name
# Gunicorn 23 logs %(M)s as whole milliseconds.


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small data and short runs, to check the script works")
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--schools", type=int, default=120)
    parser.add_argument("--cases", type=int, default=5_000, help="total cases after the top-up")
    parser.add_argument("--notes", type=int, default=200_000, help="total notes after the top-up")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second, open loop")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per page per run")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds before each measured phase")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="before each page, wait up to this many seconds for the shared machine to be quiet (0: do not wait)",
    )
    parser.add_argument(
        "--quiet-cores", type=float, default=0.5, help="quiet means fewer than this many cores busy while idle"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="seconds the server keeps a database connection (CME_DB_CONN_MAX_AGE); default: cme's 60",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--pages", default=",".join(PAGES[1:]), help="which pages to load, besides /health/")
    parser.add_argument(
        "--server-url", default="postgres://postgres@127.0.0.1:5432/", help="PostgreSQL server (trust auth)"
    )
    parser.add_argument("--database", default="cme_bench", help="created afresh, and dropped at the end")
    parser.add_argument("--reuse-database", action="store_true", help="use the database as it is: no load")
    parser.add_argument("--no-load", action="store_true", help="in-process measurements only: no server, no load")
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also measure in-process with a new connection per request and with a persistent one",
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--output", type=Path, default=None, help="results directory (default var/bench/<time>)")
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO,
        help="the cme source tree to measure (default: this repository); e.g. an unpacked `git archive HEAD`",
    )
    parser.add_argument("--internal-load-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        explicit = {arg.split("=")[0].lstrip("-").replace("-", "_") for arg in argv if arg.startswith("--")}
        for name, value in QUICK.items():
            if name not in explicit:
                setattr(args, name, value)
    args.pages = [page for page in args.pages.split(",") if page]
    args.source = args.source.resolve()
    if not (args.source / "cme" / "settings.py").exists():
        parser.error(f"--source {args.source} holds no cme/settings.py")
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database must be a plain lower-case name")
    if urlsplit(args.server_url).hostname not in (LOOPBACK, "localhost"):
        parser.error("--server-url must point at PostgreSQL on this machine")
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Environment, database and subprocesses


def database_url(args) -> str:
    parts = urlsplit(args.server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + args.database, "", ""))


def field_key(args) -> str:
    """The field-encryption key for the benchmark database: fresh for a new database, and kept beside the results
    (var/bench/<database>.field-key) so that `--reuse-database` can open what an earlier run sealed."""
    path = REPO / "var" / "bench" / f"{args.database}.field-key"
    if args.reuse_database and path.exists():
        return path.read_text().strip()
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def production_env(args, var_dir: Path) -> dict[str, str]:
    """Production settings, as docs/operating.md asks, except plain HTTP on the loopback interface. Fresh secrets for
    each benchmark; the loading step inherits the field key, so the server can open what the loader sealed."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "CME_DEMO")}
    env.update(
        DJANGO_SETTINGS_MODULE="cme.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        CME_FIELD_KEYS=field_key(args),
        **({"CME_DB_CONN_MAX_AGE": str(args.conn_max_age)} if args.conn_max_age is not None else {}),
        ALLOWED_HOSTS=LOOPBACK,
        CME_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url(args),
        CME_VAR_DIR=str(var_dir),
        CME_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(args.source), env.get("PYTHONPATH", "")])),
    )
    return env


def demo_env(env: dict[str, str]) -> dict[str, str]:
    """Demo mode for the loading step only: demo_data_load refuses to run without it."""
    return {**env, "DEBUG": "1", "CME_DEMO": "1"}


def admin_connection(args) -> psycopg.Connection:
    parts = urlsplit(args.server_url)
    return psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True)


def database_create(args) -> None:
    with admin_connection(args) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))


def database_drop(args) -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
    with admin_connection(args) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))


def run(command: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run one of our own commands to completion; its output, or SystemExit with it if it failed."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")
    return done.stdout


def django_command(*arguments: str, env: dict[str, str], cwd: Path) -> str:
    return run([sys.executable, "-m", "django", *arguments], env, cwd)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def load_demo_here(args) -> None:
    """The loading step, run in its own process under demo settings: generate the borough and write it."""
    import django

    django.setup()
    from cme.demo.generator import generate_borough
    from cme.demo.loader import demo_data_load

    started = time.perf_counter()
    borough = generate_borough(seed=args.seed, children=args.children, schools=args.schools)
    generated = time.perf_counter()
    counts = demo_data_load(borough=borough)
    loaded = time.perf_counter()
    print(json.dumps({"generate_s": generated - started, "load_s": loaded - generated, "counts": counts}))


# ---------------------------------------------------------------------------------------------------------------
# The server


class Server:
    """gunicorn serving cme.wsgi on the loopback interface; stopped by its own process id."""

    def __init__(self, args, env: dict[str, str], log_dir: Path) -> None:
        self.port = args.port or free_port()
        self.access_log = log_dir / "access.log"
        self.error_log = log_dir / "gunicorn.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cme.wsgi",
            "--bind",
            f"{LOOPBACK}:{self.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            str(self.error_log),
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, env=env, cwd=args.source, start_new_session=True)  # noqa: S603
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up; see {self.error_log}")
            try:
                if fetch(Request("/health/"), port=self.port, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /health/ within {timeout:.0f} s; see {self.error_log}")

    def log_offset(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def server_times_ms(self, since: int) -> list[float]:
        """The server's own time for each request logged after byte `since` of the access log."""
        with open(self.access_log, "rb") as access:
            access.seek(since)
            lines = access.read().decode(errors="replace").splitlines()
        return [float(line.rsplit(" ", 1)[1]) for line in lines if line.count(" ") >= 2]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------------------------------------------------------
# What to request


class Workload:
    """The sessions, case ids and searches the requests are made of, read from the benchmark database."""

    def __init__(self, args) -> None:
        from casework_data import bench_sessions, busiest_case_id, name_searches, visible_case_ids
        from django.conf import settings

        from cme.accounts.models import User

        self.cookie_name = settings.SESSION_COOKIE_NAME
        self.users = {name: User.objects.get(username=name) for name in ("officer", "manager")}
        self.sessions = {name: bench_sessions(user=user, count=SESSIONS_PER_USER) for name, user in self.users.items()}
        self.case_ids = {name: visible_case_ids(user=user) for name, user in self.users.items()}
        self.searches = name_searches(count=600, seed=args.seed)
        self.busiest_case = busiest_case_id()
        self.names = {name: user.display_name for name, user in self.users.items()}

    def cookie(self, user: str, index: int) -> str:
        keys = self.sessions[user]
        return f"{self.cookie_name}={keys[index % len(keys)]}"

    def requests(self, page: str, count: int, seed: int) -> list[Request]:
        """`count` requests for `page`, alternating the officer and the manager, each with cases they may see."""
        rng = random.Random(seed)  # noqa: S311 - which case to open next, not security
        requests = []
        for index in range(count):
            user = ("officer", "manager")[index % 2]
            cookie = self.cookie(user, index // 2)
            if page == "health":
                requests.append(Request("/health/", expect=b"ok", label="health"))
            elif page == "case":
                case_id = rng.choice(self.case_ids[user])
                requests.append(Request(f"/cases/{case_id}/", cookie, f"CME-{case_id:06d}".encode(), user))
            elif page == "dashboard":
                requests.append(Request("/", cookie, b"My open cases", user))
            elif page == "search":
                search = self.searches[(seed + index) % len(self.searches)]
                requests.append(Request(f"/children/?{search.query}", cookie, b"possible match", search.kind))
        return requests


def preflight(server: Server, workload: Workload) -> dict[str, str]:
    """The first response of each kind, for each user, must be a 200 with the page's content, not a redirect."""
    checked = {}
    for page in PAGES:
        for request in workload.requests(page, 2, seed=1):
            status, body = fetch(request, port=server.port)
            if status != 200 or request.expect not in body:
                raise SystemExit(f"preflight: {request.path} as {request.label} answered {status}, not the page")
            if page == "dashboard" and workload.names[request.label].encode() not in body:
                raise SystemExit(f"preflight: the dashboard is not {workload.names[request.label]}'s")
            checked[f"{page} ({request.label})"] = f"{status}, {len(body)} bytes"
    return checked


# ---------------------------------------------------------------------------------------------------------------
# In-process: query counts, time in SQL, the slowest queries and a profile


def in_process_paths(workload: Workload, seed: int) -> dict[str, list[tuple[str, str | None]]]:
    """(path, user) pairs for every main page; the case page includes the case with the most notes."""
    from cme.cases.models import Case

    rng = random.Random(seed)  # noqa: S311 - sampling pages, not security
    cases = rng.sample(workload.case_ids["manager"], min(40, len(workload.case_ids["manager"])))
    if workload.busiest_case and workload.busiest_case not in cases:
        cases.append(workload.busiest_case)
    children = list(Case.objects.filter(pk__in=cases[:10]).order_by("pk").values_list("child_id", flat=True))
    return {
        "health": [("/health/", None)],
        "dashboard": [("/", "officer"), ("/", "manager")] * 5,
        "case": [(f"/cases/{case_id}/", "manager") for case_id in cases],
        "search": [(f"/children/?{search.query}", "officer") for search in workload.searches[:60]],
        "case list": [("/cases/", "officer"), ("/cases/?status=all", "manager"), ("/cases/?mine=1", "officer")],
        "referral list": [("/referrals/", "officer"), ("/referrals/?status=accepted", "manager")],
        "child page": [(f"/children/{child_id}/", "manager") for child_id in children],
    }


def _backend_cpu_ms(pid: int) -> float:
    """CPU milliseconds a PostgreSQL backend on this machine has used since it started, from the scheduler's own
    nanosecond count (/proc/<pid>/schedstat): clock ticks are too coarse for a backend that lives one request."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[0]) / 1_000_000
    except (OSError, ValueError, IndexError):
        return math.nan


def in_process(workload: Workload, paths: dict[str, list[tuple[str, str | None]]], out: Path) -> dict:
    """Each page through Django's test client against the benchmark database: queries, time in SQL, wall time, and
    the CPU it costs in Django and in PostgreSQL. Every request opens its own database connection (as with
    CME_DB_CONN_MAX_AGE=0), so its PostgreSQL CPU includes the new backend's start and cold catalogue caches; the
    `--what-if` measurements show the same pages on a persistent connection, as the server runs by default."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=LOOPBACK)
    results: dict[str, dict] = {}
    slowest: dict[str, list[tuple[float, str]]] = {}
    for page, items in paths.items():
        counts, walls, sql_times, django_cpu, database_cpu = [], [], [], [], []
        for path, user in items:
            if user:
                client.cookies[workload.cookie_name] = workload.sessions[user][0]
            else:
                client.cookies.pop(workload.cookie_name, None)
            client.get(path)  # warm: the first request of each kind fills caches (templates, content types)
            connection.close()
            started, cpu_started = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured:  # opens the connection
                response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            django_cpu.append((time.process_time() - cpu_started) * 1000)
            database_cpu.append(_backend_cpu_ms(connection.connection.info.backend_pid))
            if response.status_code != 200:
                raise SystemExit(f"in-process: {path} answered {response.status_code}")
            queries = captured.captured_queries
            counts.append(len(queries))
            sql_times.append(sum(float(query["time"]) for query in queries) * 1000)
            slowest.setdefault(page, []).extend((float(query["time"]) * 1000, query["sql"]) for query in queries)
        results[page] = {
            "requests": len(items),
            "queries_min": min(counts),
            "queries_median": statistics.median(counts),
            "queries_max": max(counts),
            "wall_ms_median": statistics.median(walls),
            "wall_ms_max": max(walls),
            "sql_ms_median": statistics.median(sql_times),
            "sql_ms_max": max(sql_times),
            "django_cpu_ms_mean": statistics.fmean(django_cpu),
            "django_cpu_ms_max": max(django_cpu),
            "postgres_cpu_ms_mean": statistics.fmean(database_cpu),
        }
    connection.close()
    slowest_five = {page: sorted(queries, reverse=True)[:5] for page, queries in slowest.items()}
    _explain(slowest_five, out / "explain.txt")
    results["_slowest_queries"] = {
        page: [{"ms": round(ms, 2), "sql": text[:1500]} for ms, text in queries]
        for page, queries in slowest_five.items()
    }
    results["_search_found_rate"] = _search_found(client, workload)
    results["_connection"] = _connection_cost()
    return results


def _explain(slowest: dict[str, list[tuple[float, str]]], path: Path) -> None:
    """EXPLAIN ANALYZE the slowest two queries of each page, into a file for the write-up."""
    from django.db import connection

    with open(path, "w") as report, connection.cursor() as cursor:
        for page, queries in slowest.items():
            for ms, text in queries[:2]:
                if not text.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + text)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                report.write(f"## {page}: {ms:.2f} ms when captured\n{text}\n\n{plan}\n\n")


def _search_found(client, workload: Workload) -> dict[str, str]:
    """How often the child a search was made from is among its results, by kind of search (a sanity check)."""
    client.cookies[workload.cookie_name] = workload.sessions["officer"][0]
    found: dict[str, list[bool]] = {}
    for search in workload.searches[:150]:
        body = client.get(f"/children/?{search.query}").content
        found.setdefault(search.kind, []).append(f"/children/{search.child_id}/".encode() in body)
    return {kind: f"{sum(hits)}/{len(hits)}" for kind, hits in sorted(found.items())}


def _connection_cost() -> dict[str, float]:
    """What opening a database connection costs (every request pays it with CME_DB_CONN_MAX_AGE=0): wall ms to
    connect, and the new backend's CPU milliseconds once it has answered Django's set-up and a `SELECT 1`."""
    from django.db import connection

    walls, cpu = [], []
    for _ in range(20):
        connection.close()
        started = time.perf_counter()
        connection.ensure_connection()
        walls.append((time.perf_counter() - started) * 1000)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cpu.append(_backend_cpu_ms(connection.connection.info.backend_pid))
    connection.close()
    return {"connect_ms_median": statistics.median(walls), "backend_cpu_ms_mean": statistics.fmean(cpu)}


def what_if(workload: Workload, paths: dict[str, list[tuple[str, str | None]]]) -> list[dict]:
    """CPU per request (Django and PostgreSQL) of the loaded pages with a new connection per request, and with a
    persistent connection (as the server has by default: CME_DB_CONN_MAX_AGE=60). Changes nothing."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=LOOPBACK)
    rows = []

    def measure(label: str, fresh: bool) -> None:
        for page in ("dashboard", "case", "search"):
            django_cpu, database_cpu = [], []
            for path, user in paths[page]:
                client.cookies[workload.cookie_name] = workload.sessions[user][0]
                client.get(path)
                if fresh:
                    connection.close()
                else:
                    connection.ensure_connection()
                before = 0.0 if fresh else _backend_cpu_ms(connection.connection.info.backend_pid)
                started = time.process_time()
                client.get(path)
                django_cpu.append((time.process_time() - started) * 1000)
                database_cpu.append(_backend_cpu_ms(connection.connection.info.backend_pid) - before)
            rows.append(
                {
                    "variant": label,
                    "page": page,
                    "django_cpu_ms_mean": statistics.fmean(django_cpu),
                    "postgres_cpu_ms_mean": statistics.fmean(database_cpu),
                }
            )

    measure("new connection per request", fresh=True)
    measure("persistent connection (as served)", fresh=False)
    connection.close()
    return rows


def profile(workload: Workload, paths: dict[str, list[tuple[str, str]]], out: Path) -> None:
    """cProfile (standard library) of each loaded page into profile-<page>.txt: by cumulative, then by own time."""
    from django.test import Client

    client = Client(HTTP_HOST=LOOPBACK)
    for page in ("case", "dashboard", "search"):
        profiler = cProfile.Profile()
        for path, user in paths[page][:20]:
            client.cookies[workload.cookie_name] = workload.sessions[user][0]
            profiler.runcall(client.get, path)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        (out / f"profile-{page}.txt").write_text(text.getvalue())


# ---------------------------------------------------------------------------------------------------------------
# The load runs


def load_runs(args, server: Server, workload: Workload, save) -> list[dict]:
    """Every run, page by page; `save(runs)` after each page, so an interrupted benchmark keeps what it measured."""
    pages = ["health", *args.pages]
    runs = []
    for run_index in range(args.runs):
        order = pages[run_index % len(pages) :] + pages[: run_index % len(pages)]  # rotate, so no page is always last
        run_result = {"run": run_index + 1, "order": order, "pages": {}}
        runs.append(run_result)
        for page in order:
            seed = args.seed + 1000 * run_index + PAGES.index(page)
            count = round((args.warmup + args.duration) * args.rate)
            requests = workload.requests(page, count, seed)
            waited, idle_busy = wait_for_quiet(max_wait=args.quiet_wait, busy_cores=args.quiet_cores)
            warm_count = round(args.warmup * args.rate)
            if warm_count:
                open_loop(requests[:warm_count], port=server.port, rate=args.rate, duration=args.warmup)
            meter = CpuMeter(server_pid=server.process.pid, database=args.database)
            meter.start()
            offset = server.log_offset()
            samples = open_loop(requests[warm_count:], port=server.port, rate=args.rate, duration=args.duration)
            machine = meter.stop()
            summary = Summary.of(samples, args.duration)
            server_ms = server.server_times_ms(offset)
            run_result["pages"][page] = {
                **asdict(summary),
                **machine,
                "quiet_wait_s": waited,
                "idle_busy_cores_before": idle_busy,
                "server_p50_ms": percentile(server_ms, 0.5),
                "server_p95_ms": percentile(server_ms, 0.95),
                "error_kinds": _error_kinds(samples),
            }
            log(
                f"run {run_index + 1} {page:9} p50 {summary.p50_ms:6.1f}  p95 {summary.p95_ms:6.1f}  "
                f"p99 {summary.p99_ms:6.1f}  max {summary.max_ms:6.1f} ms  errors {summary.errors}  "
                f"cores: ours {machine.get('ours_cores', 0):.2f}, our postgres {machine.get('postgres_cores', 0):.2f}, "
                f"other postgres {machine.get('postgres_other_cores', 0):.2f}, "
                f"others {machine.get('other_cores', 0):.2f}"
            )
            save(runs)
    return runs


def _error_kinds(samples: list[Sample]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for sample in samples:
        if not sample.ok:
            kinds[sample.error] = kinds.get(sample.error, 0) + 1
    return kinds


def summarise(runs: list[dict], pages: list[str]) -> dict[str, dict]:
    """Per page over the runs: the median and worst of the runs' p95s, the ratio to /health/, and the target."""
    summary = {}
    for page in pages:
        per_run = [run["pages"][page] for run in runs if page in run["pages"]]
        p95s = [figures["p95_ms"] for figures in per_run]
        ratios = [
            run["pages"][page]["p95_ms"] / run["pages"]["health"]["p95_ms"]
            for run in runs
            if page in run["pages"] and run["pages"]["health"]["p95_ms"] > 0
        ]
        summary[page] = {
            "p50_ms_median": statistics.median(figures["p50_ms"] for figures in per_run),
            "p95_ms_median": statistics.median(p95s),
            "p95_ms_worst": max(p95s),
            "p99_ms_median": statistics.median(figures["p99_ms"] for figures in per_run),
            "max_ms": max(figures["max_ms"] for figures in per_run),
            "errors": sum(figures["errors"] for figures in per_run),
            "requests": sum(figures["requests"] for figures in per_run),
            "p95_over_health_median": statistics.median(ratios) if ratios else None,
            "meets_target": statistics.median(p95s) < TARGET_P95_MS if page != "health" else None,
        }
    return summary


def markdown(result: dict) -> str:
    """The tables for docs/benchmarks.md."""
    rate = result["arguments"]["rate"]
    lines = []
    if result.get("runs"):
        lines += _load_tables(result)
    lines += [
        "| page (in-process, full data) | requests | queries (min–max) | wall ms (median, max) "
        "| SQL ms (median, max) | CPU ms per request: Django + PostgreSQL (mean) | cores needed at the rate |",
        "|---|---|---|---|---|---|---|",
    ]
    for page, figures in result["in_process"].items():
        if page.startswith("_"):
            continue
        lines.append(
            f"| {page} | {figures['requests']} | {figures['queries_min']}–{figures['queries_max']} | "
            f"{figures['wall_ms_median']:.1f}, {figures['wall_ms_max']:.1f} | "
            f"{figures['sql_ms_median']:.1f}, {figures['sql_ms_max']:.1f} | "
            f"{figures['django_cpu_ms_mean']:.0f} + {figures['postgres_cpu_ms_mean']:.0f} | "
            f"{(figures['django_cpu_ms_mean'] + figures['postgres_cpu_ms_mean']) * rate / 1000:.2f} |"
        )
    if result.get("what_if"):
        lines += [
            "",
            "| what if (in-process) | page | CPU ms per request: Django + PostgreSQL (mean) "
            "| cores needed at the rate |",
            "|---|---|---|---|",
        ]
        for row in result["what_if"]:
            total = row["django_cpu_ms_mean"] + row["postgres_cpu_ms_mean"]
            lines.append(
                f"| {row['variant']} | {row['page']} | {row['django_cpu_ms_mean']:.0f} + "
                f"{row['postgres_cpu_ms_mean']:.0f} | {total * rate / 1000:.2f} |"
            )
    return "\n".join(lines) + "\n"


def _load_tables(result: dict) -> list[str]:
    lines = [
        "| page | run | requests | p50 ms | p95 ms | p99 ms | max ms | errors | p95 ÷ health p95 "
        "| server p95 ms | cores: ours / our postgres / other postgres / others |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        health = run["pages"]["health"]["p95_ms"]
        for page in result["pages"]:
            figures = run["pages"][page]
            ratio = "–" if page == "health" else f"{figures['p95_ms'] / health:.1f}×"
            lines.append(
                f"| {PAGE_TITLES[page]} | {run['run']} | {figures['requests']} | {figures['p50_ms']:.1f} | "
                f"{figures['p95_ms']:.1f} | {figures['p99_ms']:.1f} | {figures['max_ms']:.1f} | {figures['errors']} | "
                f"{ratio} | {figures['server_p95_ms']:.0f} | {figures.get('ours_cores', math.nan):.2f} / "
                f"{figures.get('postgres_cores', math.nan):.2f} / "
                f"{figures.get('postgres_other_cores', math.nan):.2f} / {figures.get('other_cores', math.nan):.2f} |"
            )
    lines += [
        "",
        "| page | median of runs' p95 ms | worst run's p95 ms | median p50 ms | median p99 ms | max ms | errors "
        "| p95 ÷ health p95 (median) | under 150 ms at p95? |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page, figures in result["summary"].items():
        ratio = "–" if page == "health" else f"{figures['p95_over_health_median']:.1f}×"
        met = "–" if page == "health" else ("yes" if figures["meets_target"] else "**no**")
        lines.append(
            f"| {PAGE_TITLES[page]} | {figures['p95_ms_median']:.1f} | {figures['p95_ms_worst']:.1f} | "
            f"{figures['p50_ms_median']:.1f} | {figures['p99_ms_median']:.1f} | {figures['max_ms']:.1f} | "
            f"{figures['errors']} / {figures['requests']} | {ratio} | {met} |"
        )
    return [*lines, ""]


# ---------------------------------------------------------------------------------------------------------------


def source_commit(source: Path) -> str:
    """The commit measured: from git when `source` is a clone (flagged if it has uncommitted changes), else from
    the COMMIT file a snapshot made with `git archive` carries (bench/README.md)."""
    if (source / "COMMIT").exists():
        return (source / "COMMIT").read_text().strip()
    git = shutil.which("git")
    if not git or not (source / ".git").exists():
        return "unknown"
    # Read-only git commands; --no-optional-locks keeps `status` from refreshing the index of a shared clone.
    read = [git, "--no-optional-locks", "-C", str(source)]
    head = subprocess.run([*read, "rev-parse", "HEAD"], capture_output=True, text=True, check=False)  # noqa: S603
    dirty = subprocess.run(  # noqa: S603
        [*read, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def machine(args) -> dict:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        model = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory_kb = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    except (OSError, StopIteration):
        memory_kb = 0
    with admin_connection(args) as admin:
        server_version = admin.execute("SHOW server_version").fetchone()[0]
    import django
    import gunicorn

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": server_version,
    }


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> None:
    # SIGTERM, and SIGINT even when a shell started us in the background (which ignores it), stop the benchmark
    # through `finally`: gunicorn is stopped and the database dropped.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    args = parse_args(argv)
    sys.path.insert(1, str(args.source))  # the measured cme, ahead of the virtualenv's editable install
    if args.internal_load_demo:
        load_demo_here(args)
        return
    started = datetime.now(UTC)
    out = (args.output or REPO / "var" / "bench" / f"casework-pages-{started:%Y%m%dT%H%M%S}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="cme-bench-var-"))
    env = production_env(args, var_dir)
    timings: dict[str, float] = {}
    result: dict = {
        "started": started.isoformat(timespec="seconds"),
        "arguments": vars(args) | {"output": str(out)},
        "source_commit": source_commit(args.source),
    }
    server = None
    try:
        if not args.reuse_database:
            log(f"creating database {args.database} and migrating")
            clock = time.perf_counter()
            database_create(args)
            django_command("migrate", "--noinput", env=env, cwd=args.source)
            timings["create and migrate"] = time.perf_counter() - clock
            log(f"generating and loading a borough of {args.children} children (demo mode, this step only)")
            clock = time.perf_counter()
            self_command = [sys.executable, str(Path(__file__).resolve()), "--internal-load-demo"]
            self_command += ["--children", str(args.children), "--schools", str(args.schools), "--seed", str(args.seed)]
            self_command += ["--server-url", args.server_url, "--database", args.database, "--source", str(args.source)]
            loaded = json.loads(run(self_command, demo_env(env), args.source).strip().splitlines()[-1])
            timings["generate borough"] = loaded["generate_s"]
            timings["load borough (demo_data_load)"] = loaded["load_s"]
            timings["generate and load, with process start"] = time.perf_counter() - clock
            result["demo_counts"] = loaded["counts"]

        os.environ.update(env)
        import django

        django.setup()
        from casework_data import casework_top_up, data_counts, vacuum_analyze

        if not args.reuse_database:
            log(f"topping up to {args.cases} cases and {args.notes} notes")
            clock = time.perf_counter()
            result["top_up"] = asdict(casework_top_up(cases=args.cases, notes=args.notes, seed=args.seed))
            timings["top up (bulk inserts)"] = time.perf_counter() - clock
            clock = time.perf_counter()
            vacuum_analyze()
            timings["VACUUM ANALYZE"] = time.perf_counter() - clock
        result["data"] = data_counts()
        log(f"data: {result['data']}")
        clock = time.perf_counter()
        django_command("collectstatic", "--noinput", env=env, cwd=args.source)
        timings["collectstatic"] = time.perf_counter() - clock
        result["timings_s"] = {name: round(seconds, 1) for name, seconds in timings.items()}
        result["machine"] = machine(args)

        workload = Workload(args)
        paths = in_process_paths(workload, args.seed)
        log("counting queries in-process")
        result["in_process"] = in_process(workload, paths, out)
        profile(workload, paths, out)
        if args.what_if:
            log("what-if: a new connection per request against a persistent one, in-process")
            result["what_if"] = what_if(workload, paths)
            for row in result["what_if"]:
                log(
                    f"  {row['variant']:42} {row['page']:10} CPU per request: Django "
                    f"{row['django_cpu_ms_mean']:5.1f} ms + PostgreSQL {row['postgres_cpu_ms_mean']:5.1f} ms"
                )
        for page, figures in result["in_process"].items():
            if not page.startswith("_"):
                log(f"  {page:13} {figures['queries_min']}–{figures['queries_max']} queries")

        if args.no_load:
            (out / "results.json").write_text(json.dumps(result, indent=2, default=str))
            (out / "tables.md").write_text(markdown(result))
            log(f"in-process results in {out}")
            return
        server = Server(args, env, out)
        result["server"] = {
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "conn_max_age": args.conn_max_age if args.conn_max_age is not None else 60,
        }
        result["preflight"] = preflight(server, workload)
        result["pages"] = ["health", *args.pages]
        minutes = args.runs * len(result["pages"]) * (args.warmup + args.duration) / 60
        log(f"load: {args.runs} runs × {len(result['pages'])} pages at {args.rate:g}/s, about {minutes:.0f} minutes")
        clock = time.perf_counter()

        def save(runs: list[dict]) -> None:
            (out / "partial-results.json").write_text(json.dumps({**result, "runs": runs}, indent=2, default=str))

        result["runs"] = load_runs(args, server, workload, save)
        result["timings_s"]["load runs"] = round(time.perf_counter() - clock, 1)
        result["summary"] = summarise(result["runs"], result["pages"])
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        (out / "results.json").write_text(json.dumps(result, indent=2, default=str))
        table = markdown(result)
        (out / "tables.md").write_text(table)
        print("\n" + table)
        log(f"results in {out}")
    finally:
        if server:
            server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep_database and not args.reuse_database:
            database_drop(args)
            log(f"dropped database {args.database}")


if __name__ == "__main__":
    main(sys.argv[1:])
