"""Schools' returns URLs: `web:returns:…` (school users' pages first, then officers')."""

from django.urls import path

from . import exports
from . import returns as views

return_urls = (
    [
        path("", views.SchoolReturnListView.as_view(), name="school-list"),
        path("new/", views.ReturnKindView.as_view(), name="kind"),
        path("new/<str:kind>/", views.ReturnCreateView.as_view(), name="create"),
        path("sent/<int:return_id>/", views.SchoolReturnDetailView.as_view(), name="school-detail"),
        path("timetables/<int:timetable_id>/review/", views.TimetableReviewView.as_view(), name="timetable-review"),
        path("timetables/<int:timetable_id>/end/", views.TimetableEndView.as_view(), name="timetable-end"),
        path("upload/", views.ReturnsUploadView.as_view(), name="upload"),
        path("template.csv", views.ReturnsTemplateView.as_view(), name="template"),
        path("inbox/", views.ReturnInboxView.as_view(), name="inbox"),
        path("inbox/export.<str:file_format>", exports.ReturnInboxExportView.as_view(), name="inbox-export"),
        path("inbox/<int:return_id>/", views.ReturnDetailView.as_view(), name="detail"),
        path("inbox/<int:return_id>/match/", views.ReturnMatchView.as_view(), name="match"),
        path("inbox/<int:return_id>/refer/", views.ReturnReferView.as_view(), name="refer"),
        path(
            "inbox/<int:return_id>/no-further-action/",
            views.ReturnNoFurtherActionView.as_view(),
            name="no-further-action",
        ),
        path("at-risk/", views.AtRiskListView.as_view(), name="at-risk"),
        path("at-risk/export.<str:file_format>", exports.AtRiskExportView.as_view(), name="at-risk-export"),
    ],
    "returns",
)
