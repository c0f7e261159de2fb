"""Data matching URLs: `web:matching:…`."""

from django.urls import path

from . import views

matching_urls = (
    [
        path("", views.CandidateQueueView.as_view(), name="queue"),
        path("candidates/<int:candidate_id>/", views.CandidateDetailView.as_view(), name="candidate"),
        path("candidates/<int:candidate_id>/confirm/", views.CandidateConfirmView.as_view(), name="confirm"),
        path("candidates/<int:candidate_id>/dismiss/", views.CandidateDismissView.as_view(), name="dismiss"),
        path("runs/", views.MatchRunListView.as_view(), name="runs"),
        path("runs/new/", views.MatchRunStartView.as_view(), name="run-start"),
        path("runs/<int:run_id>/", views.MatchRunDetailView.as_view(), name="run"),
        path("runs/model-over-time/", views.ModelOverTimeView.as_view(), name="model-over-time"),
        path("sources/", views.DataSourceListView.as_view(), name="sources"),
        path("sources/new/", views.DataSourceCreateView.as_view(), name="source-create"),
        path("sources/<int:source_id>/import/", views.SourceImportCreateView.as_view(), name="import-create"),
        path("imports/<int:import_id>/", views.SourceImportDetailView.as_view(), name="import"),
        path("imports/<int:import_id>/held-back/", views.RejectedRowsView.as_view(), name="rejected-rows"),
        path("templates/", views.TemplateGuideView.as_view(), name="templates"),
        path("templates/<str:kind>.csv", views.TemplateDownloadView.as_view(), name="template"),
    ],
    "matching",
)
