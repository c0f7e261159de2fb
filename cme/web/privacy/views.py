"""The data protection officer's pages: record of processing (Art. 30), audit trail, disclosures, access reasons."""

import io

from django import forms
from django.http import HttpResponse
from django.views.generic import ListView, TemplateView, View

from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.formatters import audit_sentence
from cme.audit.selectors import audit_search
from cme.audit.services import audit_export_csv
from cme.council.selectors import council_settings_get
from cme.privacy.enums import Direction
from cme.privacy.notice import Controller, Ropa, ropa_build, ropa_csv, ropa_xlsx
from cme.privacy.retention import retention_periods
from cme.privacy.selectors import access_purpose_list, disclosure_list
from cme.web.forms import GovukDateField, GovukForm
from cme.web.mixins import PermissionRequiredMixin

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def current_ropa() -> Ropa:
    """The record as the catalogue and the council's settings make it today."""
    return ropa_build(controller=Controller.from_settings(council_settings_get()), periods=retention_periods())


def _download(content: str | bytes, *, content_type: str, ropa: Ropa, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = f"record-of-processing-{ropa.generated_on:%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RopaView(PermissionRequiredMixin, TemplateView):
    permission_required = "privacy.view_ropa"
    template_name = "privacy/ropa.html"
    nav_section = "privacy"

    def get_context_data(self, **kwargs):
        return super().get_context_data(ropa=current_ropa(), **kwargs)


class RopaCsvView(PermissionRequiredMixin, View):
    permission_required = "privacy.view_ropa"

    def get(self, request):
        ropa = current_ropa()
        return _download(ropa_csv(ropa), content_type="text/csv; charset=utf-8", ropa=ropa, extension="csv")


class RopaXlsxView(PermissionRequiredMixin, View):
    permission_required = "privacy.view_ropa"

    def get(self, request):
        ropa = current_ropa()
        return _download(ropa_xlsx(ropa), content_type=XLSX_CONTENT_TYPE, ropa=ropa, extension="xlsx")


class DisclosureLogView(PermissionRequiredMixin, ListView):
    """Every sharing out and receipt in of personal data, for the DPO: who, what, why, on which basis."""

    permission_required = "privacy.view_disclosures"
    template_name = "privacy/disclosure_log.html"
    nav_section = "privacy-disclosures"
    paginate_by = 50

    def get_queryset(self):
        return disclosure_list(
            direction=self.request.GET.get("direction", ""),
            organisation=self.request.GET.get("organisation", "").strip(),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            directions=Direction.choices,
            direction=self.request.GET.get("direction", ""),
            organisation=self.request.GET.get("organisation", ""),
            **kwargs,
        )


class AccessPurposeListView(PermissionRequiredMixin, ListView):
    """Records opened outside a caseload, with the purpose given, for the DPO to review."""

    permission_required = "privacy.view_access_purposes"
    template_name = "privacy/access_purposes.html"
    nav_section = "privacy-access"
    paginate_by = 50

    def get_queryset(self):
        return access_purpose_list()


class AuditSearchForm(GovukForm):
    title = "Audit trail"
    submit_label = "Search"
    child_id = forms.IntegerField(label="Child (record number)", required=False, min_value=1)
    actor = forms.ModelChoiceField(
        label="User", queryset=User.objects.order_by("last_name", "first_name"), required=False, empty_label="Anyone"
    )
    event = forms.ChoiceField(label="What happened", required=False, choices=[("", "Anything"), *AuditEvent.choices])
    since = GovukDateField(label="From", required=False)
    until = GovukDateField(label="To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "child_id": data.get("child_id"),
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "event": data.get("event") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


class AuditSearchView(PermissionRequiredMixin, TemplateView):
    """The DPO's view of the audit trail: who did what to whose record, when, and why; newest first."""

    permission_required = "privacy.view_audit"
    template_name = "privacy/audit_search.html"
    nav_section = "privacy-audit"
    rows = 100

    def get_context_data(self, **kwargs):
        form = AuditSearchForm(self.request.GET or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        entries = list(audit_search(**filters)[: self.rows]) if not form.errors else []
        actors = User.objects.filter(pk__in={entry.actor_id for entry in entries if entry.actor_id})
        display = {user.pk: user.display_name for user in actors}
        sentences = [(entry, audit_sentence(entry, actor_name=display.get(entry.actor_id))) for entry in entries]
        return super().get_context_data(
            form=form, sentences=sentences, rows=self.rows, export_query=self.request.GET.urlencode(), **kwargs
        )


class AuditExportView(PermissionRequiredMixin, View):
    """The same search as CSV. The export is itself written to the audit trail before any row leaves."""

    permission_required = "privacy.view_audit"

    def get(self, request):
        form = AuditSearchForm(request.GET or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        buffer = io.StringIO()
        audit_export_csv(actor=request.user, out=buffer, via="web", **filters)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        response["Cache-Control"] = "no-store"
        return response
