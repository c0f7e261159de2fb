"""`cme keys`: make field keys, and re-seal special-category data under the newest one.

cme keys generate                 print a new key, to put first in CME_FIELD_KEYS
cme keys rotate [--batch-size N]  re-seal every value not under the first key; safe to stop and run again
cme keys rotate --check           count the values each key seals; exit 1 if any cannot be read
"""

import time

from django.core.management.base import BaseCommand, CommandError

from cme.common.crypto import (
    ColumnCensus,
    FieldDecryptionError,
    FieldKeyError,
    Keyring,
    generate_key,
    key_census,
    keyring,
    reseal_all,
)

NEXT_STEPS = (
    "Put it first in CME_FIELD_KEYS, keeping the old keys after it, on every web server and worker; restart them; "
    "then run `cme keys rotate`. Remove an old key only when `cme keys rotate --check` shows it seals nothing."
)


class Command(BaseCommand):
    help = "Make field encryption keys and re-seal encrypted values under the newest (first) key in CME_FIELD_KEYS."
    # `generate` must work while CME_FIELD_KEYS is being put right; `rotate` checks the keys itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("generate", help="Print a new random 256-bit key (base64url).")
        rotate = actions.add_parser(
            "rotate", help="Re-seal every value not under the first key; stop at any time and run again to resume."
        )
        rotate.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction (default 1000).")
        rotate.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: count the values each key seals; exit 1 if any cannot be read with these keys.",
        )

    def handle(self, *args, action: str, **options):
        if action == "generate":
            self.stdout.write(generate_key())  # alone on stdout, so `$(cme keys generate)` is just the key
            self.stderr.write(NEXT_STEPS)
            return
        try:
            keys = keyring()
        except FieldKeyError as error:
            raise CommandError(str(error)) from None
        if options["check"]:
            self._check(keys)
        else:
            if options["batch_size"] < 1:
                raise CommandError("--batch-size must be at least 1.")
            self._rotate(keys, options["batch_size"])

    def _rotate(self, keys: Keyring, batch_size: int) -> None:
        newest = keys.newest.key_id
        self.stdout.write(f"Re-sealing under key {newest}, the first in CME_FIELD_KEYS.")
        started = time.monotonic()
        rows = resealed = 0
        try:
            for batch in reseal_all(batch_size=batch_size, keys=keys):
                rows += batch.rows
                resealed += batch.resealed
                self.stdout.write(
                    f"  {batch.model_label}: {batch.resealed} values in {batch.rows} rows re-sealed, "
                    f"up to id {batch.last_pk}"
                )
        except FieldDecryptionError as error:
            raise CommandError(
                f"{error}\nStopped after re-sealing {resealed} values; what was done is kept. "
                "Fix this value, then run `cme keys rotate` again to carry on."
            ) from None
        self.stdout.write(f"Re-sealed {resealed} values in {rows} rows in {time.monotonic() - started:.1f} s.")
        totals = _totals(key_census())
        older = sum(count for key_id, count in totals.items() if key_id != newest)
        if older:
            self.stdout.write(
                f"{older} values are still under other keys (written meanwhile with an old CME_FIELD_KEYS?): "
                "check every server has the new key first, then run `cme keys rotate` again."
            )
        else:
            retired = [key_id for key_id in keys.key_ids if key_id != newest]
            self.stdout.write(f"Every encrypted value is under key {newest}.")
            if retired:
                self.stdout.write(
                    f"Older keys seal nothing now and can be removed from CME_FIELD_KEYS: {', '.join(retired)}."
                )

    def _check(self, keys: Keyring) -> None:
        census = key_census()
        newest = keys.newest.key_id
        self.stdout.write(f"Keys in CME_FIELD_KEYS, newest first: {', '.join(keys.key_ids)}")
        for column in census:
            counts = ", ".join(f"{count} {_key_words(key_id, keys)}" for key_id, count in column.by_key.items())
            self.stdout.write(f"  {column.label}: {counts or 'no values'}")
        totals = _totals(census)
        self.stdout.write("Values by key:")
        for key_id in keys.key_ids:
            note = " (newest: seals new values)" if key_id == newest else ""
            self.stdout.write(f"  {key_id}{note}: {totals.get(key_id, 0)}")
        unreadable = {key_id: count for key_id, count in totals.items() if key_id not in keys.by_id}
        for key_id, count in unreadable.items():
            name = "not encrypted tokens" if key_id is None else f"{key_id} (not in CME_FIELD_KEYS)"
            self.stdout.write(f"  {name}: {count}, cannot be read")
        older = sum(count for key_id, count in totals.items() if key_id in keys.by_id and key_id != newest)
        if older:
            self.stdout.write(f"{older} values are under older keys: run `cme keys rotate`.")
        if unreadable:
            raise CommandError(
                f"{sum(unreadable.values())} values cannot be read with CME_FIELD_KEYS: put the keys named above "
                "back (after the first), or find out how those values were written.",
                returncode=1,
            )


def _totals(census: list[ColumnCensus]) -> dict[str | None, int]:
    totals: dict[str | None, int] = {}
    for column in census:
        for key_id, count in column.by_key.items():
            totals[key_id] = totals.get(key_id, 0) + count
    return totals


def _key_words(key_id: str | None, keys: Keyring) -> str:
    if key_id is None:
        return "not encrypted tokens (cannot be read)"
    if key_id not in keys.by_id:
        return f"under key {key_id}, which is not in CME_FIELD_KEYS (cannot be read)"
    return f"under {key_id}"
