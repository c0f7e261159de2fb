"""`cme demo-data`: load the synthetic demo borough (schools, children, carers, enrolments, demo users)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cme.demo.generator import generate_borough
from cme.demo.loader import DEMO_PASSWORD, DEMO_USERS, DemoDataRefused, database_is_empty, demo_data_load


class Command(BaseCommand):
    help = "Load the synthetic demo data into an empty database (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace what the database holds with the demo data.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Load only if the database is empty; else do nothing."
        )
        parser.add_argument("--children", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, force: bool, if_empty: bool, children: int, seed: int, **options):
        if if_empty and not database_is_empty():
            self.stdout.write("The database already holds data: demo data not loaded.")
            return
        started = time.monotonic()
        try:
            counts = demo_data_load(borough=generate_borough(seed=seed, children=children), force=force)
        except DemoDataRefused as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        self.stdout.write(f"Demo data loaded in {time.monotonic() - started:.1f} s: {summary}.")
        if settings.CME_DEMO:
            names = ", ".join(user.username for user in DEMO_USERS)
            self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD}): {names}")
