"""`cme retention`: what the retention rules find due, disposal batches, and the disposal log.

    cme retention run --dry-run      what is due today, by rule, with counts; changes nothing
    cme retention run --propose      deletes expired sessions, tokens, old sign-in logs and finished jobs, and puts
                                     everything else due into a disposal batch for the data protection officer
    cme retention dispose BATCH_ID   disposes of an approved batch (or finishes one that was interrupted)
    cme retention log                the disposal log as CSV: batch, record type, record id, rule, when
    cme retention replay FILE        after a restore from backup: disposes again of every record the log lists

Exit status: 0 done; 1 refused (the batch is not approved, or not found; the reason is printed).
"""

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cme.common.errors import ApplicationError
from cme.privacy.disposal import disposal_batch_dispose, disposal_log, disposal_replay
from cme.privacy.models import DisposalBatch
from cme.privacy.retention import disposal_batch_propose, retention_dry_run, retention_housekeeping

EXIT_REFUSED = 1


class Command(BaseCommand):
    help = "Retention: what is due for disposal, disposal batches, and the disposal log."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser("run", help="apply the retention rules")
        mode = run.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="list what is due, by rule; change nothing")
        mode.add_argument("--propose", action="store_true", help="make a disposal batch for approval")
        run.add_argument("--on", type=date.fromisoformat, default=None, help="apply the rules as on this day")
        run.set_defaults(handler=self.run)
        dispose = actions.add_parser("dispose", help="dispose of an approved batch")
        dispose.add_argument("batch_id", type=int, metavar="BATCH_ID")
        dispose.add_argument("--chunk-size", type=int, default=200, help="records per transaction (default 200)")
        dispose.set_defaults(handler=self.dispose)
        log = actions.add_parser("log", help="write the disposal log as CSV to stdout")
        log.set_defaults(handler=self.log)
        replay = actions.add_parser("replay", help="dispose again of what a disposal log lists (after a restore)")
        replay.add_argument("file", metavar="FILE")
        replay.set_defaults(handler=self.replay)

    def handle(self, *args, handler, **options):
        handler(**options)

    def run(self, *, dry_run: bool, propose: bool, on: date | None, **options) -> None:
        counts = retention_dry_run(as_of=on)
        self.stdout.write(f"Due for disposal on {(on or date.today()):%d %B %Y}, by rule:")
        for row in counts:
            held = f" ({row.held:,} held)" if row.held else ""
            kind = " [housekeeping]" if row.rule.housekeeping else ""
            period = f"{row.months} month" if row.months == 1 else f"{row.months} months"
            self.stdout.write(f"  {row.rule.code}: {row.due:,}{held} - {row.rule.label}, after {period}{kind}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        deleted = retention_housekeeping(actor=None)
        self.stdout.write(f"Housekeeping: {sum(deleted.values()):,} expired or old rows deleted.")
        batch = disposal_batch_propose(actor=None, as_of=on)
        if batch is None:
            self.stdout.write("Nothing else is due: no disposal batch was made.")
            return
        self.stdout.write(
            f"Disposal batch {batch.pk} proposed: {sum(batch.counts.values()):,} records. "
            "The data protection officer reviews and approves it before anything is disposed of."
        )

    def dispose(self, *, batch_id: int, chunk_size: int, **options) -> None:
        batch = DisposalBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"There is no disposal batch {batch_id}.", returncode=EXIT_REFUSED)
        try:
            batch = disposal_batch_dispose(actor=None, batch=batch, chunk_size=max(1, chunk_size))
        except ApplicationError as error:
            raise CommandError(str(error), returncode=EXIT_REFUSED) from error
        rows = sum(v for k, v in batch.disposed_counts.items() if k != "audit.auditdetail")
        self.stdout.write(
            f"Disposal batch {batch.pk} disposed of: {rows:,} rows deleted, {batch.details_erased:,} audit details "
            "erased. Its certificate is on the data protection officer's retention pages."
        )

    def log(self, **options) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["batch", "record_type", "record_id", "rule", "disposed_at"])
        writer.writerows(disposal_log())

    def replay(self, *, file: str, **options) -> None:
        try:
            with open(file, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                rows = [(row["batch"], row["record_type"], row["record_id"]) for row in reader]
        except (OSError, KeyError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the disposal log {file}: {error}", returncode=EXIT_REFUSED) from error
        try:
            deleted = disposal_replay(actor=None, rows=rows)
        except ApplicationError as error:
            raise CommandError(str(error), returncode=EXIT_REFUSED) from error
        self.stdout.write(
            f"Replayed {len(rows):,} logged disposals: {sum(deleted.values()):,} rows that came back deleted."
        )
