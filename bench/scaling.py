"""Scaling benchmark: the linkage engine on DuckDB and on a local Spark, 10,000 to 1,000,000 records, link and dedupe.

    .venv/bin/python bench/scaling.py                                   # 10k, 100k, 1M on DuckDB; 10k, 100k on Spark
    .venv/bin/python bench/scaling.py --engines duckdb --sizes 10000,100000 --modes link
    .venv/bin/python bench/scaling.py --engines spark --sizes 10000 --runs 3
    .venv/bin/python bench/scaling.py --engines duckdb --modes pairs --sizes 100000,1000000   # pairs by blocking rule

Records: the linkage tests' synthetic population (tests/matching/linkage/synthetic.py: known-as names,
transliterations, swapped day and month, typos, moves, twins), made in towns of 10,000 people each so that a large
file is many towns rather than one town of a million with 56 given names: each town has its own postcode area, its
own family-name ending and 250 streets of its own (a street for each postcode, kept when a record's copy keeps the
postcode), as a country has. The linkage tests' population has six streets, too few for a town: every block that
joins on the street (with a name sound or a house number) would hold hundreds of records. Size is the number of
records compared: for `link`, the two files together (each person in the first, most of them and some others in
the second); for `dedupe`, the same records as one file.

Each measurement is one run of `link_frames` / `dedupe_frame` with the settings `cme link` gives them when run with
no flags (trained on the records without labels, then scored at threshold 0.5; two files linked one to one; a
dedupe's cluster pairs; the sibling guard asking for evidence), in a subprocess of its own, so each starts cold as
`cme link` does:
- time: the linkage call alone (not making the records), wall clock;
- peak memory: the largest resident set of the subprocess and everything it started (Spark's JVM is a child of the
  Python process), sampled every 0.2 s, and the subprocess's own max RSS (getrusage).
Spark runs on `local[2]` with cme's local defaults (docs/operating.md, "Spark"); `CME_SPARK_CONF` changes them.
The load average before and after each measurement is printed: the machine may be shared. A benchmark, not a test.
Figures and the projection to a national run are in docs/benchmarks.md, "Scaling".
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWN_SIZE = 10_000  # people per town
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SYLLABLES = (
    "ash", "bar", "bel", "bram", "brock", "cal", "carr", "dun", "eld", "fen", "gran", "hal", "holm", "kel", "lang",
    "mor", "nor", "pen", "ros", "thorn",
)  # fmt: skip
ENDINGS = ("ford", "ley", "ton", "by", "well", "ham", "field", "wick", "stow", "bridge")


def records(size: int, seed: int = 2026):
    """(left, right) frames of about `size` records together, made town by town."""
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from tests.matching.linkage.synthetic import population

    people = max(1, round(size / 2.05))  # the second file holds 0.8 + 0.25 of the first's people
    lefts, rights = [], []
    for town in range(0, (people + TOWN_SIZE - 1) // TOWN_SIZE):
        count = min(TOWN_SIZE, people - town * TOWN_SIZE)
        made = population(count, seed=seed + town)
        name = (SYLLABLES[town % 20] + ENDINGS[(town // 20) % 10]).title()
        area = LETTERS[(town // 20) % 20] + LETTERS[town % 20]
        streets = town_streets(town)
        for frame, out in ((made.left, lefts), (made.right, rights)):
            frame = frame.copy()
            frame["id"] = f"t{town}-" + frame["id"]
            frame["postcode"] = frame["postcode"].str.replace(r"^[A-Za-z]+", area, regex=True)
            # The house number stays; the street is the postcode's (a postcode is part of one street).
            codes = frame["postcode"].str.upper().str.replace(" ", "")
            street = [streets[zlib.crc32(code.encode()) % len(streets)] for code in codes]
            number = frame["address"].str.extract(r"^(\d+)", expand=False)
            address = number + " " + pd.Series(street, index=frame.index) + ", " + name
            shouted = frame["address"].str.isupper()  # the copies written in capitals, with Road as RD
            address[shouted] = address[shouted].str.upper().str.replace("ROAD", "RD")
            frame["address"] = address
            frame["family_name"] = frame["family_name"].where(
                frame["family_name"].fillna("") == "",
                frame["family_name"] + SYLLABLES[town % 20] + ENDINGS[(town // 20) % 10],
            )
            out.append(frame)
    return pd.concat(lefts, ignore_index=True), pd.concat(rights, ignore_index=True)


STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Crescent", "Grove", "Drive", "Place")
CONSONANTS = "bcdfghklmnprstvw"
VOWELS = "aeiou"


def town_streets(town: int, count: int = 250) -> list[str]:
    """`count` street names for one town, made up (consonant-vowel words of two or three syllables and a street type):
    the first four letters, which the linkage blocks on, differ between most of a town's streets, and some names
    repeat between towns, as High Street and Station Road do."""
    import random

    rng = random.Random(town)  # noqa: S311 - made-up street names, seeded to be repeatable
    names: set[str] = set()
    while len(names) < count:
        word = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.choice((2, 3))))
        names.add(f"{word.title()} {rng.choice(STREET_TYPES)}")
    return sorted(names)


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def worker(engine: str, mode: str, size: int) -> dict:
    """One measurement, in this (sub)process: make the records, then time the linkage."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    from cme.cli.management.commands.link import TRAINING
    from cme.matching.linkage import dedupe_frame, link_frames

    left, right = records(size)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss(os.getpid()))

    threading.Thread(target=sample, daemon=True).start()
    started = time.perf_counter()
    defaults = {"backend": engine, "training": TRAINING, "sibling_guard": "evidence"}  # `cme link` with no flags
    if mode == "link":
        result = link_frames(left, right, left_one_per_person=True, right_one_per_person=True, **defaults)
    else:
        import pandas as pd

        result = dedupe_frame(pd.concat([left, right], ignore_index=True), cluster_pairs=True, **defaults)
    seconds = time.perf_counter() - started
    done.set()
    return {
        "engine": engine,
        "mode": mode,
        "records": len(left) + len(right),
        "pairs": result.run.pairs,
        "seconds": round(seconds, 2),
        "peak_tree_mb": round(peak[0] / 2**20),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def pairs_by_rule(size: int) -> dict:
    """How many pairs each blocking rule adds (beyond the rules before it) when `size` records are deduplicated:
    Splink's own count of the blocked pairs, exact. Rules whose pairs grow with the square of the records (a date of
    birth is shared by the whole country, a street is not) are what a national run must watch."""
    import pandas as pd
    from splink import DuckDBAPI, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from cme.matching.linkage.frames import frame_prepare
    from cme.matching.linkage.model import PREDICTION_BLOCKING_RULES, SWAPPED_DATE_RULE, SWAPPED_NAMES_RULE

    left, right = records(size)
    prepared = frame_prepare(pd.concat([left, right], ignore_index=True))
    used = {"id", "date_of_birth_swapped", "given_name", "family_name"}
    used |= {column for rule in PREDICTION_BLOCKING_RULES for column in rule if "(" not in column}
    table = DuckDBAPI().register(prepared[sorted(used)])
    rules = [block_on(*rule) for rule in PREDICTION_BLOCKING_RULES] + [SWAPPED_DATE_RULE, SWAPPED_NAMES_RULE]
    names = [" + ".join(rule) for rule in PREDICTION_BLOCKING_RULES] + ["date of birth swapped", "names swapped"]
    counted = count_comparisons_from_blocking_rules(
        table, blocking_rules=rules, link_type="dedupe_only", unique_id_column_name="id", record_sample_proportion=1.0
    )
    return {
        "mode": "pairs",
        "records": len(prepared),
        "pairs": {name: int(row["marginal_comparison_count"]) for name, row in zip(names, counted, strict=True)},
        "total": int(counted[-1]["cumulative_comparison_count"]),
    }


def measure(engine: str, mode: str, size: int, timeout: float) -> dict:
    before = os.getloadavg()
    command = [sys.executable, __file__, "--worker", engine, mode, str(size)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return {"engine": engine, "mode": mode, "size": size, "error": f"not finished in {timeout:.0f} s"}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        return {"engine": engine, "mode": mode, "size": size, "error": done.stderr.strip().splitlines()[-1:]}
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row.update(size=size, load_before=round(before[0], 1), load_after=round(os.getloadavg()[0], 1))
    row["children_max_rss_mb"] = round(children.ru_maxrss / 1024)
    return row


def projection(rows: list[dict], target: int = 9_000_000) -> list[str]:
    """A power law t = a * n^k fitted to each engine and mode's two largest sizes, carried to `target` records."""
    import math

    lines = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        if "seconds" in row:
            groups.setdefault((row["engine"], row["mode"]), []).append(row)
    for (engine, mode), found in sorted(groups.items()):
        found.sort(key=lambda row: row["records"])
        if len(found) < 2:
            continue
        small, large = found[-2], found[-1]
        k = math.log(large["seconds"] / small["seconds"]) / math.log(large["records"] / small["records"])
        projected = large["seconds"] * (target / large["records"]) ** k
        lines.append(
            f"{engine} {mode}: time grows as n^{k:.2f} between {small['records']:,} and {large['records']:,} records; "
            f"carried to {target:,}: about {projected / 60:,.0f} minutes (a projection, not a measurement)"
        )
    return lines


def pairs_growth(rows: list[dict]) -> list[str]:
    """For `--modes pairs` at two or more sizes: how each rule's pairs grew between the two largest (n^k)."""
    import math

    found = sorted((row for row in rows if row.get("mode") == "pairs" and "total" in row), key=lambda r: r["records"])
    if len(found) < 2:
        return []
    small, large = found[-2], found[-1]
    scale = math.log(large["records"] / small["records"])
    lines = []
    for name, count in [*large["pairs"].items(), ("all rules", large["total"])]:
        before = small["pairs"].get(name, small["total"] if name == "all rules" else 0)
        growth = f"n^{math.log(count / before) / scale:.2f}" if before and count else "-"
        lines.append(f"{name}: {before:,} -> {count:,} pairs ({growth})")
    return lines


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        if sys.argv[3] == "pairs":
            print(json.dumps(pairs_by_rule(int(sys.argv[4]))))
        else:
            print(json.dumps(worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--modes", default="link,dedupe")
    parser.add_argument("--sizes", default="", help="comma-separated record counts (default by engine)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each measurement; the median is reported")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a measurement is given up")
    parser.add_argument("--json", type=Path, help="write every row here too")
    options = parser.parse_args()
    default_sizes = {"duckdb": "10000,100000,1000000", "spark": "10000,100000"}
    rows = []
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()}", flush=True)
    for engine in options.engines.split(","):
        for mode in options.modes.split(","):
            for size in map(int, (options.sizes or default_sizes[engine]).split(",")):
                runs = [measure(engine, mode, size, options.timeout) for _ in range(options.runs)]
                good = [run for run in runs if "seconds" in run]
                row = runs[-1] if not good else dict(good[-1], seconds=statistics.median(r["seconds"] for r in good))
                row["runs"] = len(good)
                rows.append(row)
                print(json.dumps(row), flush=True)
    for line in projection(rows) + pairs_growth(rows):
        print(line)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
