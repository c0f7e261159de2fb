"""The `cme` console script: cme's own commands, and Django's management commands passed through.

cme run [--host H] [--port P]     the web server and the background task worker, together
cme demo-data [--force]           load the synthetic demo borough into an empty database
cme token create USERNAME         print a new API token for USERNAME
cme token list USERNAME           USERNAME's API tokens; cme token revoke TOKEN_ID (or --all USERNAME) ends them
cme link LEFT.csv RIGHT.csv --output PAIRS.csv   find records of one person in two CSV files (--dedupe FILE: in one)
cme import source KIND FILE       import a council extract for data matching (council-tax, housing, benefits, gp, …)
cme match run [--on DATE]         find children living here on no school roll, for an officer to review
cme report dfe-return --census-date DATE [--published] [--output FILE]   the DfE's termly CME return as CSV
cme report extract --study S --recipient R --purpose P --approved-by DPO  a pseudonymised extract for a study
cme retention run --dry-run|--propose   what the retention rules find due; or a disposal batch for the DPO
cme partners chase [--on DATE]   email partner agencies a reminder (a link only) about enquiries past their reply days
cme retention dispose BATCH_ID    dispose of a batch the DPO approved (run again to finish an interrupted one)
cme backup --output DIR           back up the database, documents and audit checkpoints (keys never included)
cme restore DIR [--disposal-log FILE]   restore a backup into an empty database, then replay the disposal log
cme <anything else>               a Django management command (migrate, check, db_worker, …)

Where `make run` has run, its settings file (var/cme.env: demo mode) is read first; variables already set win.
A production installation has no such file and sets its variables itself (docs/operating.md).
"""

import os
import sys
from pathlib import Path

# Our subcommands use hyphens; Django's command modules cannot.
ALIASES = {"demo-data": "demo_data"}
CHECKOUT = Path(__file__).resolve().parent.parent.parent


def local_settings_file() -> Path:
    """The settings file `make run` writes: var/cme.env under CME_VAR_DIR (the checkout's var/ by default)."""
    return Path(os.environ.get("CME_VAR_DIR") or CHECKOUT / "var") / "cme.env"


def local_settings_read() -> None:
    """Put the variables of the local settings file, when there is one, into the environment, under any set already."""
    path = local_settings_file()
    if path.is_file():
        import environ

        environ.Env.read_env(path, overwrite=False)


def link(argv: list[str]) -> int:
    """`cme link` touches no database and reads no setting: it runs on bare Django settings, configured or not, and
    without `django.setup()` (no apps, URLs or models to load: a second of start-up saved on every run)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from cme.cli.management.commands.link import Command

    Command().run_from_argv(["cme", *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if argv[:2] == ["keys", "generate"]:
        # A first installation has no key yet, and the settings refuse to load without one: make it before Django.
        from cme.common.crypto import generate_key

        print(generate_key())
        return 0
    if argv[:2] == ["audit", "generate-key"]:
        # Likewise the audit trail's HMAC key (CME_AUDIT_KEYS): the settings refuse to load without one.
        from cme.audit.keys import generate_key as generate_audit_key

        print(generate_audit_key())
        return 0
    if argv[0] == "link":
        return link(argv)
    local_settings_read()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    argv[0] = ALIASES.get(argv[0], argv[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cme", *argv])
    return 0
