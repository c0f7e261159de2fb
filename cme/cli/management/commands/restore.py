"""`cme restore DIR [--disposal-log FILE]`: restore a backup made by `cme backup` into an empty database.

Refuses (exit 2, the reason on stderr) a backup whose files do not match its manifest (naming the file) and a
database that is not empty. Then disposes again of every record the disposal log lists (the CSV `cme retention log`
writes, kept outside the database), so nothing disposed of since the backup comes back.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cme.operations.backup import BackupError, disposal_log_read, restore

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "Restore a backup into an empty database, then replay the retention disposal log."
    requires_system_checks = []  # the database is empty until the restore

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="a backup written by `cme backup`")
        parser.add_argument(
            "--disposal-log", type=Path, metavar="FILE", help="the latest disposal log (`cme retention log`) to replay"
        )

    def handle(self, *args, directory: Path, disposal_log: Path | None, **options):
        try:
            rows = disposal_log_read(disposal_log) if disposal_log else []
            result = restore(directory=directory, disposal_log=rows)
        except (BackupError, OSError) as error:
            raise CommandError(str(error), returncode=EXIT_REFUSED) from None
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (cme {manifest['cme_version']}): the database, "
            f"{result.documents} documents, {result.checkpoints} checkpoints."
        )
        if disposal_log:
            self.stdout.write(
                f"Disposal log replayed: {result.disposals_replayed:,} logged disposals, "
                f"{result.rows_disposed_again:,} rows that came back deleted again."
            )
        else:
            self.stderr.write(
                "No disposal log was given: before opening the service, replay the latest one "
                "(docs/operating.md, 'Backing up and restoring')."
            )
        if result.unapplied_migrations:
            self.stdout.write("This cme is newer than the backup: run `cme migrate` next.")
        self.stdout.write(f"Then check the audit trail: cme audit verify --checkpoints {directory / 'checkpoints'}")
