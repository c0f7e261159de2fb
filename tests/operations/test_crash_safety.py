"""Crash safety: the real `cme` process killed with SIGKILL part-way through a source import, a returns import, a
match run and key rotation leaves nothing half-written, and the next run finishes the work or starts it cleanly.

Each process is paused by the test-only hook (cme/common/pause.py) at a point inside its work, with its transaction
open (key rotation: with a batch committed and the next one written), then killed. SQLite files of their own, copied
from one migrated database holding the synthetic borough.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.schools.returns_files import make_csv, make_upn, return_row

ROOT = Path(__file__).resolve().parent.parent.parent
CME = str(Path(sys.executable).parent / "cme")
OLD_KEY = "b2xkLWtleS1mb3ItdGhlLWNyYXNoLXRlc3Qtb25seS0="
NEW_KEY = "bmV3LWtleS1mb3ItdGhlLWNyYXNoLXRlc3Qtb25seS0="
CLEARED = ("DJANGO_", "DATABASE_", "CME_")
# SQLite without waiting for each commit to reach the disk: a killed process still loses only its open transaction.
SETTINGS = """
from tests.settings import *  # noqa: F403
DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
"""
CENSUS = "import json; from cme.common.crypto import key_census; from cme.cli.management.commands.keys import _totals; "
CENSUS += "print(json.dumps({str(k): v for k, v in _totals(key_census()).items()}))"


def environment(directory: Path, keys: str = OLD_KEY) -> dict[str, str]:
    (directory / "crash_settings.py").write_text(SETTINGS)
    env = {name: value for name, value in os.environ.items() if not name.startswith(CLEARED)}
    env.update(
        DJANGO_SETTINGS_MODULE="crash_settings",
        DATABASE_URL=f"sqlite:///{directory / 'cme.sqlite3'}",
        CME_VAR_DIR=str(directory / "var"),
        CME_DOCUMENT_ROOT=str(directory / "documents"),
        CME_FIELD_KEYS=keys,
        CME_DEMO="1",
        DEBUG="1",
        PYTHONPATH=os.pathsep.join([str(directory), str(ROOT)]),
    )
    return env


def cme(env: dict, *arguments: str, status: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([CME, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == status, f"cme {' '.join(arguments)}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def borough(tmp_path_factory) -> Path:
    """A migrated database with the synthetic borough (its special-category values sealed with OLD_KEY)."""
    directory = tmp_path_factory.mktemp("borough")
    env = environment(directory)
    cme(env, "migrate", "--no-input", "--verbosity", "0")
    cme(env, "demo-data", "--children", "400")
    return directory / "cme.sqlite3"


@pytest.fixture
def world(tmp_path, borough) -> tuple[dict, Path]:
    database = tmp_path / "cme.sqlite3"
    with sqlite3.connect(borough) as source, sqlite3.connect(database) as target:
        source.backup(target)
    return environment(tmp_path), database


def rows(database: Path, query: str, parameters=()) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(query, parameters).fetchall()


def census(env: dict) -> dict[str, int]:
    """Encrypted values by the key sealing them (the last line the shell prints)."""
    return json.loads(cme(env, "shell", "-c", CENSUS).stdout.strip().splitlines()[-1])


def table(database: Path, name: str) -> list[tuple]:
    return sorted(rows(database, f'SELECT * FROM "{name}"'), key=repr)  # noqa: S608 - our own table names


def killed_part_way(env: dict, pause: str, *arguments: str) -> None:
    """Run `cme ARGUMENTS` until it reaches the pause point `pause`, then SIGKILL it."""
    flag = Path(env["CME_VAR_DIR"]).parent / f"paused-{pause}"
    process = subprocess.Popen(
        [CME, *arguments], cwd=ROOT, env=env | {"CME_TEST_PAUSE_AT": pause, "CME_TEST_PAUSE_FILE": str(flag)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), f"cme {' '.join(arguments)} never reached {pause}: {process.communicate()}"
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


def test_a_source_import_killed_part_way_writes_nothing_and_the_next_one_imports_it(world, tmp_path):
    env, database = world
    extract = tmp_path / "council-tax.csv"
    lines = ["record_id,household_id,given_name,family_name,date_of_birth,sex,address_line1,postcode,from_date"]
    lines += [
        f"CT-{n},ACC-{n},Amara,Testperson{n},14/05/2016,F,{n} Example Road,ZY1 2AB,01/09/2025" for n in range(500)
    ]
    extract.write_text("\n".join(lines) + "\n")
    records, disclosures = table(database, "matching_sourcerecord"), table(database, "privacy_disclosure")

    killed_part_way(env, "source-import.records-written", "import", "source", "council-tax", str(extract))

    assert table(database, "matching_sourcerecord") == records
    assert table(database, "privacy_disclosure") == disclosures
    done = cme(env, "import", "source", "council-tax", str(extract))
    assert "500 records imported" in done.stdout
    assert len(table(database, "matching_sourcerecord")) == len(records) + 500
    states = [state for (state,) in rows(database, "SELECT state FROM matching_sourceimport")]
    assert "running" not in states, states  # the killed import is recorded as interrupted, not left "Importing"
    cme(env, "audit", "verify")


def test_a_returns_import_killed_part_way_writes_nothing_and_the_next_one_imports_it(world, tmp_path):
    env, database = world
    (urn,) = rows(database, "SELECT urn FROM schools_school ORDER BY urn LIMIT 1")[0]
    returns = tmp_path / "returns.csv"
    returns.write_bytes(make_csv([return_row(school_urn=str(urn), upn=make_upn(serial=n)) for n in range(1, 60)]))
    before = {
        name: table(database, name) for name in ("schools_rollreturn", "schools_returnimport", "privacy_disclosure")
    }

    killed_part_way(env, "returns-import.batch-stored", "import", "returns", str(returns))

    assert {name: table(database, name) for name in before} == before
    done = cme(env, "import", "returns", str(returns))
    assert "Returns: 59 created, 0 already held." in done.stdout
    assert len(table(database, "schools_rollreturn")) == len(before["schools_rollreturn"]) + 59
    cme(env, "audit", "verify")


def test_a_match_run_killed_part_way_leaves_the_queue_as_it_was_and_the_next_run_finishes(world):
    env, database = world
    candidates = table(database, "matching_matchcandidate")

    killed_part_way(env, "match-run.candidates-written", "match", "run")

    assert table(database, "matching_matchcandidate") == candidates
    done = cme(env, "match", "run")
    assert "Review queue:" in done.stdout
    states = [state for (state,) in rows(database, "SELECT state FROM matching_matchrun ORDER BY id")]
    assert states[-1] == "finished"
    assert "running" not in states, states  # the killed run is recorded as failed, not left "Running"
    cme(env, "audit", "verify")


def test_key_rotation_killed_part_way_keeps_every_value_readable_and_the_next_run_finishes(world):
    env, _database = world
    env = env | {"CME_FIELD_KEYS": f"{NEW_KEY},{OLD_KEY}"}
    before = census(env)
    assert len(before) == 1 and sum(before.values()) > 100  # every value under the old key

    killed_part_way(env, "keys-rotate.second-batch", "keys", "rotate", "--batch-size", "25")

    between = census(env)
    assert sum(between.values()) == sum(before.values())
    assert len(between) == 2 and min(between.values()) > 0  # the first batch under the new key, the rest still old
    cme(env, "keys", "rotate", "--check")  # exit 0: every value readable with these keys
    done = cme(env, "keys", "rotate")
    assert "Every encrypted value is under key" in done.stdout
    after = census(env)
    assert len(after) == 1 and sum(after.values()) == sum(before.values())
