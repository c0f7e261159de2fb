"""`cme partners chase [--on DATE]`: email partner agencies a reminder about enquiries past their reply period.

The task worker does this every day (`cme.cases.partner_jobs.enquiry_chasers_daily` in CME_DAILY_TASKS); the
command runs it now, for a council that schedules its own jobs. Each enquiry is chased once per reply period, so
running it twice in a day sends nothing more. The email holds a link, never the child's details.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from cme.cases.services.partners import enquiry_chasers_send


class Command(BaseCommand):
    help = "Partner agencies: email reminders about enquiries they have not answered."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        chase = actions.add_parser("chase", help="send the reminders due")
        chase.add_argument("--on", type=date.fromisoformat, default=None, help="as on this day (default today)")

    def handle(self, *args, action, on=None, **options):
        today = on or timezone.localdate()
        chased = enquiry_chasers_send(today=today)
        self.stdout.write(f"Reminders sent about {chased} enquir{'y' if chased == 1 else 'ies'} ({today:%d %B %Y}).")
