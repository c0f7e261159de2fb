"""Writes to schools: loading the national school register extract (GIAS) into School rows."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from os import PathLike
from typing import TYPE_CHECKING, Any, BinaryIO

from django.db import connections, router, transaction
from django.utils import timezone

from .models import School
from .register import (
    ImportReport,
    RegisterExtract,
    RegisterFileRejected,
    RegisterRow,
    RowError,
    status_is_closed,
    telephone_lost_leading_zero,
)

if TYPE_CHECKING:
    from cme.accounts.models import User

# Called with (bytes read so far, size of the file or None when the stream cannot tell).
ProgressCallback = Callable[[int, int | None], None]

ERROR_UNREADABLE_FILE = "The file cannot be read: {reason}."
CREATE_BATCH_SIZE = 1000
UPDATE_BATCH_SIZE = 1000
PROGRESS_EVERY = 500  # rows between progress reports: often enough for a smooth bar, rarely enough to cost nothing


def school_register_import(
    *, source: BinaryIO | str | PathLike, actor: "User | None" = None, progress: ProgressCallback | None = None
) -> ImportReport:
    """Create and update School rows from a GIAS extract (a path, or a binary stream such as an upload).

    Matches schools on URN. Good rows are written and bad rows reported with their line numbers in one
    transaction; schools absent from the file are left alone, so a file cut down to one authority is safe.
    Raises RegisterFileRejected, having written nothing, when the file as a whole cannot be read.
    `actor` is None for the command line, which acts for the operator.
    """
    # There is no audit trail to record `actor` in yet; the argument is here so callers need not change when there is.
    with _opened(source) as stream:
        size = _stream_size(stream)
        extract = RegisterExtract(stream)
        with transaction.atomic():
            report = _extract_apply(extract, progress=progress, size=size)
    return report


@contextmanager
def _opened(source: BinaryIO | str | PathLike) -> Iterator[BinaryIO]:
    if not isinstance(source, str | PathLike):
        yield source
        return
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed below, after the caller's block
    except OSError as error:
        raise RegisterFileRejected(ERROR_UNREADABLE_FILE.format(reason=error.strerror)) from error
    with stream:
        yield stream


def _stream_size(stream: BinaryIO) -> int | None:
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
    except (AttributeError, OSError):
        return None
    return end - here


def _extract_apply(extract: RegisterExtract, *, progress: ProgressCallback | None, size: int | None) -> ImportReport:
    report = ImportReport()
    existing = _schools_by_urn(extract.fields)
    writer = _SchoolWriter(fields=extract.fields, now=timezone.now())
    for number, row in enumerate(extract, start=1):
        if row.rejected:
            report.rejected += 1
            report.errors.extend(row.errors())
        else:
            _damage_guard(row, existing.get(row.values["urn"]), report)
            outcome = _row_apply(row, existing.get(row.values["urn"]), writer)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress and number % PROGRESS_EVERY == 0:
            progress(extract.bytes_read, size)
    writer.flush()
    if progress:
        progress(extract.bytes_read, size)
    report.encoding = extract.encoding
    report.notes.extend(extract.notes)
    return report


WARNING_TELEPHONE_KEPT = (
    'TelephoneNum "{raw}" has lost its leading 0 (a spreadsheet took it for a number): the stored number {stored} '
    "was kept"
)
WARNING_TELEPHONE_RESTORED = (
    'TelephoneNum "{raw}" has lost its leading 0 (a spreadsheet took it for a number): it was stored as {restored}'
)


def _damage_guard(row: RegisterRow, current: tuple[int, dict[str, Any]] | None, report: ImportReport) -> None:
    """Never overwrite a good value with one a spreadsheet damaged: a telephone number without its leading 0 keeps
    the stored number (or, for a school new to cme, gets its 0 back), and the row is reported."""
    raw = row.values.get("telephone", "")
    if not raw or not telephone_lost_leading_zero(raw):
        return
    stored = current[1].get("telephone", "") if current is not None else ""
    if stored:
        row.values["telephone"] = stored
        message = WARNING_TELEPHONE_KEPT.format(raw=raw, stored=stored)
    else:
        row.values["telephone"] = "0" + raw
        message = WARNING_TELEPHONE_RESTORED.format(raw=raw, restored=row.values["telephone"])
    report.warnings.append(RowError(row.line, message, row.end_line))


def _schools_by_urn(fields: list[str]) -> dict[int, tuple[int, dict[str, Any]]]:
    """URN -> (primary key, the stored values of `fields`): the whole register in one query, to compare in memory."""
    return {
        urn: (pk, dict(zip(fields, values, strict=True)))
        for pk, urn, *values in School.objects.values_list("pk", "urn", *fields).iterator(chunk_size=5000)
    }


def _row_apply(row: RegisterRow, current: tuple[int, dict[str, Any]] | None, writer: "_SchoolWriter") -> str:
    """Queue the write `row` needs and return which ImportReport count it belongs to."""
    if current is None:
        writer.create(School(**row.values))
        return "created"
    pk, stored = current
    incoming = {name: value for name, value in row.values.items() if name != "urn"}
    if incoming == stored:
        return "unchanged"
    writer.update(School(pk=pk, **row.values))
    if status_is_closed(incoming["status"]) and not status_is_closed(stored["status"]):
        return "closed"
    return "updated"


class _SchoolWriter:
    """Collects new and changed schools and writes them in batches, so 50,000 rows cost a few hundred queries."""

    def __init__(self, *, fields: list[str], now: datetime):
        # bulk_update does not run auto_now, so the time of the change is set here and written with it.
        self._update_fields = [*fields, "updated_at"]
        self._now = now
        self._new: list[School] = []
        self._changed: list[School] = []

    def create(self, school: School) -> None:
        # The parser has checked every value against the model's limits; full_clean() would also ask the
        # database about uniqueness once per school.
        self._new.append(school)
        if len(self._new) >= CREATE_BATCH_SIZE:
            self._create_batch()

    def update(self, school: School) -> None:
        school.updated_at = self._now
        self._changed.append(school)
        if len(self._changed) >= UPDATE_BATCH_SIZE:
            self._update_batch()

    def flush(self) -> None:
        self._create_batch()
        self._update_batch()

    def _create_batch(self) -> None:
        if self._new:
            School.objects.bulk_create(self._new, batch_size=CREATE_BATCH_SIZE)
            self._new = []

    def _update_batch(self) -> None:
        # Not bulk_update(): it builds a CASE expression per school and field in Python, which took a minute for
        # 5,000 changed schools. One UPDATE statement run once per school (executemany) does the same in a second,
        # and counts as one query.
        if not self._changed:
            return
        connection = connections[router.db_for_write(School)]
        quote = connection.ops.quote_name
        fields = [School._meta.get_field(name) for name in self._update_fields]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        table, pk = quote(School._meta.db_table), quote(School._meta.pk.column)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the model, values bound
        params = [
            [field.get_db_prep_save(getattr(school, field.attname), connection) for field in fields] + [school.pk]
            for school in self._changed
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self._changed = []
