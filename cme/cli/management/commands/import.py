"""`cme import KIND FILE`: load a file from outside into cme; `cme import schools FILE` loads the GIAS register extract,
`cme import source KIND FILE` a data-matching extract (council tax, housing, benefits, GP, admissions, school roll).

`cme import returns FILE.csv` and `cme import ctf FILE.xml` load schools' returns all or nothing: when any row or
pupil is wrong, every problem is listed and nothing is written (exit 1).

Exit status: 0 when every row was imported, 1 when some rows were rejected (they are listed on stderr, the rest were
imported), 2 when the file as a whole was refused and nothing was written, or the arguments were wrong.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cme.common.errors import ApplicationError
from cme.matching.enums import SourceKind
from cme.matching.models import DataSource, SourceImport
from cme.matching.services import data_source_register, source_import_file
from cme.matching.sources import SourceFileRefused
from cme.privacy.enums import LawfulBasis
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
        source = kinds.add_parser(
            "source",
            help="a data-matching extract: council tax, housing, benefits, GP, admissions (CSV), or a school roll "
            "(CSV or CTF)",
        )
        source.add_argument("source_kind", metavar="SOURCE_KIND", choices=[k.replace("_", "-") for k in SourceKind],
                            help="one of: " + ", ".join(k.replace("_", "-") for k in SourceKind))  # fmt: skip
        source.add_argument("file", type=Path, help="the CSV file, laid out as the template (docs/matching.md)")
        source.add_argument(
            "--source",
            dest="source_name",
            default="",
            help="the registered data source's name, when more than one of this kind is registered",
        )
        source.add_argument(
            "--supplier",
            default="",
            help="register a source of this kind from this supplier, if none is registered yet",
        )
        source.add_argument("--lawful-basis", default=LawfulBasis.LEGAL_OBLIGATION, choices=LawfulBasis.values)
        source.add_argument(
            "--received-on",
            type=date.fromisoformat,
            default=None,
            help="the date the council received the extract (YYYY-MM-DD; default today)",
        )
        source.add_argument(
            "--user",
            default="",
            help="your username: the disclosure log names who received the extract (default: the person who "
            "registered the source)",
        )
        source.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="refuse the whole file if any row has a problem, instead of holding those rows back",
        )
        source.set_defaults(run=self.import_source)

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
        for warning in report.file_warnings:
            self.stdout.write(f"Warning: {warning}")
        if report.warnings and report.created:
            self.stdout.write(
                f"{len(report.warnings):,} details were kept as written for an officer to tidy (shown on each return):"
            )
            for warning in report.warnings:
                self.stdout.write(f"Warning: {warning}")

    def import_source(self, *, source_kind: str, file: Path, source_name: str, supplier: str, lawful_basis: str,
                      received_on: date | None, all_or_nothing: bool, user: str, **options) -> None:  # fmt: skip
        from django.utils import timezone

        actor = self.user(user)
        source = self.data_source(SourceKind(source_kind.replace("-", "_")), source_name, supplier, lawful_basis, actor)
        with self.progress_bar(f"Importing {file.name}", unit="rows") as progress:
            try:
                result = source_import_file(actor=actor, source=source, path=file, progress=progress,
                                            received_on=received_on or timezone.localdate(),
                                            all_or_nothing=all_or_nothing)  # fmt: skip
            except SourceFileRefused as error:
                self.report_refused_rows(source)
                raise CommandError(
                    f"{file} was not imported. {error.message}", returncode=EXIT_FILE_REJECTED
                ) from error
            except ApplicationError as error:
                raise CommandError(error.message, returncode=EXIT_FILE_REJECTED) from error
        self.report_source(result)

    def user(self, username: str):
        from cme.accounts.models import User

        if not username:
            return None
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(f"There is no active user {username!r}.", returncode=EXIT_FILE_REJECTED)
        return found

    def data_source(self, kind: SourceKind, name: str, supplier: str, lawful_basis: str, actor=None) -> DataSource:
        """The registered source to import into: named, the only one of its kind, or registered now from --supplier."""
        sources = DataSource.objects.filter(kind=kind, is_active=True)
        if name:
            sources = sources.filter(name__iexact=name)
        found = list(sources[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(DataSource.objects.filter(kind=kind, is_active=True).values_list("name", flat=True))
            raise CommandError(f"More than one {kind.label} source is registered ({names}): name one with --source.",
                               returncode=EXIT_FILE_REJECTED)  # fmt: skip
        if not supplier:
            raise CommandError(
                f"No active {kind.label} source{f' named {name!r}' if name else ''} is registered. Register it on the "
                "Data sources page, or pass --supplier (and --lawful-basis) to register it now.",
                returncode=EXIT_FILE_REJECTED,
            )
        return data_source_register(actor=actor, name=name or f"{kind.label.split(' (')[0]} from {supplier}",
                                    kind=kind, supplier=supplier, lawful_basis=lawful_basis)  # fmt: skip

    def report_source(self, result: SourceImport) -> None:
        """Held-back rows to stderr with their lines and reasons, the counts to stdout; exit 1 if any were held."""
        for row in result.rejected_rows.order_by("line"):
            self.stderr.write(f"line {row.line}: {'; '.join(row.reasons)}")
        self.stdout.write(
            f"{result.source.name}: {result.rows_imported:,} records imported, {result.rows_rejected:,} rows held back "
            f"for review ({result.rows_read:,} rows). Receipt logged as disclosure {result.disclosure_id}."
        )
        for note in getattr(result, "notes", []):
            self.stdout.write(f"Note: {note}")
        if result.rows_rejected:
            raise SystemExit(EXIT_ROWS_REJECTED)

    def report_refused_rows(self, source: DataSource) -> None:
        latest = source.imports.order_by("-pk").first()
        if latest is not None:
            for row in latest.rejected_rows.order_by("line"):
                self.stderr.write(f"line {row.line}: {'; '.join(row.reasons)}")

    def progress_bar(self, description: str, unit: str = "bytes") -> "_ProgressBar":
        return _ProgressBar(description, unit=unit)

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
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
        if report.rejected:
            raise SystemExit(EXIT_ROWS_REJECTED)


class _ProgressBar:
    """A rich progress bar on stderr, in bytes of the file or in rows; silent when stderr is not a terminal (cron,
    logs, tests)."""

    def __init__(self, description: str, unit: str = "bytes"):
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn() if unit == "bytes" else MofNCompleteColumn(),
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
