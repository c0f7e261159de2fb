"""An open-loop HTTP load generator for loopback benchmarks, and the statistics reported from it. No Django here.

Open loop: request i starts at `start + i / rate` whatever happened to the earlier ones, and a thread pool sends it,
so a slow response never slows the offered load. Latency is counted from the scheduled start, not from the moment a
thread got round to sending, so any delay in the client shows up in the figures instead of hiding (no "coordinated
omission"). Every loop is bounded: `duration * rate` requests, each with a timeout.
"""

import http.client
import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"  # the only host this module ever connects to


@dataclass(frozen=True, slots=True)
class Request:
    path: str  # with its query string
    cookie: str = ""  # sent as the Cookie header: the session cookie is Secure, so no cookie jar would send it
    expect: bytes = b""  # a fragment a correct page contains; its absence counts as an error
    label: str = ""  # what the request stands for, for the report (never sent)


@dataclass(frozen=True, slots=True)
class Sample:
    scheduled: float  # seconds after the phase began that the request was due to start
    latency: float  # seconds from the scheduled start to the last byte of the response
    lag: float  # seconds from the scheduled start until the request was sent: the client's own delay
    status: int  # 0 when no response came
    ok: bool
    error: str = ""


def fetch(request: Request, *, port: int, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET on the loopback interface: the status and body."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        headers = {"Cookie": request.cookie} if request.cookie else {}
        connection.request("GET", request.path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _timed_fetch(request: Request, port: int, due: float, start: float, timeout: float) -> Sample:
    sent = time.perf_counter()
    try:
        status, body = fetch(request, port=port, timeout=timeout)
    except (OSError, http.client.HTTPException) as error:
        done = time.perf_counter()
        return Sample(due - start, done - due, sent - due, 0, False, type(error).__name__)
    done = time.perf_counter()
    ok = status == 200 and request.expect in body
    error = "" if ok else (f"status {status}" if status != 200 else "expected content missing")
    return Sample(due - start, done - due, sent - due, status, ok, error)


def open_loop(
    requests: Sequence[Request],
    *,
    port: int,
    rate: float,
    duration: float,
    timeout: float = 10.0,
    max_in_flight: int = 64,
) -> list[Sample]:
    """Send requests[i % len(requests)] at `rate` per second for `duration` seconds; one Sample per request.

    Returns once every request has answered or timed out, so it ends by itself after at most about
    `duration + timeout` seconds (longer only if more than `max_in_flight` requests are stuck at once).
    """
    if not requests or rate <= 0 or duration <= 0:
        raise ValueError("open_loop needs requests, a positive rate and a positive duration")
    count = max(1, round(duration * rate))
    interval = 1.0 / rate
    futures = []
    pool = ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="openloop")
    try:
        start = time.perf_counter() + 0.05
        for index in range(count):
            due = start + index * interval
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(_timed_fetch, requests[index % len(requests)], port, due, start, timeout))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # interrupted: send nothing more
        raise
    pool.shutdown(wait=True)
    return [future.result() for future in futures]


# ---------------------------------------------------------------------------------------------------------------
# Statistics


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0 to 1) quantile by linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Summary:
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    lag_p99_ms: float  # how late the client itself started requests: large values mean the client was the bottleneck
    achieved_rate: float  # requests per second actually started

    @classmethod
    def of(cls, samples: Sequence[Sample], duration: float) -> "Summary":
        latencies = [sample.latency * 1000 for sample in samples]
        return cls(
            requests=len(samples),
            errors=sum(not sample.ok for sample in samples),
            p50_ms=percentile(latencies, 0.50),
            p95_ms=percentile(latencies, 0.95),
            p99_ms=percentile(latencies, 0.99),
            max_ms=max(latencies, default=math.nan),
            mean_ms=sum(latencies) / len(latencies) if latencies else math.nan,
            lag_p99_ms=percentile([sample.lag * 1000 for sample in samples], 0.99),
            achieved_rate=len(samples) / duration if duration else math.nan,
        )


def _machine_ticks() -> tuple[int, int]:
    """(all, idle) clock ticks since boot, from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait


def _process_ticks() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, name, CPU ticks of the process and of its children it has waited for). A PostgreSQL
    backend's name is its process title ("postgres: 15/main: postgres cme_bench 127.0.0.1(5432) idle"), which
    names its database."""
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
        except OSError:
            continue  # it ended while we looked
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name == "postgres":
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                    name = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip() or name
            except OSError:
                pass
        fields = text[text.rindex(")") + 2 :].split()
        # After the name: state, ppid, … utime, stime, cutime, cstime are fields 12 to 15 of the rest.
        processes[int(entry.name)] = (int(fields[1]), name, sum(int(value) for value in fields[11:15]))
    return processes


class CpuMeter:
    """Where the machine's CPU went between start() and stop(), in cores: all of it; the benchmark's own processes
    (the server's process tree and this client); PostgreSQL for `database` (its live backends, and the backends that
    ended, which the postmaster has reaped: with CONN_MAX_AGE=0 most of ours end with their request, so this share
    also holds any short-lived backend of another database); PostgreSQL for other databases and its background
    processes; and the rest, which on a shared machine is other people's work. Linux /proc only; NaN elsewhere."""

    def __init__(self, *, server_pid: int | None = None, database: str = "") -> None:
        self.server_pid = server_pid
        self.database = database
        self._start: tuple | None = None

    def _read(self) -> tuple | None:
        try:
            return time.monotonic(), _machine_ticks(), _process_ticks()
        except OSError:
            return None

    def start(self) -> None:
        self._start = self._read()

    def _ours(self, processes: dict[int, tuple[int, str, int]]) -> set[int]:
        roots = {os.getpid()} | ({self.server_pid} if self.server_pid else set())
        ours = set()
        for pid in processes:
            seen, current = 0, pid
            while current in processes and seen < 64:
                if current in roots:
                    ours.add(pid)
                    break
                current, seen = processes[current][0], seen + 1
        return ours

    def stop(self) -> dict[str, float]:
        end = self._read()
        load = os.getloadavg()[0]
        if not (self._start and end) or end[1][0] == self._start[1][0]:
            return {"cpu_busy": math.nan, "load_1min": load}
        (started, machine_start, before), (ended, machine_end, after) = self._start, end
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        seconds = ended - started
        total = machine_end[0] - machine_start[0]
        busy_share = 1 - (machine_end[1] - machine_start[1]) / total
        cpus = os.cpu_count() or 1
        ours_pids = self._ours(after)

        def cores(pids) -> float:
            ticks = sum(after[pid][2] - (before[pid][2] if pid in before else 0) for pid in pids)
            return max(ticks, 0) / ticks_per_second / seconds

        ours = cores(ours_pids)
        postgres = {
            pid: name for pid, (_, name, _) in after.items() if name.startswith("postgres") or "/bin/postgres" in name
        }
        postmaster = {pid for pid, name in postgres.items() if "/bin/postgres" in name or name == "postgres"}
        ours_database = {pid for pid, name in postgres.items() if self.database and f" {self.database} " in name}
        database = cores(ours_database | postmaster)  # the postmaster's own share: its reaped backends
        postgres_other = cores(set(postgres) - ours_database - postmaster)
        busy = busy_share * cpus
        return {
            "cpu_busy": busy_share,
            "busy_cores": busy,
            "ours_cores": ours,
            "postgres_cores": database,
            "postgres_other_cores": postgres_other,
            "other_cores": max(busy - ours - database - postgres_other, 0.0),
            "load_1min": load,
        }


def wait_for_quiet(*, max_wait: float, busy_cores: float = 0.5, window: float = 3.0) -> tuple[float, float]:
    """Wait, at most `max_wait` seconds, until the machine is busy with less than `busy_cores` cores for `window`
    seconds while the benchmark is idle. Returns (seconds waited, busy cores in the last window)."""
    started = time.monotonic()
    busy = math.nan
    while True:
        try:
            first = _machine_ticks()
            time.sleep(window)
            second = _machine_ticks()
        except OSError:
            return 0.0, math.nan
        busy = (1 - (second[1] - first[1]) / max(second[0] - first[0], 1)) * (os.cpu_count() or 1)
        waited = time.monotonic() - started
        if busy < busy_cores or waited >= max_wait:
            return waited, busy
