"""Data matching benchmark: `cme match run` on a synthetic borough with a known truth, timed end to end and scored.

    .venv/bin/python bench/match_run.py --pupils 60000 --runs 3
    .venv/bin/python bench/match_run.py --pupils 60000 --runs 1 --drop-from-roll 0.05   # fairness, more on no roll
    .venv/bin/python bench/match_run.py --pupils 60000 --runs 3 --retrain   # every run trains its models afresh

1. Generates a borough (cme.demo.generator) with enough children for `--pupils` on a school roll, and its council
   extracts (cme.demo.sources): council tax, housing, benefits, GP registrations, admissions and the school rolls,
   with nicknames, typing slips, swapped dates, split surnames, moves and twins. Prints how many resident records.
2. Imports every extract into a database of its own (SQLite: var/bench-match/match.sqlite3, or with
   `--drop-from-roll` var/bench-match-fairness/match.sqlite3; PostgreSQL: the `cme_bench_match` database) through
   the import service, as an officer would; times it. Reuses an import of the same borough unless `--reload`.
3. Times a baseline in the same process: reading every source record once, which any run must do.
4. Runs `cme match run` as a separate process `--runs` times, timing each from start to exit, and scores the
   candidate list against the truth each time: precision and recall overall, by name-origin group and by ethnicity.
   The first run after an import trains the models; later runs reuse them, unless `--retrain` (each run trains).
   `--backend spark` runs the linkage on a local Spark instead of DuckDB.
5. Prints the figures (medians over runs) and writes them to var/bench-match/results.json.

A benchmark, not a test: nothing here asserts. Synthetic data only; no real person's data.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "cme_bench_match"
WORK = ROOT / "var" / "bench-match"
ON_ROLL_SHARE = 0.893  # of the generator's children, the share on a roll: children = pupils / share


def configure(database: str, work: Path) -> dict[str, str]:
    """Point Django at the benchmark's own database and start it; returns the environment for `cme` processes."""
    global WORK
    WORK = work
    WORK.mkdir(parents=True, exist_ok=True)
    env = {"DEBUG": "1", "CME_VAR_DIR": str(WORK), "DJANGO_SETTINGS_MODULE": "cme.settings"}
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DATABASE]).fetchone():
                admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'match.sqlite3'}"
    os.environ.pop("CME_DEMO", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    return env


def load(*, pupils: int, seed: int, drop: float, reload: bool):
    """The borough, its extracts (with truth), and the imports in the database; returns (extracts, seconds)."""
    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.demo.generator import generate_borough
    from cme.demo.sources import extracts_generate, extracts_load
    from cme.matching.models import DataSource, MatchCandidate, MatchDecision, MatchRun, SourceImport

    started = time.monotonic()
    borough = generate_borough(seed=seed, children=round(pupils / ON_ROLL_SHARE), schools=max(20, pupils // 500))
    extracts = extracts_generate(borough, seed=seed, drop_from_roll=drop)
    generated = time.monotonic() - started
    stamp = WORK / "loaded.json"
    fingerprint = {"pupils": pupils, "seed": seed, "drop": drop}
    if not reload and stamp.exists() and json.loads(stamp.read_text()) == fingerprint:
        return borough, extracts, generated, None
    for model in (MatchDecision, MatchCandidate, MatchRun):
        model.objects.all().delete()
    for source_import in SourceImport.objects.all():
        source_import.records.all().delete()
        source_import.rejected_rows.all().delete()
    SourceImport.objects.all().delete()
    DataSource.objects.all().delete()
    user = User.objects.filter(username="bench").first() or User.objects.create(
        username="bench", first_name="Bench", last_name="Mark", role=Role.CME_MANAGER
    )
    started = time.monotonic()
    extracts_load(extracts=extracts, actor=user, folder=WORK / "extracts", received_on=borough.today)
    loaded = time.monotonic() - started
    stamp.write_text(json.dumps(fingerprint))
    return borough, extracts, generated, loaded


def baseline() -> float:
    """Seconds to read every source record once (the least a run must do), in this process."""
    from cme.matching.models import SourceRecord

    started = time.monotonic()
    rows = SourceRecord.objects.values_list("pk", "given_name", "family_name", "date_of_birth", "postcode",
                                            "address_line1")  # fmt: skip
    for _ in rows.iterator(chunk_size=10_000):
        pass
    return time.monotonic() - started


def match_run(env: dict[str, str], on: str, *options: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own console script and arguments
        [str(ROOT / ".venv" / "bin" / "cme"), "match", "run", "--on", on, *options],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"cme match run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def _load() -> str:
    """The load average over 1, 5 and 15 minutes: timings on a shared machine mean little without it."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "unknown"


def scores(extracts) -> dict:
    """Precision and recall of the current candidate list, overall and by name-origin group and ethnicity."""
    from cme.demo.names import ORIGINS
    from cme.demo.sources import candidate_person, score
    from cme.matching.enums import CandidateKind
    from cme.matching.models import DataSource, MatchCandidate

    kinds = dict(DataSource.objects.values_list("pk", "kind"))
    candidates = list(
        MatchCandidate.objects.filter(is_current=True, kind=CandidateKind.NOT_ON_ROLL).values_list(
            "record_keys", flat=True
        )
    )
    truth = extracts.truth
    overall = score(truth, candidates, kinds)
    result = {"overall": _figures(overall), "by_origin": {}, "by_ethnicity": {}}
    groups = defaultdict(set)
    for child, origin in truth.origin.items():
        groups[("by_origin", ORIGINS.get(origin, origin))].add(child)
    for child, ethnicity in truth.ethnicity.items():
        groups[("by_ethnicity", ethnicity or "not given")].add(child)
    for (kind, name), members in sorted(groups.items()):
        result[kind][name] = _figures(score(truth, candidates, kinds, among=members))
    moved = [
        candidate_person(truth, keys, kinds)
        for keys in MatchCandidate.objects.filter(is_current=True, kind=CandidateKind.MOVED_AWAY).values_list(
            "record_keys", flat=True
        )
    ]
    result["moved_away"] = {
        "flagged": len(moved),
        "truly_moved": len(truth.moved_away),
        "correct": sum(1 for person in moved if person in truth.moved_away),
    }
    return result


def _figures(s) -> dict:
    return {
        "missing": s.missing,
        "found": len(s.found),
        "candidates": s.candidates,
        "wrong": s.wrong,
        "duplicates": s.duplicates,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pupils", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop-from-roll", type=float, default=0.0, dest="drop")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--retrain", action="store_true", help="every run trains its models afresh")
    parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    args = parser.parse_args()

    # The fairness borough (pupils left off the rolls) keeps a database of its own, so both can be rerun apart.
    env = configure(args.database, WORK if not args.drop else WORK.with_name("bench-match-fairness"))
    borough, extracts, generated, loaded = load(pupils=args.pupils, seed=args.seed, drop=args.drop, reload=args.reload)
    rows = {kind: len(r) for kind, r in extracts.rows.items()}
    print(f"Borough: {len(borough.children):,} children, {rows['school_roll']:,} pupils on the roll extracts, "
          f"{extracts.resident_records:,} resident records {rows}; generated in {generated:.1f} s")  # fmt: skip
    print(f"Truth: {len(extracts.truth.missing):,} children of compulsory school age living here on no roll; "
          f"{len(extracts.truth.moved_away):,} pupils who have moved away")  # fmt: skip
    print(f"Imported through the import service in {loaded:.1f} s" if loaded else "Imports reused from an earlier run")
    base = baseline()
    print(f"Baseline: reading every source record once took {base:.2f} s; load average {_load()}")
    timings, results = [], []
    for number in range(1, args.runs + 1):
        options = ["--backend", args.backend] + (["--retrain"] if args.retrain else [])
        seconds, output = match_run(env, borough.today.isoformat(), *options)
        result = scores(extracts)
        timings.append(seconds)
        results.append(result)
        overall = result["overall"]
        print(f"Run {number}: {seconds:.1f} s ({seconds / base:.0f}x baseline); precision {overall['precision']:.2%}, "
              f"recall {overall['recall']:.2%}; {overall['candidates']:,} candidates, {overall['wrong']} wrong, "
              f"{overall['duplicates']} duplicates")  # fmt: skip
        print("   ", output.strip().replace("\n", "\n    "))
        print(f"    load average {_load()}")
    median = statistics.median(timings)
    last = results[-1]
    print(f"\nMedian of {args.runs}: {median:.1f} s end to end; baseline {base:.2f} s; ratio {median / base:.0f}x")
    print("\nBy name-origin group (last run): group, missing, found, recall, candidates, precision")
    for name, f in last["by_origin"].items():
        print(
            f"  {name:28} {f['missing']:6} {f['found']:6} {f['recall']:8.2%} {f['candidates']:6} {f['precision']:8.2%}"
        )
    print("\nBy ethnicity (last run):")
    for name, f in last["by_ethnicity"].items():
        print(
            f"  {name:28} {f['missing']:6} {f['found']:6} {f['recall']:8.2%} {f['candidates']:6} {f['precision']:8.2%}"
        )
    print(f"\nMoved away: {last['moved_away']}")
    (WORK / "results.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "timings": timings,
                "baseline": base,
                "results": results,
                "rows": rows,
                "load": _load(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
