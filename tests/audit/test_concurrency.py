"""Two requests appending at once must queue at the chain head, never fork the chain."""

import threading

import pytest
from django.db import connection, connections, transaction

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.audit.services import audit_record
from cme.audit.verify import chain_verify

WRITERS = 4
ENTRIES_EACH = 25


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database is in memory, shared between threads without waiting on its lock; "
    "SQLite serialises writers with its single write lock (BEGIN IMMEDIATE) in any case",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(ENTRIES_EACH):
                with transaction.atomic():  # each its own connection and transaction, as two requests would be
                    audit_record(actor=None, event=AuditEvent.SEARCH, payload={"writer": writer, "n": n})
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * ENTRIES_EACH
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, total + 1))
    result = chain_verify()
    assert result.ok, result.message
    assert result.entries_checked == total
    # Each writer's entries are in the order it wrote them, interleaved with the others'.
    for writer in range(WRITERS):
        ns = [
            entry.payload_data["n"]
            for entry in AuditEntry.objects.order_by("sequence")
            if entry.payload_data["writer"] == writer
        ]
        assert ns == list(range(ENTRIES_EACH))
