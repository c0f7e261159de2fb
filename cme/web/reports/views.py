"""Reports: managers' dashboards, equal-opportunities monitoring, the DfE return and pseudonymised extracts.

Managers (who may open the records behind the figures) see exact figures on the pages; everyone else sees them
through cme.reports.disclosure, and every download is disclosure-controlled and recorded as an export."""

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from cme.reports import dfe
from cme.reports.disclosure import EXPLANATION, round_to_base
from cme.reports.equalities import equalities_build
from cme.reports.presentation import (
    casework_equality_view,
    chart_rows,
    chart_view,
    duration_view,
    equality_rows,
    matching_equality_view,
    to_csv,
    to_xlsx,
)
from cme.reports.selectors import cached_figures, dashboard_build, extract_get, extract_list
from cme.reports.services import extract_download_record, report_export_record, study_extract_create
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

from .forms import CensusForm, ExtractForm, PeriodForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
STAFF_BREAKDOWNS = {"overdue"}
EXTRACT_FILES = ("children.parquet", "children.csv", "cases.parquet", "cases.csv", "data-dictionary.csv")


def _period(request) -> tuple[PeriodForm, date, date]:
    """The period asked for, or the last 12 months; a bad period shows its errors and the default figures."""
    today = timezone.localdate()
    since, until = today - timedelta(days=365), today
    form = PeriodForm(request.GET or None, initial={"since": since, "until": until})
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    return form, since, until


def _download(content, *, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _shown(board, user) -> list:
    """The breakdowns `user` may see: work by officer names staff, so it is for managers only."""
    exact = user.has_perm("reports.view_exact_figures")
    return [breakdown for breakdown in board.breakdowns if exact or breakdown.key not in STAFF_BREAKDOWNS]


class ReportPage(PermissionRequiredMixin, TemplateView):
    nav_section = "reports"

    @property
    def exact(self) -> bool:
        return self.request.user.has_perm("reports.view_exact_figures")


class DashboardView(ReportPage):
    permission_required = "reports.view_dashboards"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        form, since, until = _period(self.request)
        board = cached_figures("dashboard", dashboard_build, since=since, until=until, today=timezone.localdate())
        return super().get_context_data(
            form=form,
            board=board,
            charts=[chart_view(breakdown, exact=self.exact) for breakdown in _shown(board, self.request.user)],
            durations=duration_view(board.to_located, exact=self.exact),
            exact=self.exact,
            explanation=EXPLANATION,
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class DashboardDownloadView(PermissionRequiredMixin, View):
    """The dashboard's figures, disclosure-controlled whoever downloads them, recorded as an export."""

    permission_required = "reports.view_dashboards"

    def get(self, request, file_format: str):
        if file_format not in FORMATS:
            raise Http404
        _, since, until = _period(request)
        rounded = request.GET.get("style") == "published"
        board = cached_figures("dashboard", dashboard_build, since=since, until=until, today=timezone.localdate())
        rows = chart_rows(
            [chart_view(breakdown, exact=False, rounded=rounded) for breakdown in _shown(board, request.user)]
        )
        durations = duration_view(board.to_located, exact=False)
        located = round_to_base(board.to_located.count) if rounded else durations.count
        rows += [
            ["Days from referral to located", "Children located", located],
            ["Days from referral to located", "Median", durations.median],
            ["Days from referral to located", "90th percentile", durations.p90],
        ]
        name = f"cme-dashboard-{since:%Y-%m-%d}-to-{until:%Y-%m-%d}" + ("-rounded" if rounded else "")
        content = to_csv(rows) if file_format == "csv" else to_xlsx(rows, title="Dashboard")
        report = "dashboard_rounded" if rounded else "dashboard"
        report_export_record(actor=request.user, report=report, file_format=file_format, rows=len(rows) - 1)
        return _download(content, file_format=file_format, name=name)


class EqualitiesView(ReportPage):
    permission_required = "reports.view_equalities"
    nav_section = "reports-equalities"
    template_name = "reports/equalities.html"

    def get_context_data(self, **kwargs):
        form, since, until = _period(self.request)
        figures = cached_figures("equalities", equalities_build, since=since, until=until)
        return super().get_context_data(
            form=form,
            figures=figures,
            casework=[casework_equality_view(table, exact=self.exact) for table in figures.casework],
            matching=[matching_equality_view(table, exact=self.exact) for table in figures.matching],
            exact=self.exact,
            explanation=EXPLANATION,
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class EqualitiesDownloadView(PermissionRequiredMixin, View):
    permission_required = "reports.view_equalities"

    def get(self, request, file_format: str):
        if file_format not in FORMATS:
            raise Http404
        _, since, until = _period(request)
        figures = cached_figures("equalities", equalities_build, since=since, until=until)
        rows = equality_rows(
            [casework_equality_view(table, exact=False) for table in figures.casework], section="Casework"
        )
        rows += equality_rows(
            [matching_equality_view(table, exact=False) for table in figures.matching], section="Data matching"
        )
        name = f"cme-equal-opportunities-{since:%Y-%m-%d}-to-{until:%Y-%m-%d}"
        content = to_csv(rows) if file_format == "csv" else to_xlsx(rows, title="Equal opportunities")
        report_export_record(actor=request.user, report="equalities", file_format=file_format, rows=len(rows))
        return _download(content, file_format=file_format, name=name)


def _dfe_return(census_date: date) -> dfe.DfeReturn:
    return dfe.dfe_return_build(
        census_date=census_date,
        la_name=settings.CME_LA_NAME,
        new_la_code=settings.CME_NEW_LA_CODE,
        old_la_code=settings.CME_OLD_LA_CODE,
    )


class DfeReturnView(ReportPage):
    permission_required = "reports.view_dfe_return"
    template_name = "reports/dfe_return.html"

    def get_context_data(self, **kwargs):
        form = CensusForm(self.request.GET or None)
        result = rows = None
        if form.is_bound and form.is_valid():
            result = _dfe_return(form.cleaned_data["census_date"])
            rows = dfe.dfe_rows(result, published=form.cleaned_data["published"])
        return super().get_context_data(
            form=form, result=result, rows=rows, query=self.request.GET.urlencode(), **kwargs
        )


class DfeReturnCsvView(PermissionRequiredMixin, View):
    permission_required = "reports.view_dfe_return"

    def get(self, request):
        form = CensusForm(request.GET or None)
        if not (form.is_bound and form.is_valid()):
            return redirect(reverse("web:reports:dfe-return") + ("?" + request.GET.urlencode() if request.GET else ""))
        census_date, published = form.cleaned_data["census_date"], form.cleaned_data["published"]
        result = _dfe_return(census_date)
        content = dfe.dfe_csv(result, published=published)
        report_export_record(
            actor=request.user,
            report="dfe_return_published" if published else "dfe_return",
            file_format="csv",
            rows=content.count("\n") - 1,
            controlled=published,
        )
        suffix = "-published" if published else ""
        return _download(content, file_format="csv", name=f"cme-dfe-return-{census_date:%Y-%m-%d}{suffix}")


class ExtractListView(ReportPage):
    permission_required = "reports.view_extracts"
    template_name = "reports/extracts.html"
    nav_section = "reports-extracts"

    def get_context_data(self, **kwargs):
        return super().get_context_data(extracts=list(extract_list()[:100]), files=EXTRACT_FILES, **kwargs)


class ExtractCreateView(ServiceFormView):
    """The DPO approves a study's extract; they are recorded as the approver, and the extract as a disclosure."""

    permission_required = "reports.create_extract"
    form_class = ExtractForm
    template_name = "reports/extract_form.html"
    success_url_name = "web:reports:extracts"
    nav_section = "reports-extracts"

    def perform(self, form):
        return study_extract_create(
            actor=self.request.user,
            approved_by=self.request.user,
            study=form.cleaned_data["study"],
            recipient=form.cleaned_data["recipient"],
            purpose=form.cleaned_data["purpose"],
        )

    def success_message(self, result) -> str:
        return f"Extract {result.pk} written: {result.children:,} children and {result.cases:,} cases"


class ExtractFileView(PermissionRequiredMixin, View):
    permission_required = "reports.view_extracts"

    def get(self, request, extract_id: int, file_name: str):
        extract = extract_get(extract_id=extract_id)
        if extract is None or file_name not in EXTRACT_FILES or file_name not in extract.files:
            raise Http404
        path = Path(extract.directory) / file_name
        if not path.is_file():
            raise Http404
        extract_download_record(actor=request.user, extract=extract, file_name=file_name)
        return FileResponse(path.open("rb"), as_attachment=True, filename=f"extract-{extract.pk}-{file_name}")
