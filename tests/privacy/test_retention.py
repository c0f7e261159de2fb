"""Retention: rules, holds, batches, the DPO's approval, disposal across every table, and the audit chain after it."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cme.audit.models import AuditDetail, AuditEntry
from cme.audit.selectors import chain_verify
from cme.cases.enums import CaseStatus, ReferralStatus
from cme.cases.models import Case, Document, Enquiry, Note, Referral
from cme.common.errors import ApplicationError
from cme.council.models import RetentionPeriod
from cme.people.models import Address, Carer, Child, ContactPoint, PersonName, Residence
from cme.people.selectors import child_search
from cme.privacy.disposal import disposal_batch_dispose
from cme.privacy.models import AccessPurpose, BatchState, Disclosure, DisclosureSubject, DisposalItem, ItemState
from cme.privacy.retention import (
    add_months,
    disposal_batch_approve,
    disposal_batch_propose,
    disposal_item_exclude,
    legal_hold_place,
    legal_hold_release,
    retention_dry_run,
    retention_housekeeping,
)
from cme.privacy.tasks import retention_sweep_task

from .retention_world import child_with_casework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def _document_files(*children) -> set[Path]:
    """The stored files of these children's documents. The store is shared with every other test (other processes
    too, under xdist), so a test looks only at the files of its own children, and never empties the store."""
    from cme.cases.models import Document
    from cme.cases.models.document import document_storage

    names = Document.objects.filter(case__child__in=children).values_list("file", flat=True)
    return {Path(document_storage.path(name)) for name in names if name}


def _counts():
    return {row.rule.code: row.due for row in retention_dry_run()}


def test_a_child_is_due_at_25_only_once_no_case_is_open():
    due = child_with_casework(1)
    child_with_casework(2, date_of_birth=datetime.date(2005, 1, 1))  # 21
    child_with_casework(3, status=CaseStatus.OPEN)  # over 25 but a case is open
    assert _counts()["child_record"] == 1
    batch = disposal_batch_propose(actor=None)
    assert list(batch.items.values_list("record_type", "record_id")) == [("people.child", due.pk)]
    assert batch.items.get().due_on == datetime.date(2024, 5, 1)


def test_the_council_can_change_a_period():
    child_with_casework(1, date_of_birth=datetime.date(2005, 1, 1))  # 21
    assert _counts()["child_record"] == 0
    RetentionPeriod.objects.create(rule="child_record", months=21 * 12)
    assert _counts()["child_record"] == 1


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 12, 1), -25 * 12) == datetime.date(2001, 12, 1)


def test_a_referral_that_led_to_no_case_goes_after_two_years(referral_factory, child_factory, officer):
    child = child_factory()
    decided = {"status": ReferralStatus.NO_FURTHER_ACTION, "triaged_by": officer, "triage_rationale": "Known"}
    old = referral_factory(child=child, triaged_at=datetime.datetime(2024, 10, 1, tzinfo=datetime.UTC), **decided)
    referral_factory(child=child, triaged_at=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC), **decided)
    batch = disposal_batch_propose(actor=None)
    assert list(batch.items.values_list("record_type", "record_id")) == [("cases.referral", old.pk)]


def test_a_legal_hold_keeps_a_child_out_and_is_audited(dpo):
    child = child_with_casework(1)
    hold = legal_hold_place(actor=dpo, subject=Case.objects.get(child=child), reason="Claim notified by solicitors")
    assert hold.child_id == child.pk
    assert AuditEntry.objects.filter(event="legal_hold_placed", subject_child_id=child.pk).exists()
    assert disposal_batch_propose(actor=None) is None
    assert [(r.due, r.held) for r in retention_dry_run() if r.rule.code == "child_record"] == [(0, 1)]
    legal_hold_release(actor=dpo, hold=hold, reason="Claim settled")
    assert disposal_batch_propose(actor=None).counts == {"child_record": 1}


def test_a_hold_placed_after_approval_still_keeps_the_child(dpo):
    child = child_with_casework(1)
    batch = disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None))
    legal_hold_place(actor=dpo, subject=child, reason="Inquiry order")
    disposal_batch_dispose(batch=batch)
    assert Child.objects.filter(pk=child.pk).exists()
    assert batch.items.get().state == ItemState.HELD


def test_a_batch_is_not_disposed_of_until_approved(dpo):
    child_with_casework(1)
    batch = disposal_batch_propose(actor=None)
    with pytest.raises(ApplicationError, match="only a batch the data protection officer has approved"):
        disposal_batch_dispose(batch=batch)
    assert Child.objects.count() == 1


def test_excluded_records_stay_with_their_reason(dpo):
    kept, gone = child_with_casework(1), child_with_casework(2)
    batch = disposal_batch_propose(actor=None)
    item = batch.items.get(record_id=kept.pk)
    with pytest.raises(ApplicationError):
        disposal_item_exclude(actor=dpo, item=item, reason="  ")
    disposal_item_exclude(actor=dpo, item=item, reason="Subject access request in progress")
    disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=batch))
    assert list(Child.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Child.objects.filter(pk=gone.pk).exists()
    entry = AuditEntry.objects.get(event="disposal_excluded")
    assert entry.detail.data_dict == {"reason": "Subject access request in progress"}


def test_disposal_leaves_nothing_of_the_child_and_the_chain_still_verifies(dpo, officer):
    child = child_with_casework(1)
    keep = child_with_casework(2, date_of_birth=datetime.date(2012, 1, 1))
    gone_files, kept_files = _document_files(child), _document_files(keep)
    assert len(gone_files) == len(kept_files) == 1 and all(path.is_file() for path in gone_files | kept_files)
    batch = disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None))
    batch = disposal_batch_dispose(batch=batch)
    assert batch.state == BatchState.DISPOSED

    # Every table: nothing of the child, its carer or its casework; the other child untouched.
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Carer.objects.filter(given_name="Marisol1").exists()
    for model in (Case, Referral, Note, Enquiry, Document):
        assert model.objects.count() == (2 if model is Note else 1), model
    assert not PersonName.objects.filter(family_name="Oldquill1").exists()
    assert not Address.objects.filter(line1="1 Fennick Road").exists()
    assert not ContactPoint.objects.filter(value="carer1@example.org").exists()
    assert Residence.objects.filter(child=keep).exists()
    assert not Disclosure.objects.filter(subjects__subject_type__model="child", subjects__subject_id=child.pk).exists()
    assert not DisclosureSubject.objects.filter(subject_type__model="child", subject_id=child.pk).exists()
    assert not AccessPurpose.objects.filter(subject_id=child.pk).exists()
    # The uploaded file is gone from storage; the other child's stays.
    assert not any(path.exists() for path in gone_files) and all(path.is_file() for path in kept_files)
    # Search finds nothing of the subject.
    assert [m.child.given_name for m in child_search(name="Zephyrine1 Quillfeather")] == ["Zephyrine2"]
    assert child.pk not in {m.child.pk for m in child_search(name="Oldquill1", date_of_birth=child.date_of_birth)}

    # The audit chain: the entries about the child stay, their details are erased, and verify passes.
    entries = AuditEntry.objects.filter(subject_child_id=child.pk)
    assert entries.exists()
    assert not AuditDetail.objects.filter(entry__in=entries).exists()
    assert AuditDetail.objects.filter(entry__subject_child_id=keep.pk).exists()
    # Details of entries about records deleted with the child, even those that do not name the child, go too.
    for target_type in ("people.carer", "cases.note"):
        about = AuditEntry.objects.filter(target_type=target_type).exclude(detail=None)
        assert about.count() == 1  # only the kept child's
    result = chain_verify()
    assert result.ok and result.details_erased == batch.details_erased > 0
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{batch.details_erased:,} by disposal batch {batch.pk}" in out.getvalue()
    # The disposal log names the child; the certificate counts rows by kind.
    assert DisposalItem.objects.get(batch=batch).state == ItemState.DISPOSED
    assert batch.disposed_counts["people.child"] == 1 and batch.disposed_counts["cases.note"] == 2


def test_the_api_and_pages_find_nothing_after_disposal(dpo, sign_in, manager):
    child = child_with_casework(1)
    disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None)))
    client = sign_in(manager)
    assert client.get(f"/children/{child.pk}/").status_code == 404
    response = client.get("/children/", {"q": "Zephyrine1 Quillfeather"})
    assert b"Zephyrine1" not in response.content


def test_audit_details_older_than_seven_years_are_erased_and_verify_names_the_batch(dpo, officer, child_factory):
    from cme.audit.services import audit_record_read

    child = child_factory()
    with time_machine.travel(datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)):
        old = audit_record_read(actor=officer, target=child, fields=["given_name"])
    recent = audit_record_read(actor=officer, target=child, fields=["given_name"])
    batch = disposal_batch_propose(actor=None)
    assert batch.counts == {"audit_detail": 1}
    batch = disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=batch))
    assert not AuditDetail.objects.filter(entry=old).exists()
    assert AuditDetail.objects.filter(entry=recent).exists()
    assert chain_verify().ok and batch.details_erased == 1


def test_housekeeping_deletes_expired_sessions_and_the_daily_task_proposes(dpo):
    from django.contrib.sessions.models import Session

    Session.objects.create(
        session_key="old", session_data="", expire_date=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    )
    Session.objects.create(
        session_key="new", session_data="", expire_date=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
    )
    from axes.models import AccessAttempt

    fields = {"user_agent": "x", "ip_address": "192.0.2.1", "http_accept": "x", "path_info": "/", "get_data": "",
              "post_data": "", "failures_since_start": 3}  # fmt: skip
    cooled = AccessAttempt.objects.create(username="cooled", **fields)
    locked = AccessAttempt.objects.create(username="locked", **fields)
    AccessAttempt.objects.filter(pk=cooled.pk).update(
        attempt_time=datetime.datetime(2026, 12, 1, 7, tzinfo=datetime.UTC)
    )
    AccessAttempt.objects.filter(pk=locked.pk).update(
        attempt_time=datetime.datetime(2026, 12, 1, 8, 55, tzinfo=datetime.UTC)
    )
    child_with_casework(1)
    result = retention_sweep_task.call()
    assert result["housekeeping"]["sessions"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["locked"]  # still within its lock-out
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
    assert result["batch"] is not None
    assert retention_housekeeping() == {key: 0 for key in result["housekeeping"]}


def test_the_command_line(dpo):
    child_with_casework(1)
    out = StringIO()
    call_command("retention", "run", "--dry-run", stdout=out)
    assert "child_record: 1" in out.getvalue() and "nothing was changed" in out.getvalue()
    assert DisposalItem.objects.count() == 0
    call_command("retention", "run", "--propose", stdout=out)
    batch_id = DisposalItem.objects.get().batch_id
    with pytest.raises(CommandError, match="only a batch the data protection officer has approved") as refused:
        call_command("retention", "dispose", str(batch_id))
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="no disposal batch 999"):
        call_command("retention", "dispose", "999")
    disposal_batch_approve(actor=dpo, batch=DisposalItem.objects.get().batch)
    call_command("retention", "dispose", str(batch_id), stdout=out)
    assert f"Disposal batch {batch_id} disposed of" in out.getvalue()
    assert Child.objects.count() == 0


def test_the_api_finds_nothing_after_disposal(dpo, manager):
    from django.urls import reverse
    from rest_framework.test import APIClient

    from cme.accounts.services import api_token_create

    child = child_with_casework(1)
    case_id = Case.objects.get(child=child).pk
    disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None)))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=None, username=manager.username)}")
    assert api.get(reverse("api:child-detail", kwargs={"child_id": child.pk})).status_code == 404
    assert api.get(reverse("api:case-detail", kwargs={"case_id": case_id})).status_code == 404
    found = api.get(reverse("api:child-search"), {"name": "Zephyrine1 Quillfeather"})
    assert "Zephyrine1" not in found.content.decode()


def test_a_restore_replays_the_disposal_log(dpo, tmp_path):
    """A backup taken before the disposal brings the child back; replaying the log disposes of it again."""
    from django.core import serializers
    from django.db.models import Q

    child = child_with_casework(1)
    carer = Carer.objects.get(relationships__child=child)
    case = Case.objects.get(child=child)
    rows = [
        carer,
        *Address.objects.filter(residences__child=child),
        child,
        *PersonName.objects.filter(child=child),
        *ContactPoint.objects.filter(Q(child=child) | Q(carer=carer)),
        *Residence.objects.filter(Q(child=child) | Q(carer=carer)),
        *child.carer_relationships.all(),
        case,
        *Referral.objects.filter(child=child),
        *Enquiry.objects.filter(case=case),
        *Note.objects.filter(case=case).order_by("pk"),
        *Document.objects.filter(case=case),
    ]
    backup = serializers.serialize("json", rows)
    batch = disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None)))
    log = tmp_path / "disposal-log.csv"
    with log.open("w") as out:
        call_command("retention", "log", stdout=out)
    assert f"{batch.pk},people.child,{child.pk},child_record," in log.read_text()
    # The restore: the child, its carer and casework are back, with the same ids.
    for restored in serializers.deserialize("json", backup):
        restored.save()
    assert Child.objects.filter(pk=child.pk).exists() and Case.objects.filter(child_id=child.pk).exists()
    out = StringIO()
    call_command("retention", "replay", str(log), stdout=out)
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Carer.objects.filter(pk=carer.pk).exists() and not Case.objects.filter(child_id=child.pk).exists()
    assert "Replayed 1 logged disposals" in out.getvalue()


def test_a_record_kept_out_is_not_proposed_again_for_a_year(dpo):
    child = child_with_casework(1)
    batch = disposal_batch_propose(actor=None)
    disposal_item_exclude(actor=dpo, item=batch.items.get(), reason="Complaint open")
    assert disposal_batch_propose(actor=None) is None
    with time_machine.travel(datetime.datetime(2027, 12, 2, 9, tzinfo=datetime.UTC), tick=False):
        again = disposal_batch_propose(actor=None)
    assert list(again.items.values_list("record_id", flat=True)) == [child.pk]


def test_a_front_door_report_that_led_to_no_referral_goes_after_two_years_with_its_receipt(dpo, officer):
    from cme.frontdoor.enums import ReportKind
    from cme.frontdoor.models import FrontDoorReport
    from cme.frontdoor.services import report_no_further_action, report_submit

    answers = {"child_given_name": "Ada", "child_address": "Wyndley", "concerns": "Not at school", "is_anonymous": True}
    with time_machine.travel(datetime.datetime(2024, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        old = report_no_further_action(
            report=report_submit(kind=ReportKind.PUBLIC, answers=answers), actor=officer, rationale="Not about a child"
        )
    recent = report_no_further_action(
        report=report_submit(kind=ReportKind.PUBLIC, answers=answers), actor=officer, rationale="Known already"
    )
    receipts = DisclosureSubject.objects.filter(subject_type__model="frontdoorreport", subject_id=old.pk)
    assert receipts.exists()

    batch = disposal_batch_propose(actor=None)
    assert list(batch.items.values_list("record_type", "record_id")) == [("frontdoor.frontdoorreport", old.pk)]
    disposal_batch_dispose(batch=disposal_batch_approve(actor=dpo, batch=batch))
    assert list(FrontDoorReport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not receipts.exists()
    assert chain_verify().ok
