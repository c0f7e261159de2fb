"""`cme link LEFT.csv RIGHT.csv --output PAIRS.csv`, `cme link --dedupe FILE.csv --output PAIRS.csv`.

Finds records of the same person in two files, or within one, with the linkage model of cme.matching.linkage
(trained on the files themselves, without labels, unless --model gives a saved one). Analysts can run it on their
own files; it touches no database.

Input columns: id, given_name, family_name, date_of_birth, sex, address, postcode; optionally middle_names, known_as,
uprn, upn, nhs_number. Blank values are allowed. Output: left_id,right_id,match_probability,match_weight for every
pair at or above --threshold.

By default each of two files holds one record per person, so a record links to at most one record of the other
file (Splink's one-to-one linking: a twin's own record wins; a lone candidate gets through); a record with two
equally strong candidates is linked to neither and the pairs are written to --ties (PAIRS-ties.csv beside the
output unless given) for a person to decide. --left-duplicates / --right-duplicates say a file may hold several
records of one person. A dedupe also writes every other pair of records its clusters join (--no-cluster-pairs: only
the pairs at or above the threshold). The sibling guard asks for evidence (different sex, NHS number or UPN) unless
a linked file may hold several records of one person, where it holds down every pair that looks like twins.

Exit status: 0 when the pairs were written; 2 when an input file was refused (every problem is listed on stderr with
its file, line and column) or the arguments were wrong; 3 when the backend cannot run here.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cme.matching.linkage import (
    BACKENDS,
    LinkageBackendUnavailable,
    LinkageInputError,
    LinkResult,
    TrainingOptions,
    dedupe_frame,
    link_frames,
)
from cme.matching.linkage.csvfiles import pairs_csv_write, records_csv_read
from cme.matching.linkage.model import SIBLING_GUARD_MODES

# u from 200,000 random pairs rather than the library's 500,000: the same F1 on every FEBRL set (bench/febrl.py) in
# about half the training time, which is most of a run's time. The sample is seeded, so a run is still repeatable.
TRAINING = TrainingOptions(u_max_pairs=2e5)
EXIT_INPUT_REFUSED = 2
EXIT_BACKEND_UNAVAILABLE = 3


class Command(BaseCommand):
    help = "Find records of the same person in two CSV files (LEFT RIGHT), or within one (--dedupe FILE)."
    # It reads files and writes files: no database, models or URLs to check (cme.cli.link runs it without
    # django.setup(), so that start-up costs what a plain Splink script's does).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE", help="LEFT.csv RIGHT.csv to link")
        parser.add_argument("--dedupe", type=Path, metavar="FILE", help="find records of one person within FILE")
        parser.add_argument("--output", type=Path, required=True, metavar="PAIRS.csv", help="where to write pairs")
        parser.add_argument(
            "--threshold", type=float, default=0.5, help="lowest match probability written (default 0.5)"
        )
        parser.add_argument("--backend", choices=BACKENDS, default="duckdb", help="duckdb (default) or spark")
        parser.add_argument(
            "--sibling-guard",
            choices=SIBLING_GUARD_MODES,
            default=None,
            help="hold down pairs that look like twins (same family and birth date, other given name): always; only "
            "where sex, NHS number or UPN differ (evidence); or off. Default: evidence, or always when a linked file "
            "may hold several records of one person",
        )
        parser.add_argument(
            "--no-sibling-guard",
            dest="sibling_guard",
            action="store_const",
            const="off",
            help="the same as --sibling-guard off",
        )
        parser.add_argument(
            "--left-duplicates",
            action="store_true",
            help="LEFT may hold several records of one person (default: one each, linked one to one)",
        )
        parser.add_argument(
            "--right-duplicates",
            action="store_true",
            help="RIGHT may hold several records of one person (default: one each, linked one to one)",
        )
        parser.add_argument(
            "--ties",
            type=Path,
            metavar="TIES.csv",
            help="where to write pairs left for a person: a record with equally strong candidates (default: "
            "PAIRS-ties.csv beside --output, written only when there are ties)",
        )
        parser.add_argument(
            "--no-cluster-pairs",
            dest="cluster_pairs",
            action="store_false",
            help="dedupe: write only pairs at or above the threshold, not the other pairs their clusters join",
        )
        parser.add_argument("--model", type=Path, metavar="MODEL.json", help="use this saved model; do not train")
        parser.add_argument("--save-model", type=Path, metavar="MODEL.json", help="write the trained model here")
        parser.add_argument(
            "--save-run", type=Path, metavar="RUN.json", help="write the run's record here (settings, version, model)"
        )

    def handle(self, *args, files, dedupe, output, save_model, save_run, ties, **options):
        self.check_arguments(files=files, dedupe=dedupe, threshold=options["threshold"], model=options["model"])
        settings = {key: options[key] for key in ("threshold", "backend", "model")}
        settings["training"] = TRAINING
        several = options["left_duplicates"] or options["right_duplicates"]
        settings["sibling_guard"] = options["sibling_guard"] or ("always" if several and not dedupe else "evidence")
        try:
            with _ProgressBar() as progress:
                if dedupe:
                    result = dedupe_frame(
                        records_csv_read(dedupe), progress=progress, cluster_pairs=options["cluster_pairs"], **settings
                    )
                else:
                    left, right = records_csv_read(files[0]), records_csv_read(files[1])
                    result = link_frames(
                        left,
                        right,
                        progress=progress,
                        left_one_per_person=not options["left_duplicates"],
                        right_one_per_person=not options["right_duplicates"],
                        **settings,
                    )
        except LinkageInputError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was linked: {len(error.problems):,} problem(s) in the input.", returncode=EXIT_INPUT_REFUSED
            ) from error
        except LinkageBackendUnavailable as error:
            raise CommandError(str(error), returncode=EXIT_BACKEND_UNAVAILABLE) from error
        pairs_csv_write(result.pairs, output)
        if ties or not result.ties.empty:  # asked for: written even when empty, so it is this run's
            ties = ties or output.with_name(f"{output.stem}-ties{output.suffix or '.csv'}")
            pairs_csv_write(result.ties, ties)
        self.save(result, save_model=save_model, save_run=save_run)
        self.report(result, output, ties=ties)

    def check_arguments(self, *, files, dedupe, threshold, model) -> None:
        if dedupe and files:
            raise CommandError("Give either two files to link or --dedupe FILE, not both.", returncode=2)
        if not dedupe and len(files) != 2:
            raise CommandError("Give two files to link (LEFT.csv RIGHT.csv), or --dedupe FILE.csv.", returncode=2)
        if not 0 <= threshold <= 1:
            raise CommandError(f"--threshold is a probability from 0 to 1, not {threshold}.", returncode=2)
        if model and not model.is_file():
            raise CommandError(f"--model {model}: no such file.", returncode=2)

    def save(self, result: LinkResult, *, save_model: Path | None, save_run: Path | None) -> None:
        if save_model:
            save_model.write_text(result.model_json(), encoding="utf-8")
        if save_run:
            record = {"run": result.run.as_dict(), "model": result.model}
            save_run.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")

    def report(self, result: LinkResult, output: Path, *, ties: Path) -> None:
        run = result.run
        counts = " and ".join(f"{count:,}" for count in run.records.values())
        above = int((result.pairs["match_probability"] >= run.threshold).sum())
        joined = run.pairs - above
        through = f", and {joined:,} more pairs their clusters join," if joined else ""
        self.stdout.write(
            f"Compared {counts} records: {above:,} pairs at or above {run.threshold:g}{through} written to {output} "
            f"(model {run.model_version}, {run.backend}, "
            f"{(run.finished_at - run.started_at).total_seconds():.1f} s)."
        )
        if not result.ties.empty:
            self.stdout.write(
                f"{len(result.ties):,} pairs were not linked because a record had equally strong candidates in a file "
                f"that holds one record per person: a person must decide. They are in {ties}."
            )


class _ProgressBar:
    """Stages of the run as a rich progress bar on stderr; silent when stderr is not a terminal (cron, logs, tests)."""

    def __init__(self):
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} stages"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task("Reading files", total=None)

    def __enter__(self) -> "_ProgressBar":
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._progress.update(self._task, description=stage, completed=done, total=total)
