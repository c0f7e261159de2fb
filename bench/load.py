"""Load test (issue 17, point 3): 50 simulated staff against gunicorn, the task worker and PostgreSQL, 50,000 children.

One command; on a quiet 2-core machine about 4 minutes of set-up (most of it loading the borough), 20 s of warm-up,
2 minutes of steady load and up to 3.5 of stepping up, so under 10 minutes (on a busy shared machine the set-up
alone can take 10 to 30 minutes):

    .venv/bin/python bench/load.py

    .venv/bin/python bench/load.py --quick             # 2,000 children, short phases: checks it works (~3 min)
    .venv/bin/python bench/load.py --keep-database     # keep cme_load for another run …
    .venv/bin/python bench/load.py --reuse-database    # … and measure it again without loading (~5 min)

What it does, in order (bench/README.md has more):

1. Data: creates the PostgreSQL database `cme_load` (dropped first if it exists), migrates, loads the seeded demo
   borough of `--children` children with its schools, returns, sources and match candidates (casework_pages.py's
   loading step, in demo mode in a process of its own), adds the staff a council that size has (32 officers, schools'
   attendance leads), tops the casework up to `--cases` cases and `--notes` notes (casework_data.py), VACUUM ANALYZE.
2. Servers, production settings (no DEBUG, fresh keys, two-factor sign-in): gunicorn with `--workers` (default
   2 per core + 1) of `--threads` threads, and the task worker (`db_worker`), as docs/operating.md starts them.
3. Sign-in without a browser: sessions written for each account on a confirmed TOTP device (casework_data.py), and
   API tokens for schools. The scenario (bench/locustfile.py) is 50 people: 32 officers searching, opening children
   and cases, writing notes and recording enquiries; 15 schools sending returns through the API and reading their
   list; 3 managers on the dashboards and reports. Each thinks `--think` seconds on average between pages.
4. A match run is queued for the worker (as the manager's button does) and runs while the load does.
5. Steady load: the 50 people for `--duration` seconds. Per page: requests, errors, p50/p95/p99 (locust's), and for
   the whole: requests per second and CPU per request (gunicorn's processes' CPU time from /proc divided by the
   requests; PostgreSQL's and the worker's apart).
6. The ceiling: the same mix with more people (`--steps`), `--step-duration` seconds each, until the 95th percentile
   of some page passes 300 ms; the request rate there is the ceiling.
7. Results in var/bench/load-<time>/: results.json, tables.md (for docs/benchmarks.md), locust's CSV files.
   The database is dropped at the end unless `--keep-database`.
"""

import argparse
import csv
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import casework_pages  # noqa: E402 - the database, environment and server steps are the casework benchmark's
from openloop import _machine_ticks, _process_ticks  # noqa: E402

TARGET_P95_MS = 300.0
QUICK = {
    "children": 2000,
    "schools": 20,
    "cases": 300,
    "notes": 6000,
    "duration": 30.0,
    "warmup": 10.0,
    "steps": "50,150",
    "step_duration": 20.0,
    "database": "cme_load_quick",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data and short phases, to check the script works")
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--schools", type=int, default=120)
    parser.add_argument("--cases", type=int, default=5_000, help="total cases after the top-up")
    parser.add_argument("--notes", type=int, default=100_000, help="total notes after the top-up")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--users", type=int, default=50, help="simulated staff in the steady phase")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds a person waits between pages")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of steady load")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of unmeasured load first")
    parser.add_argument("--steps", default="50,100,150,200,250,300,400", help="people at each step of the ceiling")
    parser.add_argument("--step-duration", type=float, default=25.0, help="seconds per step (after 5 s ramp)")
    parser.add_argument("--no-ceiling", action="store_true", help="steady load only")
    parser.add_argument("--no-match-run", action="store_true", help="no match run in the background")
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--database", default="cme_load")
    parser.add_argument("--reuse-database", action="store_true", help="measure the database kept by --keep-database")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        given = {arg.split("=")[0].lstrip("-").replace("-", "_") for arg in argv if arg.startswith("--")}
        for name, value in QUICK.items():
            if name not in given:
                setattr(args, name, value)
    args.steps = [int(step) for step in str(args.steps).split(",") if step]
    # What casework_pages' helpers read from their own arguments.
    args.source, args.conn_max_age = REPO, None
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------------
# CPU time from /proc


def tree_ticks(root: int, processes: dict) -> int:
    """CPU ticks of `root` and every process descended from it (children it has waited for included)."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in processes:
            total += processes[pid][2]
        todo += children.get(pid, [])
    return total


def database_ticks(database: str, processes: dict) -> int:
    """PostgreSQL backends of `database`, and the postmaster (whose count holds the backends that ended)."""
    return sum(
        ticks
        for _, name, ticks in processes.values()
        if f" {database} " in name or (name.startswith("/") and "bin/postgres" in name)
    )


class CpuWatch:
    """CPU seconds used between start() and stop() by gunicorn, the task worker, PostgreSQL and locust, and the
    machine's busy cores (everything, other people's work included) with the load average."""

    def __init__(self, *, server: int, worker: int, database: str) -> None:
        self.server, self.worker, self.database = server, worker, database

    def _read(self) -> dict:
        processes = _process_ticks()
        gunicorn, worker = tree_ticks(self.server, processes), tree_ticks(self.worker, processes)
        return {
            "time": time.monotonic(),
            "machine": _machine_ticks(),
            "gunicorn": gunicorn,
            "worker": worker,
            "postgres": database_ticks(self.database, processes),
            # locust runs as our child: once waited for, its time is in our own tree, beside the servers'.
            "locust": tree_ticks(os.getpid(), processes) - gunicorn - worker,
        }

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict:
        after = self._read()
        hz = os.sysconf("SC_CLK_TCK")
        seconds = after["time"] - self.before["time"]
        used = {name: (after[name] - self.before[name]) / hz for name in ("gunicorn", "worker", "postgres", "locust")}
        (all_before, idle_before), (all_after, idle_after) = self.before["machine"], after["machine"]
        busy = (1 - (idle_after - idle_before) / max(all_after - all_before, 1)) * (os.cpu_count() or 1)
        return {
            "seconds": round(seconds, 1),
            "cpu_seconds": {name: round(value, 2) for name, value in used.items()},
            "busy_cores": round(busy, 2),
            "others_cores": round(max(busy - sum(used.values()) / seconds, 0.0), 2),
            "load_average": os.getloadavg(),
        }


# ---------------------------------------------------------------------------------------------------------------
# The steps


def audit_key(args) -> str:
    """The audit trail's key, made by `cme keys generate` as docs/operating.md says, kept beside the field key
    (var/bench/<database>.audit-key) so that --reuse-database can verify what an earlier run wrote."""
    path = REPO / "var" / "bench" / f"{args.database}.audit-key"
    if args.reuse_database and path.exists():
        return path.read_text().strip()
    command = [str(Path(sys.executable).parent / "cme"), "keys", "generate"]
    key = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def load_data(args, env: dict[str, str]) -> dict:
    timings = {}
    clock = time.perf_counter()
    casework_pages.database_create(args)
    casework_pages.django_command("migrate", "--noinput", env=env, cwd=REPO)
    timings["create and migrate"] = time.perf_counter() - clock
    log(f"generating and loading a borough of {args.children} children (demo mode, this step only)")
    clock = time.perf_counter()
    command = [sys.executable, str(BENCH_DIR / "casework_pages.py"), "--internal-load-demo", "--seed", str(args.seed)]
    command += ["--children", str(args.children), "--schools", str(args.schools), "--database", args.database]
    command += ["--server-url", args.server_url]
    loaded = json.loads(casework_pages.run(command, casework_pages.demo_env(env), REPO).strip().splitlines()[-1])
    timings["generate and load the borough"] = time.perf_counter() - clock
    return {"timings": timings, "demo_counts": loaded["counts"]}


def top_up(args) -> dict:
    from casework_data import casework_top_up, vacuum_analyze
    from load_scenario import MIX, staff_accounts_create

    clock = time.perf_counter()
    made = staff_accounts_create(officers=MIX["officers"], schools=MIX["schools"])
    topped = asdict(casework_top_up(cases=args.cases, notes=args.notes, seed=args.seed))
    vacuum_analyze()
    return {"accounts_made": made, "top_up": topped, "seconds": time.perf_counter() - clock}


def match_run_queue() -> int:
    from cme.accounts.models import User
    from cme.matching.services import match_run_queue as queue

    return queue(actor=User.objects.get(username="manager")).pk


def match_run_state(run_id: int) -> dict:
    from django.db import connections

    from cme.matching.models import MatchRun

    connections.close_all()  # a fresh look at what the worker wrote
    run = MatchRun.objects.get(pk=run_id)
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
    return {"state": run.get_state_display(), "seconds": took, "stage": run.stage, "failure": run.failure}


class Worker:
    """The task worker, as docs/operating.md starts it; stopped by its own process id."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.log = open(log_dir / "worker.log", "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "django", "db_worker", "--queue-name", "*"]
        self.process = subprocess.Popen(  # noqa: S603 - our own worker
            command, env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def locust_run(args, *, port: int, scenario: Path, users: int, seconds: float, prefix: Path) -> dict:
    """Run bench/locustfile.py headless: `users` people, started over at most 10 s, for `seconds` in all."""
    spawn = max(users / min(10.0, seconds / 4), 1.0)
    command = [sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "locustfile.py"), "--headless"]
    command += ["--users", str(users), "--spawn-rate", f"{spawn:.1f}", "--run-time", f"{seconds:.0f}s"]
    command += ["--host", f"http://{casework_pages.LOOPBACK}:{port}", "--csv", str(prefix), "--only-summary"]
    command += ["--loglevel", "WARNING", "--stop-timeout", "10"]
    env = {**os.environ, "LOAD_SCENARIO": str(scenario), "LOAD_THINK_SECONDS": str(args.think)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    (prefix.parent / f"{prefix.name}.log").write_text(done.stdout + done.stderr)
    return read_stats(prefix)


def read_stats(prefix: Path) -> dict:
    pages = {}
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            count = int(row["Request Count"])

            def figure(column: str, row=row, count=count) -> float:
                return float(row[column]) if count and row[column] not in ("", "N/A") else math.nan

            pages[row["Name"]] = {
                "requests": count,
                "errors": int(row["Failure Count"]),
                "rate": float(row["Requests/s"]),
                "p50_ms": figure("50%"),
                "p95_ms": figure("95%"),
                "p99_ms": figure("99%"),
                "max_ms": figure("Max Response Time"),
            }
    failures = Path(f"{prefix}_failures.csv")
    return {"pages": pages, "failures": failures.read_text() if failures.exists() else ""}


def phase(args, *, server, worker, port: int, scenario: Path, users: int, seconds: float, prefix: Path) -> dict:
    watch = CpuWatch(server=server.process.pid, worker=worker.process.pid, database=args.database)
    watch.start()
    result = locust_run(args, port=port, scenario=scenario, users=users, seconds=seconds, prefix=prefix)
    result["cpu"] = watch.stop()
    total = result["pages"].get("Aggregated", {}).get("requests", 0)
    cpu = result["cpu"]["cpu_seconds"]
    result["users"] = users
    result["cpu_ms_per_request"] = {
        name: round(1000 * cpu[name] / total, 1) if total else math.nan for name in ("gunicorn", "postgres")
    }
    return result


def slowest(result: dict) -> tuple[str, float]:
    pages = {name: page for name, page in result["pages"].items() if name != "Aggregated" and page["requests"] >= 20}
    name = max(pages, key=lambda name: pages[name]["p95_ms"])
    return name, pages[name]["p95_ms"]


# ---------------------------------------------------------------------------------------------------------------
# Tables


def markdown(result: dict) -> str:
    steady = result["steady"]
    cpu, load = steady["cpu"], steady["cpu"]["load_average"]
    lines = [
        f"Steady: {steady['users']} people for {result['arguments']['duration']:.0f} s, think time "
        f"{result['arguments']['think']:g} s on average; gunicorn {result['server']['workers']} workers × "
        f"{result['server']['threads']} threads; load average at the end {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f}; "
        f"other people's work {cpu['others_cores']:.2f} cores.",
        "",
        "| page | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in sorted(steady["pages"].items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        label = "**all requests**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {page['requests']:,} | {page['errors']} | {page['p50_ms']:.0f} | {page['p95_ms']:.0f} | "
            f"{page['p99_ms']:.0f} | {page['max_ms']:.0f} |"
        )
    total = steady["pages"]["Aggregated"]
    lines += [
        "",
        f"Requests per second: {total['rate']:.1f}. CPU per request: gunicorn "
        f"{steady['cpu_ms_per_request']['gunicorn']:.1f} ms, PostgreSQL {steady['cpu_ms_per_request']['postgres']:.1f}"
        f" ms; the task worker used {cpu['cpu_seconds']['worker']:.1f} CPU seconds (the match run: "
        f"{result.get('match_run', {}).get('state', 'not run')}), locust {cpu['cpu_seconds']['locust']:.1f}.",
        "",
    ]
    if result.get("ceiling"):
        lines += [
            "| people | requests/s | errors | slowest page at p95 | its p95 ms | all p95 ms | gunicorn CPU ms/request "
            "| PostgreSQL CPU ms/request | busy cores | load average |",
            "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for step in result["ceiling"]:
            name, p95 = slowest(step)
            total = step["pages"]["Aggregated"]
            lines.append(
                f"| {step['users']} | {total['rate']:.1f} | {total['errors']} | {name} | {p95:.0f} | "
                f"{total['p95_ms']:.0f} | {step['cpu_ms_per_request']['gunicorn']:.1f} | "
                f"{step['cpu_ms_per_request']['postgres']:.1f} | {step['cpu']['busy_cores']:.2f} | "
                f"{step['cpu']['load_average'][0]:.2f} |"
            )
        lines += ["", result.get("ceiling_says", ""), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    args = parse_args(argv)
    started = datetime.now(UTC)
    out = (args.output or REPO / "var" / "bench" / f"load-{started:%Y%m%dT%H%M%S}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="cme-load-var-"))
    env = {**casework_pages.production_env(args, var_dir), "CME_AUDIT_KEYS": audit_key(args)}
    result: dict = {
        "started": started.isoformat(timespec="seconds"),
        "arguments": {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()},
        "source_commit": casework_pages.source_commit(REPO),
    }
    server = worker = None
    try:
        if not args.reuse_database:
            log(f"creating database {args.database}, migrating")
            result["load"] = load_data(args, env)
        os.environ.update(env)
        import django

        django.setup()
        from casework_data import data_counts
        from load_scenario import scenario_build

        if not args.reuse_database:
            log(f"adding staff, topping up to {args.cases} cases and {args.notes} notes")
            result["top_up"] = top_up(args)
        result["data"] = data_counts()
        log(f"data: {result['data']}")
        casework_pages.django_command("collectstatic", "--noinput", env=env, cwd=REPO)
        result["machine"] = casework_pages.machine(args)
        most = max([args.users, *args.steps]) if not args.no_ceiling else args.users
        scenario_path = var_dir / "scenario.json"  # session keys and tokens: kept out of the results
        scenario = scenario_build(sessions_per_account=max(2, math.ceil(most / 30)), seed=args.seed)
        scenario_path.write_text(json.dumps(scenario))
        result["accounts"] = {kind: len(scenario[kind]) for kind in ("officers", "managers", "schools")}

        server = casework_pages.Server(args, env, out)
        worker = Worker(env, out)
        result["server"] = {"workers": args.workers, "threads": args.threads, "worker_class": "gthread"}
        log(f"gunicorn on port {server.port}: {args.workers} workers × {args.threads} threads; task worker started")
        if not args.no_match_run:
            run_id = match_run_queue()
            log(f"match run {run_id} queued for the worker")

        common = {"server": server, "worker": worker, "port": server.port, "scenario": scenario_path}
        log(f"warming up: {args.users} people for {args.warmup:.0f} s, not measured")
        phase(args, users=args.users, seconds=args.warmup, prefix=out / "warm-up", **common)
        log(f"steady load: {args.users} people for {args.duration:.0f} s")
        result["steady"] = phase(args, users=args.users, seconds=args.duration, prefix=out / "steady", **common)
        steady = result["steady"]["pages"]["Aggregated"]
        log(f"  {steady['requests']} requests, {steady['errors']} errors, p95 {steady['p95_ms']:.0f} ms")
        if not args.no_match_run:
            result["match_run"] = match_run_state(run_id)
            log(f"  match run: {result['match_run']}")

        if not args.no_ceiling:
            result["ceiling"] = []
            below = None
            for users in args.steps:
                log(f"ceiling: {users} people for {args.step_duration:.0f} s")
                step = phase(args, users=users, seconds=args.step_duration + 5, prefix=out / f"step-{users}", **common)
                result["ceiling"].append(step)
                name, p95 = slowest(step)
                rate = step["pages"]["Aggregated"]["rate"]
                log(f"  {rate:.1f} requests/s, slowest at p95: {name} {p95:.0f} ms")
                if p95 > TARGET_P95_MS:
                    result["ceiling_says"] = (
                        f"The 95th percentile of {name} passed {TARGET_P95_MS:.0f} ms at {users} people "
                        f"({rate:.1f} requests/s)"
                        + (
                            f"; every page was under it at {below[0]} people ({below[1]:.1f} requests/s)."
                            if below
                            else "."
                        )
                    )
                    break
                below = (users, rate)
            else:
                result["ceiling_says"] = (
                    f"Every page stayed under {TARGET_P95_MS:.0f} ms at p95 up to {below[0]} people."
                )
            log(result["ceiling_says"])
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        (out / "results.json").write_text(json.dumps(result, indent=2, default=str))
        table = markdown(result)
        (out / "tables.md").write_text(table)
        print("\n" + table)
        log(f"results in {out}")
    finally:
        if worker:
            worker.stop()
        if server:
            server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep_database and not args.reuse_database:
            casework_pages.database_drop(args)
            log(f"dropped database {args.database}")


if __name__ == "__main__":
    main(sys.argv[1:])
