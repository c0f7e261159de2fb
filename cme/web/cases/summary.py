"""The printable case summary: a page laid out for paper (print stylesheet) and the same summary as a PDF.

Both open the case through `access_case` (CaseAccessMixin), so each is an audited read inside the caseload only.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cme.web.mixins import PermissionRequiredMixin

from .views import CaseAccessMixin

NOTES_SHOWN = 10  # a summary, not the case file: the newest notes, and how many more the case page holds


def summary_context(case, user) -> dict:
    """What the summary shows, from the rows `access_case(detail=True)` prefetched, plus the carers (one query)."""
    notes = sorted((n for n in case.notes.all() if not n.is_corrected), key=lambda n: (n.created_at, n.pk))
    carers = case.child.carer_relationships.select_related("carer").order_by("-parental_responsibility", "pk")
    return {
        "case": case,
        "enquiries": sorted(case.enquiries.all(), key=lambda e: (e.requested_on, e.pk)),
        "decisions": sorted(case.decisions.all(), key=lambda d: (d.decided_at, d.pk)),
        "notes": notes[-NOTES_SHOWN:],
        "notes_total": len(notes),
        "carer_relationships": list(carers),
        "printed_at": timezone.localtime(),
        "printed_by": user,
    }


class CaseSummaryView(CaseAccessMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_case"
    template_name = "cases/case_summary.html"
    load_detail = True

    def get_context_data(self, **kwargs):
        context = summary_context(self.case, self.request.user)
        del context["case"]  # CaseAccessMixin adds it
        return super().get_context_data(**context, **kwargs)


def summary_document(case, user):
    """The summary laid out as pages by WeasyPrint (a `weasyprint.Document`): OFFICIAL-SENSITIVE and the page number
    are in each page's margins."""
    from weasyprint import HTML

    html = render_to_string("cases/case_summary_pdf.html", summary_context(case, user))
    return HTML(string=html).render()


def summary_pdf(case, user) -> bytes:
    return summary_document(case, user).write_pdf()


class CaseSummaryPdfView(CaseAccessMixin, PermissionRequiredMixin, View):
    permission_required = "cases.view_case"
    load_detail = True

    def get(self, request, case_id: int):
        response = HttpResponse(summary_pdf(self.case, request.user), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="case-summary-{self.case.reference}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
