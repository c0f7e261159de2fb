"""Backups and restores: the database, the uploaded documents and the audit checkpoints, with a manifest.

A backup is a directory:

    manifest.json        format, cme version, when, the database vendor, the migrations applied, and every file's
                         path, size and SHA-256
    database.dump        PostgreSQL: `pg_dump --format=custom` (one consistent snapshot)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while the service runs)
    documents/...        the case documents (CME_DOCUMENT_ROOT), under the names the database gives them
    checkpoints/...      the signed audit checkpoints (CME_AUDIT_CHECKPOINT_DIR), plus one made for this backup when
                         CME_AUDIT_SIGNING_KEY_FILE is set

Keys are never in a backup: no environment value, no key file (docs/operating.md says where keys live). A restore
goes into an empty database only, refuses a backup whose files do not match its manifest, and then replays the
retention disposal log so that nothing disposed of since the backup comes back.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = "cme.backup.v1"
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
DOCUMENTS = "documents"
CHECKPOINTS = "checkpoints"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why in words an operator can act on."""


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    manifest: dict
    fresh_checkpoint: Path | None = None


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    documents: int
    checkpoints: int
    disposals_replayed: int
    rows_disposed_again: int
    unapplied_migrations: list[str]


# --- Helpers ----------------------------------------------------------------------------------------------------------


def cme_version() -> str:
    try:
        return package_version("cme")
    except PackageNotFoundError:  # pragma: no cover - cme is always installed (pip install -e .)
        return "unknown"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def _key_files() -> set[Path]:
    """Files holding keys, wherever an operator put them: never copied into a backup."""
    names = [settings.CME_AUDIT_SIGNING_KEY_FILE, os.environ.get("CME_AUDIT_KEYS_FILE", "")]
    names += [settings.CME_TRANSFER_SIGNING_KEY_FILE, settings.CME_TRANSFER_ENCRYPTION_KEY_FILE]
    names += [value for name, value in os.environ.items() if name.endswith("_KEY_FILE") or name.endswith("_KEYS_FILE")]
    return {Path(name).resolve() for name in names if name}


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


def _copy_tree(source: Path, target: Path, *, skip: set[Path]) -> int:
    copied = 0
    for path in _files_under(source):
        if path.resolve() in skip:
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(path, destination)
        destination.chmod(0o600)
        copied += 1
    return copied


def migration_state(alias: str = "default") -> dict[str, list[str]]:
    """The migrations the database has applied, by app."""
    from django.db.migrations.recorder import MigrationRecorder

    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _pg_environment(alias: str = "default") -> tuple[dict[str, str], str]:
    """libpq environment for the PostgreSQL client programs, and the database name (the password never on argv)."""
    database = settings.DATABASES[alias]
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    return env, database["NAME"]


def _client_major(program: str) -> int:
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client programs of the server's version "
            "(Debian: apt-get install postgresql-client)."
        )
    output = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _server_major(alias: str = "default") -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (our own argument list)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


# --- Backup -----------------------------------------------------------------------------------------------------------


def backup_write(*, output: str | Path, alias: str = "default") -> BackupResult:
    """Write a backup to `output` (a new or empty directory). Raises BackupError."""
    output = Path(output)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"{output} is not an empty directory: a backup is written to a new one.")
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    output.chmod(0o700)
    skip = _key_files()
    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record

    # Recorded first: the backup holds its own entry, and the checkpoint below signs a head that includes it.
    audit_record(actor=None, event=AuditEvent.BACKUP_WRITTEN, payload={"directory": str(output.resolve())})

    # A checkpoint first, so the database copied after it holds the entry it signs: the restored chain extends it.
    fresh = None
    if settings.CME_AUDIT_SIGNING_KEY_FILE:
        from cme.audit.checkpoints import checkpoint_write

        fresh = checkpoint_write(directory=output / CHECKPOINTS).path

    vendor = _vendor(alias)
    if vendor == "postgresql":
        if (client := _client_major("pg_dump")) < (server := _server_major(alias)):
            raise BackupError(f"pg_dump is version {client} but the server is {server}: install pg_dump {server}.")
        env, name = _pg_environment(alias)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={output / POSTGRES_DUMP}"]
        _run([*command, name], env, "pg_dump")
    elif vendor == "sqlite":
        target = sqlite3.connect(output / SQLITE_COPY)
        source = sqlite3.connect(settings.DATABASES[alias]["NAME"])
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal or -shm beside it
        finally:
            source.close()
            target.close()
    else:
        raise BackupError(f"Backing up a {vendor} database is not supported.")

    # Documents after the database: every document the copied database names was written before it.
    _copy_tree(Path(settings.CME_DOCUMENT_ROOT), output / DOCUMENTS, skip=skip)
    if settings.CME_AUDIT_CHECKPOINT_DIR:
        _copy_tree(Path(settings.CME_AUDIT_CHECKPOINT_DIR), output / CHECKPOINTS, skip=skip)

    files = []
    for path in _files_under(output):
        path.chmod(0o600)
        relative = path.relative_to(output).as_posix()
        files.append({"path": relative, "size": path.stat().st_size, "sha256": file_sha256(path)})
    manifest = {
        "format": FORMAT,
        "cme_version": cme_version(),
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": POSTGRES_DUMP if vendor == "postgresql" else SQLITE_COPY},
        "migrations": migration_state(alias),
        "files": files,
    }
    descriptor = os.open(output / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(json.dumps(manifest, indent=2) + "\n")
    return BackupResult(directory=output, manifest=manifest, fresh_checkpoint=fresh)


def backup_check(directory: str | Path) -> dict:
    """The backup's manifest, once every file it lists is there with its size and SHA-256 and nothing else is."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} is not a cme backup: it has no {MANIFEST}.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"The manifest {directory / MANIFEST} cannot be read: {error}.") from None
    well_formed = isinstance(manifest, dict) and isinstance(manifest.get("files"), list)
    if not well_formed or manifest.get("format") != FORMAT:
        raise BackupError(f"The manifest {directory / MANIFEST} is not a {FORMAT} manifest.")
    listed = set()
    for entry in manifest["files"]:
        relative = str(entry.get("path", ""))
        path = directory / relative
        if not relative or Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise BackupError(f"The manifest names a file outside the backup: {relative!r}.")
        listed.add(relative)
        if not path.is_file():
            raise BackupError(f"The backup does not match its manifest: {relative} is missing.")
        if path.stat().st_size != entry.get("size"):
            raise BackupError(f"The backup does not match its manifest: {relative} has a different size.")
        if file_sha256(path) != entry.get("sha256"):
            raise BackupError(f"The backup does not match its manifest: {relative} has a different SHA-256.")
    for path in _files_under(directory):
        relative = path.relative_to(directory).as_posix()
        if relative != MANIFEST and relative not in listed:
            raise BackupError(f"The backup does not match its manifest: {relative} is not listed in it.")
    if manifest.get("database", {}).get("file") not in listed:
        raise BackupError("The backup's manifest names no database file.")
    return manifest


# --- Restore ----------------------------------------------------------------------------------------------------------


def database_tables(alias: str = "default") -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def disposal_log_read(path: str | Path) -> list[tuple[int, str, int]]:
    """The rows of a disposal log as `cme retention log` writes it (batch, record type, record id, rule, when)."""
    rows = []
    with Path(path).open(newline="", encoding="utf-8") as file:
        for number, row in enumerate(csv.reader(file), start=1):
            if not row or (number == 1 and not row[0].strip().isdigit()):
                continue  # a blank line, or the heading
            try:
                rows.append((int(row[0]), row[1].strip(), int(row[2])))
            except (IndexError, ValueError):
                message = f"Line {number} of the disposal log {path} is not batch,record type,record id."
                raise BackupError(message) from None
    return rows


def disposal_log_apply(*, rows: Iterable[tuple[int, str, int]]) -> Counter:
    """Dispose again of every record a disposal log lists that a restore brought back. Returns rows deleted by model.

    The one place a restore touches retention: rows are (batch, record type as "app.model", record id), and the
    retention work's replay (cme.privacy.disposal.disposal_replay) deletes them as the first disposal did, uploaded
    files and audit details included.
    """
    from cme.common.errors import ApplicationError
    from cme.privacy.disposal import disposal_replay

    try:
        deleted = disposal_replay(actor=None, rows=rows)
    except ApplicationError as error:
        raise BackupError(str(error)) from None
    return Counter({label.lower(): count for label, count in deleted.items() if count})


def _restore_sqlite(source: Path, alias: str) -> None:
    name = settings.DATABASES[alias]["NAME"]
    connections[alias].close()
    source_connection = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    target = sqlite3.connect(name)
    try:
        source_connection.backup(target)
    finally:
        source_connection.close()
        target.close()


def _restore_postgres(source: Path, alias: str) -> None:
    if (client := _client_major("pg_restore")) < (server := _server_major(alias)):
        raise BackupError(f"pg_restore is version {client} but the server is {server}: install pg_restore {server}.")
    env, name = _pg_environment(alias)
    connections[alias].close()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*command, f"--dbname={name}", str(source)], env, "pg_restore")


def _restore_files(source: Path, target: Path, what: str) -> int:
    """Copy files in, never overwriting a different file of the same name."""
    copied = 0
    for path in _files_under(source):
        destination = target / path.relative_to(source)
        if destination.exists():
            if file_sha256(destination) != file_sha256(path):
                raise BackupError(f"{destination} exists with other contents: move it away, then restore again.")
            continue
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(path, destination)
        copied += 1
    return copied


def restore(
    *, directory: str | Path, disposal_log: Iterable[tuple[int, str, int]] = (), alias: str = "default"
) -> RestoreResult:
    """Restore a backup into the empty database, then dispose again of what the disposal log lists."""
    directory = Path(directory)
    manifest = backup_check(directory)
    vendor = _vendor(alias)
    if manifest["database"].get("vendor") != vendor:
        raise BackupError(f"This is a backup of a {manifest['database'].get('vendor')} database, not {vendor}.")
    if tables := database_tables(alias):
        raise BackupError(
            f"The database is not empty (it has {len(tables)} tables): cme restores only into an empty database. "
            "Create a new, empty database, point DATABASE_URL at it and restore again."
        )
    for source, target in ((DOCUMENTS, Path(settings.CME_DOCUMENT_ROOT)),):
        for path in _files_under(directory / source):  # check before touching the database
            existing = target / path.relative_to(directory / source)
            if existing.exists() and file_sha256(existing) != file_sha256(path):
                raise BackupError(f"{existing} exists with other contents: move it away, then restore again.")

    database_file = directory / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgres(database_file, alias)
    else:
        _restore_sqlite(database_file, alias)
    documents = _restore_files(directory / DOCUMENTS, Path(settings.CME_DOCUMENT_ROOT), "document")
    checkpoints = 0
    if settings.CME_AUDIT_CHECKPOINT_DIR:
        checkpoints = _restore_files(directory / CHECKPOINTS, Path(settings.CME_AUDIT_CHECKPOINT_DIR), "checkpoint")

    rows = list(disposal_log)
    deleted = disposal_log_apply(rows=rows) if rows else Counter()

    from django.db.migrations.loader import MigrationLoader

    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record

    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes()
    unapplied = sorted(f"{app}.{name}" for app, name in leaves if (app, name) not in loader.applied_migrations)
    # The restore is recorded in the restored chain. A backup from an older cme needs `cme migrate` first, and the
    # command says so; docs/operating.md asks for that restore to be noted in the incident log.
    if not unapplied:
        audit_record(
            actor=None,
            event=AuditEvent.BACKUP_RESTORED,
            payload={
                "backup_created_at": manifest.get("created_at"),
                "disposals_replayed": len(rows),
                "rows_disposed_again": sum(deleted.values()),
            },
        )
    return RestoreResult(
        manifest=manifest,
        documents=documents,
        checkpoints=checkpoints,
        disposals_replayed=len(rows),
        rows_disposed_again=sum(deleted.values()),
        unapplied_migrations=unapplied,
    )
