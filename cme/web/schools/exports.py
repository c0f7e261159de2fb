"""CSV and XLSX exports of the returns inbox and the list of children at risk, filtered as on screen."""

from cme.schools.enums import ReturnKind, TriageState
from cme.web.exports import Column, ListExportView
from cme.web.mixins import PermissionRequiredMixin

from .returns import AtRiskListView, ReturnInboxView

_KINDS, _STATES = dict(ReturnKind.choices), dict(TriageState.choices)


class ReturnInboxExportView(PermissionRequiredMixin, ListExportView):
    permission_required = "schools.view_return_inbox"
    list_view = ReturnInboxView
    listed_type = "schools.rollreturn"
    file_stem = "returns"
    sheet_title = "Returns"
    fields = (
        "received_on",
        "given_name",
        "family_name",
        "kind",
        "school__name",
        "triage_state",
        "safeguarding_concern",
    )
    columns = (
        Column("Return", lambda r: r["pk"]),
        Column("Received", lambda r: r["received_on"]),
        Column("Pupil", lambda r: f"{r['given_name']} {r['family_name']}"),
        Column("Return kind", lambda r: _KINDS.get(r["kind"], r["kind"])),
        Column("School", lambda r: r["school__name"]),
        Column("Triage", lambda r: _STATES.get(r["triage_state"], r["triage_state"])),
        Column("Safeguarding concern", lambda r: r["safeguarding_concern"]),
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
