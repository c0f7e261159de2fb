"""CSV and XLSX exports of the returns inbox and the list of children at risk, filtered as on screen."""

from cme.web.exports import Column, ListExportView
from cme.web.mixins import PermissionRequiredMixin

from .returns import AtRiskListView, ReturnInboxView


class ReturnInboxExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "schools.view_return_inbox"
    list_view = ReturnInboxView
    listed_type = "schools.rollreturn"
    file_stem = "returns"
    sheet_title = "Returns"
    columns = (
        Column("Return", lambda r: r.pk),
        Column("Received", lambda r: r.received_on),
        Column("Pupil", lambda r: r.pupil_name),
        Column("Return kind", lambda r: r.get_kind_display()),
        Column("School", lambda r: r.school.name),
        Column("Triage", lambda r: r.get_triage_state_display()),
        Column("Safeguarding concern", lambda r: r.safeguarding_concern),
    )


class AtRiskExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "schools.view_at_risk"
    list_view = AtRiskListView
    listed_type = "schools.rollreturn"
    file_stem = "children-at-risk"
    sheet_title = "Children at risk"
    columns = (
        Column("Return", lambda row: row.roll_return.pk),
        Column("Pupil", lambda row: row.roll_return.pupil_name),
        Column("Year group", lambda row: row.year_group_label),
        Column("School", lambda row: row.roll_return.school.name),
        Column("Reason", lambda row: row.reason.label),
        Column("Since", lambda row: row.since),
        Column("Clock", lambda row: row.clock),
        Column("Review due", lambda row: row.due),
        Column("Overdue", lambda row: row.overdue),
    )

    def listed_id(self, row) -> int:
        return row.roll_return.pk
