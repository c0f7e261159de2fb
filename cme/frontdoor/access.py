"""Checked reads of front-door reports: intake the whole service triages, as referrals are (caseworkers only).

Every read is audited as a report viewed; every refusal is audited and raised as RecordNotFound."""

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found

from .models import FrontDoorReport

REPORT_TYPE = "frontdoor.frontdoorreport"


def access_report(*, user, report_id: int) -> FrontDoorReport:
    """The report for a caseworker to read and decide; RecordNotFound for anyone else or no such report."""
    report = None
    if user.has_perm("cases.triage_referral"):
        report = (
            FrontDoorReport.objects.select_related("child", "referral", "case", "triaged_by")
            .filter(pk=report_id)
            .first()
        )
    if report is None:
        raise refuse_not_found(user=user, target_type=REPORT_TYPE, target_id=report_id)
    audit_record_read(
        actor=user, target=report, event=AuditEvent.FRONT_DOOR_REPORT_VIEWED, subject_child_id=report.child_id
    )
    return report
