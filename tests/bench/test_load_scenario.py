"""The load test's scenario (bench/locustfile.py) runs against the test server for a few seconds without an error:
officers search, open cases, write notes and record enquiries; managers read the dashboards; schools send returns
through the API. The figures themselves come from bench/load.py on PostgreSQL (docs/benchmarks.md)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


@pytest.fixture
def small_service(transactional_db):
    """A team of three officers and a manager with a dozen open cases, forty children, and two schools' users."""
    from cme.accounts.enums import Role
    from tests.factories.accounts import TeamFactory, UserFactory
    from tests.factories.cases import CaseFactory
    from tests.factories.people import ChildFactory

    team = TeamFactory()
    officers = UserFactory.create_batch(3, role=Role.CME_OFFICER, team=team)
    UserFactory(role=Role.CME_MANAGER, team=team)
    UserFactory.create_batch(2, role=Role.SCHOOL_USER)
    children = ChildFactory.create_batch(40)
    for number, child in enumerate(children[:12]):
        CaseFactory(child=child, officer=officers[number % 3])


def test_the_load_scenario_runs_against_the_server_without_errors(small_service, live_server, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from django.db import connection
    from load_scenario import scenario_build

    from cme.cases.models import Note
    from cme.schools.models import RollReturn

    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(scenario_build(sessions_per_account=2, searches=40)))
    notes, returns = Note.objects.count(), RollReturn.objects.count()

    # One kind of staff at a time. On SQLite the test server's threads share one in-memory connection (Django's
    # live server does that), so concurrent writers would collide there and only there: one person at a time.
    people = "3" if connection.vendor == "postgresql" else "1"
    env = {**os.environ, "LOAD_SCENARIO": str(scenario), "LOAD_THINK_SECONDS": "0.2"}
    rows = {}
    for staff in ("Officer", "Manager", "School"):
        command = [sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless", staff]
        command += ["--users", people, "--spawn-rate", people, "--run-time", "8s", "--host", live_server.url]
        command += ["--csv", str(tmp_path / staff), "--only-summary", "--loglevel", "WARNING"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert (tmp_path / f"{staff}_stats.csv").exists(), done.stderr[-3000:]
        with open(tmp_path / f"{staff}_stats.csv", newline="") as stats:
            these = {row["Name"]: row for row in csv.DictReader(stats)}
        total = these.pop("Aggregated")
        failures = (tmp_path / f"{staff}_failures.csv").read_text()
        assert int(total["Failure Count"]) == 0, failures + done.stdout[-3000:]
        assert done.returncode == 0, done.stderr[-3000:]
        assert int(total["Request Count"]) >= 3, staff + done.stdout[-3000:]
        rows |= these
    pages = " ".join(rows)
    for page in ("name search", "case page", "dashboard", "add a note", "reports dashboard", "a school's return"):
        assert page in pages, f"{page} was never requested: {sorted(rows)}"
    assert Note.objects.count() > notes  # the notes were written, not just answered
    assert RollReturn.objects.count() > returns
