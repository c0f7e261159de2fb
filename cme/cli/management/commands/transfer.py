"""`cme transfer`: move a case to another council, import what another council sent, and set up the key exchange.

cme transfer keys generate DIR              make this council's signing and encryption keys (files, owner-only)
cme transfer keys export [--output FILE]    this council's public keys and fingerprints, to give another council
cme transfer council add --file FILE        add another council from the file its `keys export` wrote
cme transfer council add --name N --code C --signing-key K --encryption-key K
cme transfer council list                   the register, with fingerprints to read back to each council
cme transfer council remove CODE            take a council out of use
cme transfer export CASE_ID --to COUNCIL --output FILE [--include-notes] [--close] [--reason TEXT]
cme transfer import FILE [--child ID | --new-child --reason TEXT] [--receipt FILE]
cme transfer receipt FILE                   record the receiving council's receipt (import recognises one too)

Who acts: --user USERNAME, else the CME_USER environment variable, else the login name running the command if it is
a cme user (for export, else the case's allocated officer). The format is in docs/transfers.md.
"""

import getpass
import json
import os
from pathlib import Path

import rules
from django.core.management.base import BaseCommand, CommandError

from cme.common.errors import ApplicationError

EXIT_REFUSED = 1
EXIT_NEEDS_CHILD = 2


class Command(BaseCommand):
    help = "Move a case to another council, import a case or receipt another council sent, and manage the keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)

        keys = actions.add_parser("keys", help="This council's transfer keys.").add_subparsers(
            dest="keys_action", required=True
        )
        generate = keys.add_parser("generate", help="Write a new signing key and encryption key into DIR.")
        generate.add_argument("directory", type=Path)
        export_keys = keys.add_parser("export", help="This council's public keys, to give another council.")
        export_keys.add_argument("--output", type=Path, help="write to this file (default: print)")

        council = actions.add_parser("council", help="The register of other councils.").add_subparsers(
            dest="council_action", required=True
        )
        add = council.add_parser("add", help="Add another council with the public keys it gave.")
        add.add_argument("--file", type=Path, help="the file the other council's `cme transfer keys export` wrote")
        add.add_argument("--name", default="")
        add.add_argument("--code", default="", help="its DfE LA number")
        add.add_argument("--signing-key", default="", help="its Ed25519 public key (base64)")
        add.add_argument("--encryption-key", default="", help="its X25519 public key (base64)")
        add.add_argument("--user", default="", help="your username (the system administrator)")
        council.add_parser("list", help="The councils in the register, with their key fingerprints.")
        remove = council.add_parser("remove", help="Take a council out of use.")
        remove.add_argument("code")
        remove.add_argument("--user", default="")

        export = actions.add_parser("export", help="Make a transfer package of a case for another council.")
        export.add_argument("case_id", metavar="CASE_ID", help="the case's number (123 or CME-000123)")
        export.add_argument("--to", required=True, metavar="COUNCIL", help="the receiving council's code or name")
        export.add_argument("--output", required=True, type=Path, metavar="FILE", help="where to write the package")
        export.add_argument("--include-notes", action="store_true", help="send the case's file notes too")
        export.add_argument(
            "--close",
            action="store_true",
            help="close the case with the outcome 'On roll or known in another council' (or ask for sign-off)",
        )
        export.add_argument("--reason", default="", help="why the case is transferred (recorded as the decision)")
        export.add_argument("--user", default="", help="your username (default: see the command's help)")

        imported = actions.add_parser("import", help="Import a package (or a receipt) another council sent.")
        imported.add_argument("file", type=Path, metavar="FILE")
        imported.add_argument("--child", type=int, help="the child already held that the package is about")
        imported.add_argument("--new-child", action="store_true", help="the package is about a child not yet held")
        imported.add_argument("--reason", default="", help="with --new-child: why none of the possible matches is them")
        imported.add_argument("--receipt", type=Path, help="where to write the receipt (default: beside FILE)")
        imported.add_argument("--user", default="")

        receipt = actions.add_parser("receipt", help="Record the receipt the receiving council sent back.")
        receipt.add_argument("file", type=Path, metavar="FILE")
        receipt.add_argument("--user", default="")

    def handle(self, *args, action: str, **options):
        from cme.transfers.services import TransferNotReady

        try:
            getattr(self, f"do_{action}")(**options)
        except TransferNotReady as error:
            raise CommandError(error.message, returncode=EXIT_REFUSED) from None

    # --- who acts -------------------------------------------------------------------------------------------------

    def actor(self, username: str, *, fallback=None, required: bool = True):
        from cme.accounts.models import User

        for name in (username, os.environ.get("CME_USER", "")):
            if name:
                found = User.objects.filter(username=name, is_active=True).first()
                if found is None:
                    raise CommandError(f"There is no active user {name!r}.", returncode=EXIT_REFUSED)
                return found
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = ""
        found = User.objects.filter(username=login, is_active=True).first() if login else None
        if found is None and fallback is not None and fallback.is_active:
            found = fallback
        if found is None and required:
            raise CommandError(
                "Say who is acting: --user USERNAME (or set CME_USER); the disclosure log names them.",
                returncode=EXIT_REFUSED,
            )
        return found

    @staticmethod
    def read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.", returncode=EXIT_REFUSED) from None

    @staticmethod
    def write(path: Path, data: bytes) -> None:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} already exists: choose a new file.", returncode=EXIT_REFUSED) from None
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.", returncode=EXIT_REFUSED) from None
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    # --- keys and the register --------------------------------------------------------------------------------------

    def do_keys(self, *, keys_action: str, **options):
        from cme.transfers import crypto
        from cme.transfers.services import council_card_own

        if keys_action == "generate":
            try:
                signing, encryption = crypto.keys_generate(options["directory"])
            except (crypto.TransferKeyError, OSError) as error:
                raise CommandError(str(error), returncode=EXIT_REFUSED) from None
            self.stdout.write(f"CME_TRANSFER_SIGNING_KEY_FILE={signing.resolve()}")
            self.stdout.write(f"CME_TRANSFER_ENCRYPTION_KEY_FILE={encryption.resolve()}")
            self.stderr.write(
                "Put these two settings in the service's environment on every web server and worker, keep the files "
                "readable by the service's user only and out of backups, then give other councils "
                "`cme transfer keys export`."
            )
            return
        card = council_card_own()
        data = json.dumps(card, indent=1).encode("utf-8") + b"\n"
        if options.get("output"):
            self.write(options["output"], data)
            self.stdout.write(f"Written to {options['output']}.")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
        self.stderr.write(
            f"Read these fingerprints to the other council so they can check what they add:\n"
            f"  signing key    {crypto.fingerprint_words(card['signing_key_fingerprint'])}\n"
            f"  encryption key {crypto.fingerprint_words(card['encryption_key_fingerprint'])}"
        )

    def do_council(self, *, council_action: str, **options):
        from cme.transfers import crypto
        from cme.transfers.models import Council
        from cme.transfers.services import council_add, council_add_from_card, council_deactivate

        if council_action == "list":
            for council in Council.objects.order_by("name"):
                state = "" if council.is_active else " (not in use)"
                self.stdout.write(f"{council.code}  {council.name}{state}")
                self.stdout.write(f"    signing key    {crypto.fingerprint_words(council.signing_key_fingerprint)}")
                self.stdout.write(f"    encryption key {crypto.fingerprint_words(council.encryption_key_fingerprint)}")
            return
        actor = self.actor(options.get("user", ""), required=False)
        if council_action == "remove":
            council = Council.objects.filter(code=options["code"]).first()
            if council is None:
                raise CommandError(f"No council with code {options['code']} is in the register.")
            council_deactivate(actor=actor, council=council)
            self.stdout.write(f"{council} is no longer used for transfers.")
            return
        try:
            if options.get("file"):
                try:
                    card = json.loads(self.read(options["file"]).decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    raise CommandError(
                        f"{options['file']} is not the JSON file `cme transfer keys export` writes.",
                        returncode=EXIT_REFUSED,
                    ) from None
                council = council_add_from_card(actor=actor, card=card)
            else:
                council = council_add(
                    actor=actor,
                    name=options["name"],
                    code=options["code"],
                    signing_key=options["signing_key"],
                    encryption_key=options["encryption_key"],
                )
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_REFUSED) from None
        self.stdout.write(f"Added {council}. Check these fingerprints with them before sending anything:")
        self.stdout.write(f"  signing key    {crypto.fingerprint_words(council.signing_key_fingerprint)}")
        self.stdout.write(f"  encryption key {crypto.fingerprint_words(council.encryption_key_fingerprint)}")

    # --- export -----------------------------------------------------------------------------------------------------

    def do_export(
        self, *, case_id: str, to: str, output: Path, include_notes: bool, close: bool, reason: str, user, **_
    ):
        from cme.cases.models import Case
        from cme.transfers.selectors import council_find
        from cme.transfers.services import transfer_make

        digits = case_id.upper().removeprefix("CME-").lstrip("0") or "0"
        case = (
            Case.objects.select_related("child", "officer").filter(pk=int(digits)).first() if digits.isdigit() else None
        )
        if case is None:
            raise CommandError(f"There is no case {case_id}.", returncode=EXIT_REFUSED)
        council = council_find(to)
        if council is None:
            raise CommandError(
                f"No council {to!r} is in the register: see `cme transfer council list`.", returncode=EXIT_REFUSED
            )
        actor = self.actor(user, fallback=case.officer)
        if not rules.has_perm("transfers.make_transfer", actor, case):
            raise CommandError(f"{actor.username} does not work on case {case.reference}.", returncode=EXIT_REFUSED)
        if output.exists():
            raise CommandError(f"{output} already exists: choose a new file.", returncode=EXIT_REFUSED)
        try:
            made = transfer_make(
                actor=actor,
                case=case,
                council=council,
                rationale=reason or f"The child has moved to {council.name}'s area: the case goes to them.",
                include_notes=include_notes,
                close_case=close,
            )
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_REFUSED) from None
        self.write(output, bytes(made.transfer.package))
        self.stdout.write(
            f"Transfer {made.transfer.reference} of case {case.reference} to {council.name} written to {output} "
            f"(file notes {'included' if include_notes else 'not included'}); the disclosure is logged."
        )
        if made.closed:
            self.stdout.write("The case is closed: on roll or known in another council.")
        elif made.sign_off_asked:
            self.stdout.write("Closing the case needs a manager's sign-off: it has been asked for.")

    # --- import -----------------------------------------------------------------------------------------------------

    def do_import(self, *, file: Path, child, new_child: bool, reason: str, receipt, user, **_):
        from cme.transfers.services import TransferRefused, receipt_file_name, transfer_import

        if new_child and not reason.strip():
            raise CommandError("--new-child needs --reason: why none of the possible matches is this child.")
        if child is not None and new_child:
            raise CommandError("Give --child or --new-child, not both.")
        data = self.read(file)
        actor = self.actor(user)
        if not rules.has_perm("transfers.receive_transfer", actor):
            raise CommandError(f"{actor.username} is not a CME officer or manager.", returncode=EXIT_REFUSED)
        try:
            result = transfer_import(
                actor=actor, data=data, child_id=child, new_child_reason=reason if new_child else ""
            )
        except TransferRefused as error:
            raise CommandError(f"Refused: {error.message}", returncode=EXIT_REFUSED) from None
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_REFUSED) from None
        if result.is_receipt:
            self.stdout.write(
                f"Transfer {result.transfer.reference} to {result.transfer.council.name} marked received "
                f"({result.transfer.receipt_reference or 'no reference given'})."
            )
            return
        incoming = result.incoming
        if result.waiting:
            self.stdout.write(f"The package from {incoming.council.name} may be about a child already held:")
            for duplicate in result.duplicates:
                self.stdout.write(
                    f"  child {duplicate.id}: {duplicate.name}, born {duplicate.date_of_birth:%-d %B %Y} "
                    f"({', '.join(duplicate.reasons)})"
                )
            raise CommandError(
                f"Run again with --child ID for one of them, or --new-child --reason TEXT; or finish it on the "
                f"'Transfers received' page ({incoming.reference}).",
                returncode=EXIT_NEEDS_CHILD,
            )
        target = receipt or file.with_name(receipt_file_name(incoming))
        self.write(target, bytes(incoming.receipt))
        referral = incoming.referral
        self.stdout.write(
            f"Received from {incoming.council.name}: referral {referral.pk} about child {referral.child_id} opened; "
            f"the receipt is logged as a disclosure. Send the receipt back: {target}"
        )

    def do_receipt(self, *, file: Path, user, **_):
        from cme.transfers.services import TransferRefused, receipt_import

        data = self.read(file)
        actor = self.actor(user)
        try:
            transfer = receipt_import(actor=actor, data=data)
        except TransferRefused as error:
            raise CommandError(f"Refused: {error.message}", returncode=EXIT_REFUSED) from None
        self.stdout.write(f"Transfer {transfer.reference} to {transfer.council.name} marked received.")
