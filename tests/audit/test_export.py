"""Exporting the audit trail as CSV, from the service and from `cme audit export`; each export is itself recorded."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from cme.audit.events import AuditEvent
from cme.audit.models import AuditDetail, AuditEntry
from cme.audit.services import EXPORT_COLUMNS, audit_export_csv
from cme.audit.verify import chain_verify

pytestmark = pytest.mark.django_db


def read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_who_when_what_which_child_fields_and_purpose(chain, dpo):
    out = io.StringIO()

    count = audit_export_csv(actor=dpo, out=out, child_id=101)

    rows = read(out.getvalue())
    assert count == len(rows) == 3
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    viewed = rows[0]
    assert viewed["sequence"] == "2"
    assert viewed["actor_username"] == chain[1].actor_username
    assert (viewed["event"], viewed["target_type"], viewed["target_id"], viewed["child_id"]) == (
        "child_viewed",
        "people.child",
        "101",
        "101",
    )
    assert viewed["fields"] == "date_of_birth;address"
    assert (viewed["purpose"], viewed["purpose_text"]) == ("locate", "School says the family moved to Leeds")
    assert viewed["description"].startswith(f"{chain[1].actor_username} viewed the record of child 101")
    assert viewed["details"] == "held"
    assert datetime.datetime.fromisoformat(viewed["occurred_at"]).tzinfo is not None


def test_the_export_is_recorded_with_its_filters_and_count_but_not_exported_itself(chain, dpo):
    out = io.StringIO()

    audit_export_csv(actor=dpo, out=out, since=datetime.date(2026, 1, 1))

    recorded = AuditEntry.objects.first()
    assert recorded.event == AuditEvent.AUDIT_EXPORTED
    assert recorded.actor_id == dpo.pk
    assert recorded.payload_data == {"filters": {"since": "2026-01-01"}, "rows": 8, "up_to": 8}
    assert [row["sequence"] for row in read(out.getvalue())] == [str(n) for n in range(1, 9)]
    assert chain_verify().ok


def test_an_erased_detail_is_marked_in_the_export(chain, dpo):
    AuditDetail.objects.filter(entry_id=2).delete()
    out = io.StringIO()

    audit_export_csv(actor=dpo, out=out, child_id=101)

    viewed = read(out.getvalue())[0]
    assert (viewed["details"], viewed["fields"], viewed["purpose"]) == ("erased", "", "")
    assert viewed["description"].endswith("(details erased under the retention rules).")


def test_text_a_spreadsheet_would_run_is_neutralised(officer, dpo):
    from cme.audit.services import audit_record

    audit_record(
        actor=officer,
        event=AuditEvent.CHILD_VIEWED,
        target_type="people.child",
        target_id=1,
        purpose_text='=HYPERLINK("http://example.invalid")',
    )
    out = io.StringIO()

    audit_export_csv(actor=dpo, out=out)

    assert read(out.getvalue())[0]["purpose_text"].startswith("'=HYPERLINK")


def test_cme_audit_export_writes_csv_to_stdout_and_records_who_ran_it(chain, dpo):
    out = io.StringIO()

    call_command(
        "audit",
        "export",
        "--since",
        "2000-01-01",
        "--until",
        "2100-12-31",
        "--object",
        "cases.case:7",
        "--as",
        dpo.username,
        "--format",
        "csv",
        stdout=out,
    )

    rows = read(out.getvalue())
    assert [row["sequence"] for row in rows] == ["3"]
    recorded = AuditEntry.objects.first()
    assert (recorded.event, recorded.actor_id) == (AuditEvent.AUDIT_EXPORTED, dpo.pk)
    assert recorded.payload_data["via"] == "command line"
    assert recorded.payload_data["filters"] == {
        "since": "2000-01-01",
        "until": "2100-12-31",
        "target_type": "cases.case",
        "target_id": "7",
    }


def test_cme_audit_export_without_a_user_is_recorded_as_the_command_line(chain):
    call_command("audit", "export", "--user", "999999", stdout=io.StringIO())

    recorded = AuditEntry.objects.first()
    assert (recorded.event, recorded.actor_id, recorded.payload_data["rows"]) == (AuditEvent.AUDIT_EXPORTED, None, 0)


def test_cme_audit_export_refuses_an_unknown_exporter_and_a_bad_date(chain):
    with pytest.raises(CommandError, match="no active user"):
        call_command("audit", "export", "--as", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not a date"):
        call_command("audit", "export", "--since", "31/05/2026", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 8
