"""Large Common Transfer File benchmark: a 20,000-pupil CTF imported (`returns_import`: parsed as a stream, checked,
de-duplicated, written with a disclosure receipt per return) in under 10 seconds and 500 MB of peak memory.

    .venv/bin/python bench/ctf_import.py --database sqlite --runs 3
    .venv/bin/python bench/ctf_import.py --database postgres --runs 3

The file is made once (seeded synthetic pupils, valid UPNs) and saved under var/bench-ctf/. Each run is a fresh
process (so its peak resident memory, `ru_maxrss`, is the import's and not the generator's) with a fresh database
(bench/returns_import.py's `configure`) holding 40 schools. In that process it times, in this order:

1. the baseline: reading the file with `ctf_read` alone (no checks, no database), so the import's cost can be read
   as a ratio to parsing;
2. `returns_import` of the file (the peak RSS is read after this step).

A benchmark, not a test: nothing here asserts. Figures go in docs/benchmarks.md.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
FILE_DIR = ROOT / "var" / "bench-ctf"


def child(path: Path, database: str) -> None:
    import returns_import as helpers

    helpers.configure(database)
    import time_machine

    with time_machine.travel(date(2026, 11, 29), tick=True):
        helpers.schools_create()
        content = path.read_bytes()
        from cme.schools.ctf import ctf_read

        started, cpu = time.perf_counter(), time.process_time()
        parsed = ctf_read(content)
        baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu
        pupils = len(parsed.returns)
        del parsed
        cpu = time.process_time()
        seconds, report = helpers.timed_import(content, "ctf", path.name)
        import_cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"baseline": baseline, "import": seconds, "created": report.created, "baseline_cpu": baseline_cpu,
                      "import_cpu": import_cpu,
                      "errors": len(report.errors), "pupils": pupils, "peak_rss_mb": peak_mb}))  # fmt: skip


def make_file(pupils: int, seed: int, database: str) -> Path:
    FILE_DIR.mkdir(parents=True, exist_ok=True)
    path = FILE_DIR / f"ctf-{pupils}-{seed}.xml"
    if path.exists():
        return path
    code = (
        "import sys; sys.path.insert(0, 'bench'); import returns_import as h; h.configure(sys.argv[1]); "
        "from pathlib import Path; Path(sys.argv[2]).write_bytes(h.ctf_content(h.schools_create(), int(sys.argv[3]), "
        "int(sys.argv[4])))"
    )
    command = [sys.executable, "-c", code, database, str(path), str(pupils), str(seed)]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - this interpreter and our own arguments
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database)
        return
    path = make_file(args.pupils, args.seed, args.database)
    print(f"CTF: {args.pupils:,} pupils, {path.stat().st_size / 1e6:.1f} MB; database: {args.database}")
    results = []
    for run in range(1, args.runs + 1):
        out = subprocess.run(  # noqa: S603 - this interpreter and this script
            [sys.executable, __file__, "--child", str(path), "--database", args.database],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"run {run}: parse {result['baseline']:.2f} s (CPU {result['baseline_cpu']:.2f} s); import "
            f"{result['import']:.2f} s (CPU {result['import_cpu']:.2f} s; {result['created']:,} created, "
            f"{result['errors']} errors); peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    base = statistics.median(r["baseline"] for r in results)
    imported = statistics.median(r["import"] for r in results)
    peak = statistics.median(r["peak_rss_mb"] for r in results)
    print("\n| step | runs (s) | median (s) | ratio to parsing |\n|---|---|---:|---:|")
    parses = ", ".join(f"{r['baseline']:.2f}" for r in results)
    imports = ", ".join(f"{r['import']:.2f}" for r in results)
    print(f"| parse only (baseline) | {parses} | {base:.2f} | 1.0× |")
    print(f"| import | {imports} | {imported:.2f} | {imported / base:.1f}× |")
    cpu_base = statistics.median(r["baseline_cpu"] for r in results)
    cpu_import = statistics.median(r["import_cpu"] for r in results)
    parse_cpus = ", ".join(format(r["baseline_cpu"], ".2f") for r in results)
    print(f"| parse only, CPU time | {parse_cpus} | {cpu_base:.2f} | 1.0× |")
    print(f"| import, CPU time | {', '.join(format(r['import_cpu'], '.2f') for r in results)} | {cpu_import:.2f} | "
          f"{cpu_import / cpu_base:.1f}× |")  # fmt: skip
    print(f"\nPeak RSS (median of {len(results)} runs): {peak:.0f} MB")


if __name__ == "__main__":
    main()
