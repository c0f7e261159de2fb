"""`cme audit verify` checks the audit chain end to end; `cme audit export` writes the audit trail as CSV.

cme audit verify [--batch-size N] [--checkpoints DIR]
    Exit 0 when every entry and every detail still held matches its hash (and the chain extends every signed
    checkpoint in DIR); exit 1 naming the first entry that was altered, removed or reordered, or the first
    checkpoint the chain contradicts (the message goes to stderr).
cme audit checkpoint [--output DIR]
    Sign the chain head (sequence, hash, time) with CME_AUDIT_SIGNING_KEY_FILE and write it to a new file in DIR
    (default CME_AUDIT_CHECKPOINT_DIR, else the current directory).
cme audit generate-key
    Print a new HMAC key for CME_AUDIT_KEYS.
cme audit generate-signing-key FILE
    Write a new Ed25519 signing key to FILE (never overwriting), for CME_AUDIT_SIGNING_KEY_FILE.
cme audit export [--since DATE] [--until DATE] [--child ID] [--user ID] [--object TYPE:ID] [--event EVENT]
                 [--as USERNAME] [--format csv]
    The matching entries as CSV on stdout, oldest first. The export is itself recorded in the audit trail.
"""

import argparse
import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cme.audit.checkpoints import checkpoint_write, checkpoints_check
from cme.audit.events import AuditEvent
from cme.audit.keys import AuditKeyError, generate_key, public_key_id, signing_key_generate
from cme.audit.selectors import chain_verify
from cme.audit.services import audit_details_erased_by_batch, audit_export_csv
from cme.audit.verify import DEFAULT_BATCH_SIZE

EXIT_CHAIN_BROKEN = 1


class Command(BaseCommand):
    help = (
        "The audit trail: `verify` checks the hash chain (and signed checkpoints), `checkpoint` signs the head, "
        "`export` writes entries as CSV."
    )
    # `generate-key` must work while CME_AUDIT_KEYS is being put right.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="check every entry's hash, link and order, and every detail held")
        verify.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="entries read per query")
        verify.add_argument(
            "--checkpoints", type=Path, metavar="DIR", help="also prove the chain extends every checkpoint in DIR"
        )
        verify.set_defaults(run=self.verify)

        checkpoint = actions.add_parser("checkpoint", help="sign the chain head and write it to a file")
        checkpoint.add_argument("--output", type=Path, metavar="DIR", help="where to write the checkpoint file")
        checkpoint.set_defaults(run=self.checkpoint)

        generate = actions.add_parser("generate-key", help="print a new HMAC key for CME_AUDIT_KEYS")
        generate.set_defaults(run=self.generate_key)
        signing = actions.add_parser("generate-signing-key", help="write a new Ed25519 key for checkpoints to FILE")
        signing.add_argument("file", type=Path, metavar="FILE")
        signing.set_defaults(run=self.generate_signing_key)

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

    def verify(self, *, batch_size: int, checkpoints: Path | None, **options) -> None:
        if checkpoints is not None and not checkpoints.is_dir():
            raise CommandError(f"{checkpoints} is not a directory of checkpoints.")
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
        if result.unkeyed_entries:
            self.stdout.write(
                f"Entries 1 to {result.unkeyed_entries} were made before audit keys (SHA-256 only); the rest are keyed."
            )
        self.stdout.write(f"Head: entry {result.head_sequence}, hash {result.head_hash}")
        if by_batch := audit_details_erased_by_batch():
            parts = [
                f"{count:,} by disposal batch {batch}" if batch is not None else f"{count:,} outside a disposal batch"
                for batch, count in sorted(by_batch.items(), key=lambda item: (item[0] is None, item[0] or 0))
            ]
            self.stdout.write(f"Details erased under the retention rules: {'; '.join(parts)}.")
        if checkpoints is None:
            return
        try:
            checked, problem = checkpoints_check(directory=checkpoints, head_sequence=result.head_sequence)
        except AuditKeyError as error:
            raise CommandError(str(error)) from None
        if problem is not None:
            self.stderr.write(f"The audit chain contradicts a checkpoint ({problem.kind}).")
            self.stderr.write(problem.message)
            self.stderr.write(f"Checkpoints before it that the chain extends: {checked}.")
            raise SystemExit(EXIT_CHAIN_BROKEN)
        self.stdout.write(f"The chain extends every checkpoint in {checkpoints} ({checked} checked).")

    def checkpoint(self, *, output: Path | None, **options) -> None:
        directory = output or Path(settings.CME_AUDIT_CHECKPOINT_DIR or ".")
        try:
            written = checkpoint_write(directory=directory)
        except AuditKeyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Checkpoint written: {written.path}")
        self.stdout.write(f"Head: entry {written.sequence}, hash {written.hash}, at {written.time}")

    def generate_key(self, **options) -> None:
        self.stdout.write(generate_key())  # alone on stdout, so `$(cme audit generate-key)` is just the key
        self.stderr.write(
            "Put it first in CME_AUDIT_KEYS, keeping the old keys after it (they verify older entries), on every "
            "web server and worker; then restart them."
        )

    def generate_signing_key(self, *, file: Path, **options) -> None:
        try:
            public_key = signing_key_generate(file)
        except FileExistsError:
            raise CommandError(f"{file} exists already: it is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"{file} cannot be written: {error.strerror}.") from None
        self.stdout.write(f"Ed25519 signing key {public_key_id(public_key)} written to {file} (readable by you only).")
        self.stdout.write("Set CME_AUDIT_SIGNING_KEY_FILE to its path; keep a copy where the DPO keeps checkpoints.")

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
