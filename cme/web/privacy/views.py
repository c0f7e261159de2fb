"""The data protection officer's pages: record of processing (Art. 30), disclosures, access reasons (the audit trail's
pages are in audit_views.py)."""

from django.http import HttpResponse
from django.views.generic import ListView, TemplateView, View

from cme.council.selectors import council_settings_get
from cme.privacy.enums import Direction
from cme.privacy.notice import Controller, Ropa, ropa_build, ropa_csv, ropa_xlsx
from cme.privacy.retention import retention_periods
from cme.privacy.selectors import access_purpose_list, disclosure_list
from cme.web.filters import choice_param, text_param
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

    def filters(self) -> dict:
        params = self.request.GET
        return {
            "direction": choice_param(params, "direction", Direction.values),
            "organisation": text_param(params, "organisation", max_length=200),
        }

    def get_queryset(self):
        return disclosure_list(**self.filters())

    def get_context_data(self, **kwargs):
        return super().get_context_data(directions=Direction.choices, **self.filters(), **kwargs)


class AccessPurposeListView(PermissionRequiredMixin, ListView):
    """Records opened outside a caseload, with the purpose given, for the DPO to review."""

    permission_required = "privacy.view_access_purposes"
    template_name = "privacy/access_purposes.html"
    nav_section = "privacy-access"
    paginate_by = 50

    def get_queryset(self):
        return access_purpose_list()
