"""`cme rights`: data subjects' rights, from the command line.

    cme rights pack --child ID --output DIR [--requester NAME] [--requester-carer ID]
        gathers a subject access pack for the child, applies the redactions found, and writes it for review:
        DIR/pack.json, DIR/pack.pdf (both marked DRAFT) and DIR/documents/. It releases nothing: the data
        protection officer reviews, approves and releases the pack at /privacy/subject-access/<id>/.

Exit status: 0 done; 1 refused (no such child; the reason is printed).

A subcommand group, so that other rights (rectification, erasure …) can join it.
"""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from cme.common.errors import ApplicationError
from cme.privacy.sar.services import pack_create, pack_write

EXIT_REFUSED = 1
NOT_GIVEN = "Not given (made at the command line)"


class Command(BaseCommand):
    help = "Data subjects' rights: subject access packs."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        pack = actions.add_parser("pack", help="write a draft subject access pack for review (releases nothing)")
        pack.add_argument("--child", type=int, required=True, metavar="ID", help="the child's record number")
        pack.add_argument("--output", type=Path, required=True, metavar="DIR", help="where to write the pack")
        pack.add_argument("--requester", default=NOT_GIVEN, metavar="NAME", help="who asked for it")
        pack.add_argument(
            "--requester-carer", type=int, default=None, metavar="ID", help="the carer asking, if a carer asks"
        )
        pack.set_defaults(handler=self.pack)

    def handle(self, *args, handler, **options):
        handler(**options)

    def pack(self, *, child: int, output: Path, requester: str, requester_carer: int | None, **options) -> None:
        if not apps.get_model("people.Child").objects.filter(pk=child).exists():
            raise CommandError(f"There is no child {child}.", returncode=EXIT_REFUSED)
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is not a directory.", returncode=EXIT_REFUSED)
        try:
            made = pack_create(child=child, requester_name=requester, requester_carer=requester_carer, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_REFUSED) from error
        output.mkdir(parents=True, exist_ok=True)
        written = pack_write(made, output)
        redactions = made.redactions.count()
        self.stdout.write(
            f"Draft subject access pack {made.pk} written to {output}: {len(written)} files, "
            f"{redactions:,} redactions. Nothing has been released: review and approve it at "
            f"/privacy/subject-access/{made.pk}/."
        )
