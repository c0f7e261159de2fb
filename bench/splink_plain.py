"""A plain Splink 5 script, the baseline `cme link` is timed against in bench/febrl.py.

    .venv/bin/python bench/splink_plain.py LEFT.csv RIGHT.csv --output PAIRS.csv    # link two files
    .venv/bin/python bench/splink_plain.py --dedupe FILE.csv --output PAIRS.csv     # one file

It reads the same CSV files as `cme link` (the same columns: given_name, family_name, date_of_birth, address,
postcode) and does what Splink's own tutorials do, nothing more: Splink's stock comparisons (names by Jaro-Winkler
with term frequencies, date of birth, address, postcode), blocking on single columns, lambda from a deterministic
rule, u by random sampling, m by expectation maximisation on two blocking rules, prediction at 0.5. It writes
`left_id,right_id,match_probability,match_weight` as `cme link` does. Run in its own process, as `cme link` is, so
that interpreter start-up and imports count alike.
"""

import argparse
import time

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ["id", "given_name", "family_name", "date_of_birth", "address", "postcode"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--dedupe")
    parser.add_argument("--output", required=True)
    options = parser.parse_args(argv)
    started = time.perf_counter()
    paths = [options.dedupe] if options.dedupe else options.files
    frames = [pd.read_csv(path, dtype=str, usecols=COLUMNS, keep_default_na=True) for path in paths]
    settings = SettingsCreator(
        link_type="dedupe_only" if options.dedupe else "link_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("family_name"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(frame) for frame in frames]
    linker = Linker(tables, settings, log_level="WARNING")
    deterministic = [
        "l.given_name = r.given_name and l.family_name = r.family_name and l.date_of_birth = r.date_of_birth"
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e5, seed=2026)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    pairs = pd.DataFrame(
        {
            "left_id": predictions["id_l"],
            "right_id": predictions["id_r"],
            "match_probability": predictions["match_probability"],
            "match_weight": predictions["match_weight"],
        }
    )
    if not options.dedupe:  # left ids from the left file, as `cme link` writes them
        swapped = ~pairs["left_id"].isin(set(frames[0]["id"]))
        pairs.loc[swapped, ["left_id", "right_id"]] = pairs.loc[swapped, ["right_id", "left_id"]].to_numpy()
    pairs.sort_values("match_weight", ascending=False).to_csv(options.output, index=False)
    print(f"{len(pairs)} pairs in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
