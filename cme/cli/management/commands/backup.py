"""`cme backup --output DIR`: a consistent backup of the database, the documents and the audit checkpoints.

Exit 0 having written DIR (a new or empty directory) with a manifest of every file's SHA-256; exit 2 with the reason
on stderr otherwise. Keys are never written to a backup (docs/operating.md, "Backing up and restoring").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cme.operations.backup import BackupError, backup_write

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "Back up the database, the uploaded documents and the audit checkpoints to a new directory."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, metavar="DIR", help="a new or empty directory")

    def handle(self, *args, output: Path, **options):
        try:
            result = backup_write(output=output)
        except BackupError as error:
            raise CommandError(str(error), returncode=EXIT_REFUSED) from None
        files = result.manifest["files"]
        size = sum(entry["size"] for entry in files)
        self.stdout.write(f"Backup written to {output}: {len(files)} files, {size:,} bytes, manifest.json lists each.")
        if result.fresh_checkpoint is None:
            self.stdout.write("No signing key is set (CME_AUDIT_SIGNING_KEY_FILE): no checkpoint was made for it.")
