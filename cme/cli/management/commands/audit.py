"""`cme audit verify` checks the audit chain end to end; `cme audit export` writes the audit trail as CSV.

cme audit verify [--batch-size N]
    Exit 0 when every entry and every detail still held matches its hash; exit 1 naming the first entry that was
    altered, removed or reordered (the message goes to stderr).
cme audit export [--since DATE] [--until DATE] [--child ID] [--user ID] [--object TYPE:ID] [--event EVENT]
                 [--as USERNAME] [--format csv]
    The matching entries as CSV on stdout, oldest first. The export is itself recorded in the audit trail.
"""

import argparse
import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cme.audit.events import AuditEvent
from cme.audit.selectors import chain_verify
from cme.audit.services import audit_details_erased_by_batch, audit_export_csv
from cme.audit.verify import DEFAULT_BATCH_SIZE

EXIT_CHAIN_BROKEN = 1


class Command(BaseCommand):
    help = "The audit trail: `verify` checks the hash chain, `export` writes entries as CSV."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="check every entry's hash, link and order, and every detail held")
        verify.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="entries read per query")
        verify.set_defaults(run=self.verify)

        export = actions.add_parser("export", help="write audit entries as CSV to stdout, oldest first")
        export.add_argument("--since", type=_date, help="from this date (YYYY-MM-DD), inclusive")
        export.add_argument("--until", type=_date, help="to this date (YYYY-MM-DD), inclusive")
        export.add_argument("--child", type=int, dest="child_id", help="entries about this child (id)")
        export.add_argument("--user", type=int, dest="actor_id", help="entries by this user (id)")
        export.add_argument("--object", type=_object, dest="target", help="entries about this object, as TYPE:ID")
        export.add_argument("--event", choices=AuditEvent.values, metavar="EVENT", help="only this kind of entry")
        export.add_argument("--as", dest="exporter", metavar="USERNAME", help="who is exporting (recorded)")
        export.add_argument("--format", choices=["csv"], default="csv", help="csv (the only format so far)")
        export.set_defaults(run=self.export)

    def handle(self, *args, run, **options):
        run(**options)

    def verify(self, *, batch_size: int, **options) -> None:
        with _ProgressBar("Verifying the audit chain") as progress:
            result = chain_verify(batch_size=batch_size, progress=progress)
        summary = (
            f"{result.entries_checked:,} entries checked, {result.details_checked:,} details checked, "
            f"{result.details_erased:,} details erased, in {result.seconds:.2f} s ({result.rate:,.0f} entries/s)."
        )
        if not result.ok:
            self.stderr.write(f"The audit chain is broken at entry {result.sequence} ({result.problem}).")
            self.stderr.write(result.message)
            self.stderr.write(f"Before it: {summary}")
            raise SystemExit(EXIT_CHAIN_BROKEN)
        self.stdout.write(f"The audit chain is intact: {summary}")
        self.stdout.write(f"Head: entry {result.head_sequence}, hash {result.head_hash}")
        if by_batch := audit_details_erased_by_batch():
            parts = [
                f"{count:,} by disposal batch {batch}" if batch is not None else f"{count:,} outside a disposal batch"
                for batch, count in sorted(by_batch.items(), key=lambda item: (item[0] is None, item[0] or 0))
            ]
            self.stdout.write(f"Details erased under the retention rules: {'; '.join(parts)}.")

    def export(self, *, exporter: str | None, target: tuple[str, str] | None, **options) -> None:
        actor = None
        if exporter:
            actor = get_user_model().objects.filter(username=exporter, is_active=True).first()
            if actor is None:
                raise CommandError(f"There is no active user {exporter!r}.")
        target_type, target_id = target or (None, None)
        audit_export_csv(
            actor=actor,
            out=_Raw(self.stdout),
            since=options["since"],
            until=options["until"],
            child_id=options["child_id"],
            actor_id=options["actor_id"],
            target_type=target_type,
            target_id=target_id,
            event=options["event"],
            via="command line",
        )


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD") from None


def _object(value: str) -> tuple[str, str]:
    object_type, _, object_id = value.partition(":")
    if not object_type or not object_id:
        raise argparse.ArgumentTypeError(f"{value!r} is not an object: use TYPE:ID, e.g. people.child:123")
    return object_type, object_id


class _Raw:
    """Lets the csv module write through a command's stdout without it adding line endings of its own."""

    def __init__(self, wrapper):
        self._wrapper = wrapper

    def write(self, text: str) -> None:
        self._wrapper.write(text, ending="")


class _ProgressBar:
    """A rich progress bar on stderr, in entries; silent when stderr is not a terminal (cron, logs, tests)."""

    def __init__(self, description: str):
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task(description, total=None)

    def __enter__(self) -> "_ProgressBar":
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)
