from django.urls import path

from . import views

report_urls = (
    [
        path("", views.DashboardView.as_view(), name="dashboard"),
        path("dashboard.<str:file_format>", views.DashboardDownloadView.as_view(), name="dashboard-download"),
        path("equal-opportunities/", views.EqualitiesView.as_view(), name="equalities"),
        path(
            "equal-opportunities.<str:file_format>",
            views.EqualitiesDownloadView.as_view(),
            name="equalities-download",
        ),
        path("dfe-return/", views.DfeReturnView.as_view(), name="dfe-return"),
        path("dfe-return.csv", views.DfeReturnCsvView.as_view(), name="dfe-return-csv"),
        path("extracts/", views.ExtractListView.as_view(), name="extracts"),
        path("extracts/new/", views.ExtractCreateView.as_view(), name="extract-create"),
        path("extracts/<int:extract_id>/<str:file_name>", views.ExtractFileView.as_view(), name="extract-file"),
    ],
    "reports",
)
