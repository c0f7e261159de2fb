"""CSV and XLSX exports of the case list and the referrals list, filtered as on screen (cme.web.exports).

Rows are read as dicts of the fields shown (`fields`), so an export of 10,000 cases builds no model objects.
"""

from cme.cases.enums import CaseStatus, CmeReason, ReferralSource, ReferralStatus, RiskLevel
from cme.web.exports import Column, ListExportView
from cme.web.mixins import PermissionRequiredMixin

from .views import CaseListView, ReferralListView


def _label(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def _officer(row) -> str:
    """The officer as the pages show them: their full name, else their username; "Not allocated" for none."""
    if row["officer_id"] is None:
        return "Not allocated"
    return f"{row['officer__first_name']} {row['officer__last_name']}".strip() or row["officer__username"]


def _reference(case_id) -> str:
    return f"CME-{case_id:06d}" if case_id else ""


_status, _risk, _reason = _label(CaseStatus.choices), _label(RiskLevel.choices), _label(CmeReason.choices)
_source, _referral_status = _label(ReferralSource.choices), _label(ReferralStatus.choices)


class CaseExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "cases.view_caseload"
    list_view = CaseListView
    listed_type = "cases.case"
    file_stem = "cases"
    sheet_title = "Cases"
    fields = (
        "child__given_name",
        "child__family_name",
        "officer_id",
        "officer__first_name",
        "officer__last_name",
        "officer__username",
        "team__name",
        "status",
        "risk_level",
        "primary_reason",
        "opened_on",
        "due_on",
    )
    columns = (
        Column("Case", lambda row: _reference(row["pk"])),
        Column("Child", lambda row: f"{row['child__given_name']} {row['child__family_name']}"),
        Column("Officer", _officer),
        Column("Team", lambda row: row["team__name"] or ""),
        Column("Status", lambda row: _status(row["status"])),
        Column("Risk", lambda row: _risk(row["risk_level"])),
        Column("Reason", lambda row: _reason(row["primary_reason"])),
        Column("Opened", lambda row: row["opened_on"]),
        Column("Due", lambda row: row["due_on"]),
    )


class ReferralExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "cases.view_referral"
    list_view = ReferralListView
    listed_type = "cases.referral"
    file_stem = "referrals"
    sheet_title = "Referrals"
    fields = ("received_on", "child__given_name", "child__family_name", "source", "status", "case_id")
    columns = (
        Column("Referral", lambda row: row["pk"]),
        Column("Received", lambda row: row["received_on"]),
        Column("Child", lambda row: f"{row['child__given_name']} {row['child__family_name']}"),
        Column("From", lambda row: _source(row["source"])),
        Column("Status", lambda row: _referral_status(row["status"])),
        Column("Case", lambda row: _reference(row["case_id"])),
    )
