"""Fixtures for the audit tests: a short chain to check, and a way to tamper with it as an attacker would."""

from contextlib import contextmanager

import pytest
from django.db import connection

from cme.audit.events import AuditEvent
from cme.audit.models import AuditChainHead, AuditDetail, AuditEntry
from cme.audit.services import audit_record

TABLES = (AuditEntry._meta.db_table, AuditDetail._meta.db_table, AuditChainHead._meta.db_table)


@contextmanager
def triggers_off():
    """Let the test change the audit tables directly, as someone with the database owner's rights could.

    On PostgreSQL the append-only triggers are disabled for the block (inside the test's transaction, so they are
    back whatever happens); SQLite has none.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while deferred foreign-key checks are pending in the transaction: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def chain(officer, dpo):
    """Eight entries: 1 sign-in, 2-6 reads and changes (2 and 5 with details), 7 a search, 8 a sign-out."""
    entries = [
        audit_record(actor=officer, event=AuditEvent.SIGN_IN),
        audit_record(
            actor=officer,
            event=AuditEvent.CHILD_VIEWED,
            target_type="people.child",
            target_id=101,
            fields=["date_of_birth", "address"],
            purpose="locate",
            purpose_text="School says the family moved to Leeds",
        ),
        audit_record(
            actor=officer, event=AuditEvent.CASE_OPENED, target_type="cases.case", target_id=7, subject_child_id=101
        ),
        audit_record(
            actor=officer,
            event=AuditEvent.NOTE_ADDED,
            target_type="cases.note",
            target_id=31,
            related=("cases.case", 7),
            subject_child_id=101,
            payload={"length": 212},
        ),
        audit_record(
            actor=dpo,
            event=AuditEvent.CHILD_VIEWED,
            target_type="people.child",
            target_id=202,
            fields=["ethnicity"],
            purpose="equal_opportunities",
        ),
        audit_record(
            actor=dpo, event=AuditEvent.CASE_CLOSED, target_type="cases.case", target_id=8, subject_child_id=202
        ),
        audit_record(actor=officer, event=AuditEvent.SEARCH, payload={"results": 3}),
        audit_record(actor=officer, event=AuditEvent.SIGN_OUT),
    ]
    assert [entry.sequence for entry in entries] == list(range(1, 9))
    return entries
