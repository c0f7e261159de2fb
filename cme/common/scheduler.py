"""The daily scheduler: every task named in `CME_DAILY_TASKS` is enqueued once a day, however many workers run.

`CME_DAILY_TASKS` lists dotted paths to django-tasks task objects (made with `@task()`). The task worker
(`cme run`, or `cme db_worker` / `manage.py db_worker`, which cme's own `db_worker` command extends) checks the
list every minute in a thread beside its work (`SchedulerThread`). Each task has a `DailyTaskRun` row; a worker
claims a task for today by one conditional UPDATE of that row (`last_run_on` before today → today), in the same
transaction as the enqueue, so exactly one worker enqueues it and a failed enqueue leaves it due. The day is the
council's local date (`TIME_ZONE`): a task is due from the first check after midnight.
"""

import logging
import threading
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DailyTaskRun

logger = logging.getLogger(__name__)

CHECK_SECONDS = 60


def daily_tasks_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every task in `CME_DAILY_TASKS` not yet enqueued today; return the paths this call enqueued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    enqueued = []
    for path in settings.CME_DAILY_TASKS:
        task = import_string(path)  # a wrong path fails loudly, before anything is claimed
        DailyTaskRun.objects.get_or_create(task_path=path)  # safe if another worker makes it at the same moment
        with transaction.atomic():
            due = Q(last_run_on__isnull=True) | Q(last_run_on__lt=today)
            claimed = DailyTaskRun.objects.filter(due, task_path=path).update(last_run_on=today, last_enqueued_at=now)
            if claimed:
                task.enqueue()
                enqueued.append(path)
                logger.info("Daily task %s enqueued for %s.", path, today.isoformat())
    return enqueued


class SchedulerThread(threading.Thread):
    """Checks the daily tasks every `interval` seconds until `stop` is set; a failed check is logged and retried."""

    def __init__(self, *, interval: float = CHECK_SECONDS):
        super().__init__(name="cme-daily-scheduler", daemon=True)
        self.interval = interval
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                close_old_connections()
                daily_tasks_enqueue_due()
            except Exception:
                logger.exception("The daily task check failed; trying again in %s s.", self.interval)
            finally:
                connections.close_all()  # this thread's own connections
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
