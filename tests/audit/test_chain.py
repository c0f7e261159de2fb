"""The hashed text of an entry and a detail: unambiguous, and the database reads back the texts Python hashed."""

import datetime

import pytest
from django.db import connection

from cme.audit.chain import (
    canonical_json,
    detail_parts,
    detail_parts_sql,
    entry_parts,
    entry_parts_sql,
    time_text,
)
from cme.audit.events import AuditEvent
from cme.audit.models import AuditDetail, AuditEntry
from cme.audit.services import audit_record


def test_time_is_hashed_in_utc_to_the_microsecond_with_six_digits():
    summer = datetime.datetime(2026, 7, 1, 10, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))

    assert time_text(summer) == "2026-07-01 09:00:00.000000"
    assert time_text(summer.replace(microsecond=5)) == "2026-07-01 09:00:00.000005"


def test_canonical_json_sorts_keys_and_keeps_characters():
    assert canonical_json({"b": 1, "a": "café"}) == '{"a":"café","b":1}'


@pytest.mark.django_db
@pytest.mark.parametrize("fraction", [0, 1, 500_000, 999_999])
def test_the_database_builds_the_same_entry_text_as_python(officer, time_machine, fraction):
    # A whole second is where SQLite's stored text leaves the fraction out; the last microsecond, where rounding bites.
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, 59, fraction, tzinfo=datetime.UTC), tick=False)
    audit_record(
        actor=officer,
        event=AuditEvent.CHILD_VIEWED,
        target_type="people.child",
        target_id=5,
        purpose="locate",
        purpose_text="“Moved” — 12:30",
        payload={"ids": [1, 2]},
    )
    entry = AuditEntry.objects.get()
    detail = AuditDetail.objects.get()
    with connection.cursor() as cursor:
        columns = ", ".join([*entry_parts_sql(connection.vendor), *detail_parts_sql()])
        cursor.execute(
            f"SELECT {columns} FROM audit_auditentry e "  # noqa: S608 - the SQL is ours; the id is a parameter
            "JOIN audit_auditdetail d ON d.entry_id = e.sequence WHERE e.sequence = %s",
            [entry.sequence],
        )
        row = cursor.fetchone()

    assert entry.occurred_at.microsecond == fraction
    assert row[:13] == entry_parts(entry)
    assert row[13:] == detail_parts(detail)
