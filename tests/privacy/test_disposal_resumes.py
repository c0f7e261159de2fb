"""A disposal killed part-way (the real `cme retention dispose`, SIGKILL) leaves no half-deleted child and resumes.

Runs real processes against a database file of its own, so the kill lands wherever the process happens to be.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CME = str(Path(sys.executable).parent / "cme")
CHILDREN = 30

SETUP = f"""
import django
django.setup()
from cme.privacy.retention import disposal_batch_propose, disposal_batch_approve
from cme.accounts.models import User
from tests.privacy.retention_world import child_with_casework
for n in range({CHILDREN}):
    child_with_casework(n)
dpo = User.objects.create_user(username="dpo-kill", password="x", role="dpo")
batch = disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None))
print(batch.pk)
"""

# Per child still in the database: how many rows each table holds of it. A whole child has all of them.
WHOLE_CHILD = {
    "cases_case": 1,
    "cases_referral": 1,
    "cases_note": 2,
    "cases_enquiry": 1,
    "cases_document": 1,
    "people_formerupn": 1,
    "people_personname": 1,
    "people_carerrelationship": 1,
    "people_residence": 1,
}


# SQLite without waiting for each commit to reach the disk: a killed process still loses only its open transaction
# (only a power cut could lose more), and the test runs in seconds rather than minutes on a busy disk.
SETTINGS = """
from tests.settings import *  # noqa: F403
DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
"""


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "kill_settings.py").write_text(SETTINGS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kill_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'cme.sqlite3'}",
        CME_VAR_DIR=str(tmp_path / "var"),
        CME_DOCUMENT_ROOT=str(tmp_path / "documents"),
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO)]),
    )
    return env


def _run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def _rows(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def test_a_disposal_killed_part_way_leaves_whole_children_and_the_next_run_finishes_it(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "cme.sqlite3"
    migrated = _run([CME, "migrate", "--verbosity", "0"], env)
    assert migrated.returncode == 0, migrated.stderr
    made = _run([sys.executable, "-c", SETUP], env)
    assert made.returncode == 0, made.stderr
    batch_id = int(made.stdout.strip().splitlines()[-1])
    documents = tmp_path / "documents"
    assert len([p for p in documents.rglob("*") if p.is_file()]) == CHILDREN

    # Dispose one child per transaction, and kill the process once some, not all, are gone.
    process = subprocess.Popen([CME, "retention", "dispose", str(batch_id), "--chunk-size", "1"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    done_sql = "SELECT count(*) FROM privacy_disposalitem WHERE batch_id = ? AND state = 'disposed'"
    deadline = time.monotonic() + 120
    disposed = 0
    while time.monotonic() < deadline and process.poll() is None:
        disposed = _rows(db, done_sql, (batch_id,))[0][0]
        if disposed >= 5:
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the disposal finished before it could be killed"

    disposed = _rows(db, done_sql, (batch_id,))[0][0]
    assert 0 < disposed < CHILDREN
    items = _rows(db, "SELECT record_id, state FROM privacy_disposalitem WHERE batch_id = ?", (batch_id,))
    for child_id, state in items:
        present = _rows(db, "SELECT count(*) FROM people_child WHERE id = ?", (child_id,))[0][0]
        counts = {table: _rows(db, _count_sql(table), (child_id,))[0][0] for table in WHOLE_CHILD}
        if state == "disposed":
            assert present == 0 and set(counts.values()) == {0}, (child_id, counts)
        else:
            assert state == "pending" and present == 1 and counts == WHOLE_CHILD, (child_id, counts)
    # Every disposed child's file is gone, or written down for the next run to remove.
    left = {p.relative_to(documents).as_posix() for p in documents.rglob("*") if p.is_file()}
    listed = {name for (name,) in _rows(db, "SELECT name FROM privacy_disposalfile")}
    kept = {name for (name,) in _rows(db, "SELECT file FROM cases_document")}
    assert left <= kept | listed

    resumed = _run([CME, "retention", "dispose", str(batch_id)], env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"Disposal batch {batch_id} disposed of" in resumed.stdout
    assert _rows(db, "SELECT count(*) FROM people_child")[0][0] == 0
    assert _rows(db, "SELECT count(*) FROM people_carer")[0][0] == 0
    assert _rows(db, "SELECT count(*) FROM privacy_disposalfile")[0][0] == 0
    assert [p for p in documents.rglob("*") if p.is_file()] == []
    assert _rows(db, "SELECT state FROM privacy_disposalbatch WHERE id = ?", (batch_id,)) == [("disposed",)]
    verified = _run([CME, "audit", "verify"], env)
    assert verified.returncode == 0, verified.stderr
    assert f"by disposal batch {batch_id}" in verified.stdout


def _count_sql(table: str) -> str:
    """Rows of `table` belonging to one child, through the case for case records."""
    if table in ("cases_note", "cases_enquiry", "cases_document"):
        return f"SELECT count(*) FROM {table} t JOIN cases_case c ON t.case_id = c.id WHERE c.child_id = ?"  # noqa: S608
    return f"SELECT count(*) FROM {table} WHERE child_id = ?"  # noqa: S608
