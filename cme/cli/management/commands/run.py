"""`cme run`: serve the app with gunicorn and work the background task queue, until Ctrl-C stops both."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cme.demo.loader import DEMO_PASSWORD, DEMO_USERS

# The access log names the path only, never the query string, which can carry a searched-for name.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms'


class Command(BaseCommand):
    help = "Serve cme on HOST:PORT with gunicorn, and run the background task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "cme.wsgi",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]
        worker = [sys.executable, "-m", "django", "db_worker", "--queue-name", "*"]
        processes = [subprocess.Popen(web), subprocess.Popen(worker)]  # noqa: S603 - our own interpreter and args
        self.announce(host, port)
        stop = self.wait_for_stop(processes)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if stop != "signal":
            raise SystemExit(1)

    def announce(self, host: str, port: int) -> None:
        self.stdout.write(
            f"\ncme is serving on http://{host}:{port}/ with a background task worker. Ctrl-C stops both."
        )
        if settings.CME_DEMO:
            self.stdout.write(
                f"Demo sign-ins (password {DEMO_PASSWORD}): " + ", ".join(user.username for user in DEMO_USERS)
            )
        self.stdout.write("")

    def wait_for_stop(self, processes: list[subprocess.Popen]) -> str:
        """Block until Ctrl-C/SIGTERM ("signal") or until one process exits by itself ("exited")."""
        stopping = []

        def on_signal(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stopping:
            if any(process.poll() is not None for process in processes):
                self.stderr.write("A cme process stopped by itself; stopping the other.")
                return "exited"
            time.sleep(0.5)
        return "signal"
