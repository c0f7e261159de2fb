"""The `cme` console script: cme's own commands, and Django's management commands passed through.

cme run [--host H] [--port P]     the web server and the background task worker, together
cme demo-data [--force]           load the synthetic demo borough into an empty database
cme token create USERNAME         print a new API token for USERNAME
cme link LEFT.csv RIGHT.csv --output PAIRS.csv   find records of one person in two CSV files (--dedupe FILE: in one)
cme import source KIND FILE       import a council extract for data matching (council-tax, housing, benefits, gp, …)
cme match run [--on DATE]         find children living here on no school roll, for an officer to review
cme retention run --dry-run|--propose   what the retention rules find due; or a disposal batch for the DPO
cme retention dispose BATCH_ID    dispose of a batch the DPO approved (run again to finish an interrupted one)
cme <anything else>               a Django management command (migrate, check, db_worker, …)
"""

import os
import sys

# Our subcommands use hyphens; Django's command modules cannot.
ALIASES = {"demo-data": "demo_data"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if argv[:2] == ["keys", "generate"]:
        # A first installation has no key yet, and the settings refuse to load without one: make it before Django.
        from cme.common.crypto import generate_key

        print(generate_key())
        return 0
    argv[0] = ALIASES.get(argv[0], argv[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cme", *argv])
    return 0
