"""`cme import KIND FILE`: load a file from outside into cme; `cme import schools FILE` loads the GIAS register extract.

`cme import returns FILE.csv` and `cme import ctf FILE.xml` load schools' returns all or nothing: when any row or
pupil is wrong, every problem is listed and nothing is written (exit 1).

Exit status: 0 when every row was imported, 1 when some rows were rejected (they are listed on stderr, the rest were
imported), 2 when the file as a whole was refused and nothing was written, or the arguments were wrong.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from cme.schools.enums import ReturnChannel
from cme.schools.register import ImportReport, RegisterFileRejected
from cme.schools.returns.files import ReturnFileRejected
from cme.schools.returns.services import returns_import
from cme.schools.services import school_register_import

EXIT_ROWS_REJECTED = 1
EXIT_FILE_REJECTED = 2


class Command(BaseCommand):
    help = (
        "Import a file into cme. KIND says what the file is: `schools` for the GIAS register extract, `returns` for "
        "schools' returns (CSV template), `ctf` for a Common Transfer File."
    )

    def add_arguments(self, parser):
        # Each kind of file is one subparser whose `run` default names the method that imports it.
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        schools = kinds.add_parser(
            "schools", help="the national school register extract from GIAS (edubasealldataYYYYMMDD.csv)"
        )
        schools.add_argument("file", type=Path, help="the CSV file as downloaded (Windows-1252; UTF-8 is accepted)")
        schools.set_defaults(run=self.import_schools)
        returns = kinds.add_parser("returns", help="schools' returns in the council's CSV template (docs/returns.md)")
        returns.add_argument("file", type=Path, help="the CSV file (UTF-8 or Windows-1252)")
        returns.set_defaults(run=self.import_returns, channel=ReturnChannel.CSV)
        ctf = kinds.add_parser("ctf", help="a Common Transfer File (CTF 24 or 25, including lost-pupil files)")
        ctf.add_argument("file", type=Path, help="the CTF XML file")
        ctf.set_defaults(run=self.import_returns, channel=ReturnChannel.CTF)

    def handle(self, *args, run, **options):
        run(**options)

    def import_schools(self, *, file: Path, **options) -> None:
        with self.progress_bar(f"Importing {file.name}") as progress:
            try:
                report = school_register_import(source=file, actor=None, progress=progress)
            except RegisterFileRejected as error:
                message = f"{file} was not imported. {error.message}"
                raise CommandError(message, returncode=EXIT_FILE_REJECTED) from error
        self.report_schools(report)

    def import_returns(self, *, file: Path, channel: ReturnChannel, **options) -> None:
        """All or nothing: exit 1 listing every bad row or pupil when any is wrong, 2 when the file is unreadable."""
        try:
            content = file.read_bytes()
            report = returns_import(content=content, file_name=file.name, channel=channel, actor=None)
        except OSError as error:
            raise CommandError(
                f"{file} was not imported. It cannot be read: {error.strerror}.", returncode=EXIT_FILE_REJECTED
            ) from error
        except ReturnFileRejected as error:
            raise CommandError(f"{file} was not imported. {error.message}", returncode=EXIT_FILE_REJECTED) from error
        for problem in report.errors:
            self.stderr.write(str(problem))
        if report.rejected:
            self.stdout.write(
                f"{file} was not imported: {len(report.errors):,} problems (listed on stderr). "
                "Nothing was written; correct the file and import it again."
            )
            raise SystemExit(EXIT_ROWS_REJECTED)
        again = " (this file was imported before)" if report.already_imported else ""
        self.stdout.write(f"Returns: {report.created:,} created, {report.unchanged:,} already held{again}.")

    def progress_bar(self, description: str) -> "_ProgressBar":
        return _ProgressBar(description)

    def report_schools(self, report: ImportReport) -> None:
        """Rejected rows to stderr, the counts to stdout; exit 1 if any row was rejected."""
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"Schools: {report.created:,} created, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged, {report.closed:,} closed, {report.rejected:,} rejected "
            f"({report.rows:,} rows)."
        )
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if report.rejected:
            raise SystemExit(EXIT_ROWS_REJECTED)


class _ProgressBar:
    """A rich progress bar on stderr, in bytes of the file; silent when stderr is not a terminal (cron, logs, tests)."""

    def __init__(self, description: str):
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=False,
        )
        self._task = self._progress.add_task(description, total=None)

    def __enter__(self) -> "_ProgressBar":
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def __call__(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)
