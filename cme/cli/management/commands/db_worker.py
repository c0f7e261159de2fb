"""`db_worker`: django-tasks-db's worker, with cme's daily scheduler running beside it (cme.common.scheduler).

Same options as django-tasks-db's command; `cme run` starts this one. `--no-daily-tasks` leaves the scheduling to
other workers.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from cme.common.scheduler import SchedulerThread
from cme.training.guard import training_database_check


class Command(DatabaseWorkerCommand):
    help = "Run a database background worker; also enqueues the daily tasks (CME_DAILY_TASKS) once a day."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-daily-tasks", action="store_true", help="do not enqueue the daily tasks from this worker"
        )

    def handle(self, *args, no_daily_tasks: bool = False, **options):
        training_database_check()  # the training site's worker only on its own database, and no other worker on it
        scheduler = None
        if not no_daily_tasks and not options.get("batch"):
            scheduler = SchedulerThread()
            scheduler.start()
        try:
            return super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stop()
