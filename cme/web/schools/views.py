"""The school register pages: list and detail (not personal data, for council staff)."""

from django.http import Http404
from django.views.generic import ListView, TemplateView

from cme.schools.selectors import school_get, school_list, school_phases
from cme.web.filters import text_param
from cme.web.mixins import PermissionRequiredMixin


class SchoolListView(PermissionRequiredMixin, ListView):
    permission_required = "schools.view_school"
    template_name = "schools/school_list.html"
    nav_section = "schools"
    paginate_by = 50

    def filters(self) -> dict:
        return {"search": text_param(self.request.GET, "q"), "phase": text_param(self.request.GET, "phase")}

    def get_queryset(self):
        return school_list(**self.filters())

    def get_context_data(self, **kwargs):
        filters = self.filters()
        return super().get_context_data(phases=school_phases(), q=filters["search"], phase=filters["phase"], **kwargs)


class SchoolDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "schools.view_school"
    template_name = "schools/school_detail.html"
    nav_section = "schools"

    def get_context_data(self, **kwargs):
        school = school_get(urn=self.kwargs["urn"])
        if school is None:
            raise Http404
        return super().get_context_data(school=school, **kwargs)
