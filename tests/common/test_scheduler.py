"""The daily scheduler: each task in CME_DAILY_TASKS is enqueued once a day, however many workers check."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from cme.common.models import DailyTaskRun
from cme.common.scheduler import daily_tasks_enqueue_due

ROOT = Path(__file__).resolve().parent.parent.parent
DAILY = "cme.audit.tasks.audit_checkpoint_daily"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LONDON = datetime.timezone(datetime.timedelta(hours=0))


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE, CME_DAILY_TASKS=[DAILY])
def test_a_daily_task_is_enqueued_once_a_day(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 0, 5, tzinfo=LONDON), tick=False)

    assert daily_tasks_enqueue_due() == [DAILY]
    assert daily_tasks_enqueue_due() == []  # a second worker, the same day
    time_machine.move_to(datetime.datetime(2026, 12, 7, 23, 59, tzinfo=LONDON), tick=False)
    assert daily_tasks_enqueue_due() == []
    time_machine.move_to(datetime.datetime(2026, 12, 8, 0, 0, 30, tzinfo=LONDON), tick=False)
    assert daily_tasks_enqueue_due() == [DAILY]

    assert DBTaskResult.objects.filter(task_path=DAILY).count() == 2
    assert DailyTaskRun.objects.get(task_path=DAILY).last_run_on == datetime.date(2026, 12, 8)


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE, CME_DAILY_TASKS=["cme.audit.tasks.no_such_task"])
def test_a_wrong_path_fails_loudly_and_claims_nothing():
    with pytest.raises(ImportError):
        daily_tasks_enqueue_due()
    assert not DailyTaskRun.objects.exists()


def _cme(*args: str, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from cme.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def test_two_workers_enqueue_a_daily_task_once(tmp_path):
    """Real processes: two `cme db_worker`s on one database both check at start; the task is queued and run once."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DEBUG": "1", "CME_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cme.settings"})
    log_path = tmp_path / "workers.log"
    with log_path.open("w") as log:
        assert _cme("migrate", "-v", "0", env=env, log=log).wait(timeout=300) == 0, log_path.read_text()
        workers = [
            _cme("db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", env=env, log=log)
            for _ in range(2)
        ]
    database = sqlite3.connect(tmp_path / "cme.sqlite3")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = database.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ? AND status = 'SUCCESSFUL'",
                [DAILY],
            ).fetchone()[0]
            if done:
                break
            time.sleep(0.5)
        time.sleep(2)  # give the slower worker time to check too
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)

    queued = database.execute(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ?", [DAILY]
    ).fetchone()[0]
    runs = database.execute("SELECT last_run_on FROM common_dailytaskrun WHERE task_path = ?", [DAILY]).fetchall()
    assert queued == 1, log_path.read_text()
    assert len(runs) == 1 and runs[0][0] is not None
