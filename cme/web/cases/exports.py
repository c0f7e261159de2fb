"""CSV and XLSX exports of the case list and the referrals list, filtered as on screen (cme.web.exports)."""

from cme.web.exports import Column, ListExportView
from cme.web.mixins import PermissionRequiredMixin

from .views import CaseListView, ReferralListView


def _name(person) -> str:
    return str(person) if person is not None else ""


class CaseExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "cases.view_caseload"
    list_view = CaseListView
    listed_type = "cases.case"
    file_stem = "cases"
    sheet_title = "Cases"
    columns = (
        Column("Case", lambda case: case.reference),
        Column("Child", lambda case: str(case.child)),
        Column("Officer", lambda case: case.officer.display_name if case.officer else "Not allocated"),
        Column("Team", lambda case: _name(case.team)),
        Column("Status", lambda case: case.get_status_display()),
        Column("Risk", lambda case: case.get_risk_level_display()),
        Column("Reason", lambda case: case.get_primary_reason_display()),
        Column("Opened", lambda case: case.opened_on),
        Column("Due", lambda case: case.due_on),
    )


class ReferralExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "cases.view_referral"
    list_view = ReferralListView
    listed_type = "cases.referral"
    file_stem = "referrals"
    sheet_title = "Referrals"
    columns = (
        Column("Referral", lambda referral: referral.pk),
        Column("Received", lambda referral: referral.received_on),
        Column("Child", lambda referral: str(referral.child)),
        Column("From", lambda referral: referral.get_source_display()),
        Column("Status", lambda referral: referral.get_status_display()),
        Column("Case", lambda referral: referral.case.reference if referral.case_id else ""),
    )
