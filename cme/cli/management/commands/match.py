"""`cme match run`: match the latest source extracts against the school rolls and refresh the review queue.

It proposes candidates for a person to review; it never confirms or dismisses one. Exit status: 0 when the run
finished, 2 when it could not run (the reason is printed).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cme.matching.run import STAGES, match_run_execute
from cme.matching.services import match_run_create

EXIT_FAILED = 2


class Command(BaseCommand):
    help = "Data matching. `cme match run` finds children living here who are on no school roll, for review."
    # A batch job run every night: Django's system checks (URL patterns, templates) took a second of every run and
    # concern the web service, which `cme check --deploy` and `cme run` check.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser("run", help="run the matching now and refresh the review queue")
        run.add_argument("--on", type=date.fromisoformat, default=None,
                         help="judge age and residence on this day (YYYY-MM-DD; default today)")  # fmt: skip
        run.add_argument("--retrain", action="store_true",
                         help="train the linkage models afresh instead of reusing the last run's")  # fmt: skip
        run.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb",
                         help="where the linkage runs: duckdb in this process (default), or spark on the active or a "
                              "local Spark session (needs PySpark and Java)")  # fmt: skip
        run.set_defaults(handler=self.run)

    def handle(self, *args, handler, **options):
        handler(**options)

    def run(self, *, on: date | None, retrain: bool, backend: str = "duckdb", **options) -> None:
        self.warn_stale_rolls(on)
        run = match_run_create(actor=None, on_date=on, options={"retrain": retrain, "backend": backend})
        console = Console(stderr=True)
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, disable=not console.is_terminal)  # fmt: skip
        with progress:
            task = progress.add_task("Match run", total=len(STAGES))
            try:
                run = match_run_execute(run=run, backend=backend, progress=lambda stage, done: progress.update(
                    task, completed=done, description=stage))  # fmt: skip
            except Exception as error:
                raise CommandError(f"Match run {run.pk} failed: {error}", returncode=EXIT_FAILED) from error
        counts = run.counts
        self.stdout.write(
            f"Match run {run.pk} on {run.on_date:%d %B %Y}: {counts.get('people', 0):,} people from "
            f"{counts.get('resident_records', 0):,} records; {counts.get('school_age_people', 0):,} of compulsory "
            f"school age; {counts.get('not_on_roll', 0):,} on no school roll and {counts.get('moved_away', 0):,} who "
            f"appear to have moved away."
        )
        self.stdout.write(
            f"Review queue: {counts.get('new', 0):,} new, {counts.get('still_to_review', 0):,} still to review, "
            f"{counts.get('reopened', 0):,} dismissed before but with new evidence, "
            f"{counts.get('still_dismissed', 0):,} still dismissed, "
            f"{counts.get('no_longer_found', 0):,} no longer found."
        )
        self.stdout.write(f"Model: {run.model_version}")

    def warn_stale_rolls(self, on: date | None) -> None:
        """Before a run: each school whose latest roll is older than the council allows (council settings)."""
        from cme.council.selectors import council_settings_get
        from cme.matching.selectors import school_rolls_in_use

        stale = [roll for roll in school_rolls_in_use(on=on) if roll.is_stale]
        if not stale:
            return
        limit = council_settings_get().roll_max_age_days
        self.stdout.write(f"Warning: {len(stale):,} school rolls are older than {limit} days; pupils who joined since "
                          "may be proposed as on no roll:")  # fmt: skip
        for roll in stale:
            self.stdout.write(f"  {roll.school_name} (URN {roll.school_urn}): received {roll.received_on:%-d %B %Y}, "
                              f"{roll.age_days} days old")  # fmt: skip
