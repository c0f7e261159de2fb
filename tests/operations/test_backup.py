"""`cme backup` and `cme restore` as real processes: a round trip leaves every row and document equal and the audit
chain verifying against the backup's checkpoints; a tampered backup and a non-empty database are refused; keys never
reach a backup; the disposal log is replayed. SQLite always; PostgreSQL too when DATABASE_URL is postgres (CI's
second pass).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# What a developer's shell may hold that would point these processes at another database or key.
CLEARED = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CME_VAR_DIR", "CME_DOCUMENT_ROOT", "CME_AUDIT_KEYS"}
CLEARED |= {"CME_AUDIT_KEYS_FILE", "CME_AUDIT_SIGNING_KEY_FILE", "CME_AUDIT_CHECKPOINT_DIR", "CME_FIELD_KEYS"}

DOCUMENTS = """
from django.core.files.base import ContentFile
from cme.accounts.models import User
from cme.cases.enums import DocumentKind
from cme.cases.models import Case
from cme.cases.services.documents import document_upload
manager = User.objects.get(username="manager")
for number, case in enumerate(Case.objects.order_by("pk")[:3]):
    body = b"%PDF-1.4\\n% synthetic test document " + str(number).encode() + b"\\n%%EOF\\n"
    content = ContentFile(body, name="letter.pdf")
    document_upload(case=case, actor=manager, uploaded_file=content, kind=DocumentKind.values[0], title="Letter")
"""


def run(env: dict, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "cme"), *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert done.returncode == 0, f"cme {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def base_env(tmp_path: Path) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(DEBUG="1", CME_DEMO="1")
    env["CME_AUDIT_KEYS"] = run(env | {"CME_VAR_DIR": str(tmp_path / "keys")}, "audit", "generate-key").stdout.strip()
    env["CME_FIELD_KEYS"] = run(env, "keys", "generate").stdout.strip()
    key_file = tmp_path / "keys" / "audit-signing.key"
    run(env | {"CME_VAR_DIR": str(tmp_path / "keys")}, "audit", "generate-signing-key", str(key_file))
    env["CME_AUDIT_SIGNING_KEY_FILE"] = str(key_file)
    return env


def installation(env: dict, tmp_path: Path, name: str, database_url: str) -> dict:
    root = tmp_path / name
    return env | {
        "CME_VAR_DIR": str(root / "var"),
        "CME_DOCUMENT_ROOT": str(root / "documents"),
        "CME_AUDIT_CHECKPOINT_DIR": str(root / "checkpoints"),
        "DATABASE_URL": database_url,
    }


def rows_sqlite(path: str) -> dict[str, list]:
    with sqlite3.connect(path) as connection:
        tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        query = 'SELECT * FROM "{}"'  # table names from the database's own catalogue
        return {t: sorted(connection.execute(query.format(t)).fetchall(), key=repr) for t in tables}


def rows_postgres(url: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(url) as connection:
        tables = [
            t
            for (t,) in connection.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        query = 'SELECT * FROM "{}"'  # table names from the database's own catalogue
        return {t: sorted(connection.execute(query.format(t)).fetchall(), key=repr) for t in tables}


def files(root: Path) -> dict[str, str]:
    found = [p for p in root.rglob("*") if p.is_file()]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in found}


def postgres_databases(names: list[str]) -> list[str]:
    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ["DATABASE_URL"])
    names = [f"{parts.path.strip('/') or 'cme'}_{name}" for name in names]
    with psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return [urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")) for name in names]


def round_trip(tmp_path: Path, source_url: str, target_url: str, rows) -> tuple[dict, dict, Path, dict]:
    env = base_env(tmp_path)
    source = installation(env, tmp_path, "source", source_url)
    target = installation(env, tmp_path, "target", target_url)
    run(source, "migrate", "--no-input")
    run(source, "demo-data", "--children", "400")
    run(source, "shell", "-c", DOCUMENTS)
    run(source, "audit", "checkpoint")  # one the DPO made earlier, kept in CME_AUDIT_CHECKPOINT_DIR
    backup = tmp_path / "backup"
    run(source, "backup", "--output", str(backup))
    before = rows()

    # Keys never reach a backup: no key value and no key file's bytes in any file.
    secrets = [env["CME_AUDIT_KEYS"].encode(), env["CME_FIELD_KEYS"].encode()]
    secrets.append(Path(env["CME_AUDIT_SIGNING_KEY_FILE"]).read_bytes().strip())
    for path in backup.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(secret in content for secret in secrets), f"a key is in {path}"

    restored = run(target, "restore", str(backup))
    assert "Restored the backup" in restored.stdout
    assert "No disposal log was given" in restored.stderr
    assert files(Path(target["CME_DOCUMENT_ROOT"])) == files(Path(source["CME_DOCUMENT_ROOT"]))
    assert len(files(Path(target["CME_DOCUMENT_ROOT"]))) == 3
    verified = run(target, "audit", "verify", "--checkpoints", str(backup / "checkpoints"))
    assert "The audit chain is intact" in verified.stdout
    assert "(2 checked)" in verified.stdout  # the DPO's earlier checkpoint and the backup's own

    # Restoring again into the now full database is refused, saying why.
    again = run(target, "restore", str(backup), check=False)
    assert again.returncode == 2
    assert "The database is not empty" in again.stderr
    return source, target, backup, before


def same_rows_and_the_restore_recorded(before: dict, after: dict) -> None:
    """Every row of every table equal, but the audit trail: the restore appended one entry (and moved the head)."""
    assert after.keys() == before.keys()
    for table in set(before) - {"audit_auditentry", "audit_auditchainhead"}:
        assert after[table] == before[table], table
    added = set(after["audit_auditentry"]) - set(before["audit_auditentry"])
    assert set(before["audit_auditentry"]) <= set(after["audit_auditentry"])
    assert len(added) == 1 and "backup_restored" in repr(added)
    assert "backup_written" in repr(before["audit_auditentry"])


def tampered_refused(target: dict, backup: Path) -> None:
    document = sorted((backup / "documents").rglob("*"))[-1]
    document.write_bytes(document.read_bytes().replace(b"synthetic", b"SYNTHETIC"))
    refused = run(target, "restore", str(backup), check=False)
    assert refused.returncode == 2
    assert f"{document.relative_to(backup).as_posix()} has a different SHA-256" in refused.stderr


def sqlite_round_trip(tmp_path):
    source_db, target_db = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    _source, target, backup, before = round_trip(
        tmp_path, f"sqlite:///{source_db}", f"sqlite:///{target_db}", lambda: rows_sqlite(str(source_db))
    )
    same_rows_and_the_restore_recorded(before, rows_sqlite(str(target_db)))
    assert sum(len(r) for r in before.values()) > 1000

    # Restored with the disposal log: a child disposed of since the backup does not come back.
    with sqlite3.connect(target_db) as connection:
        child_id, cases = connection.execute(
            "SELECT c.id, count(k.id) FROM people_child c JOIN cases_case k ON k.child_id = c.id GROUP BY c.id"
        ).fetchone()
    log = tmp_path / "disposal-log.csv"
    log.write_text(f"batch,record_type,record_id,rule,disposed_at\n7,people.child,{child_id},test,2026-12-01\n")
    third_db = tmp_path / "third.sqlite3"
    third = installation(target, tmp_path, "third", f"sqlite:///{third_db}")
    replayed = run(third, "restore", str(backup), "--disposal-log", str(log))
    assert "1 logged disposals" in replayed.stdout
    with sqlite3.connect(third_db) as connection:
        assert connection.execute("SELECT count(*) FROM people_child WHERE id = ?", (child_id,)).fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM cases_case WHERE child_id = ?", (child_id,)).fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM people_child").fetchone()[0] == len(before["people_child"]) - 1
    assert cases >= 1

    tampered_refused(installation(target, tmp_path, "fourth", f"sqlite:///{tmp_path / 'fourth.sqlite3'}"), backup)


def postgres_round_trip(tmp_path):
    source_url, target_url, spare_url = postgres_databases(["backup_source", "backup_target", "backup_spare"])
    _source, target, backup, before = round_trip(tmp_path, source_url, target_url, lambda: rows_postgres(source_url))
    same_rows_and_the_restore_recorded(before, rows_postgres(target_url))
    tampered_refused(installation(target, tmp_path, "spare", spare_url), backup)


# SQLite always; PostgreSQL as well on CI's second pass, where DATABASE_URL names a PostgreSQL server.
@pytest.mark.parametrize("database", ["sqlite", "postgresql"] if POSTGRES else ["sqlite"])
def test_round_trip(tmp_path, database):
    {"sqlite": sqlite_round_trip, "postgresql": postgres_round_trip}[database](tmp_path)
