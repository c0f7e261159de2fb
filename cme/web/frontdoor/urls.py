"""The front door's URLs: the public report at /report/ (stable), the professional one at /report/professional/, and
the officers' pages under /front-door/ (`web:frontdoor-staff:…`)."""

from django.urls import path

from . import views


def _public(prefix: str, kind: str) -> list:
    defaults = {"kind": kind}
    return [
        path(f"{prefix}", views.StartView.as_view(), defaults, name="start"),
        path(f"{prefix}check/", views.CheckView.as_view(), defaults, name="check"),
        path(f"{prefix}sent/", views.SentView.as_view(), defaults, name="sent"),
        path(f"{prefix}<slug:step>/", views.StepView.as_view(), defaults, name="step"),
    ]


frontdoor_urls = (_public("professional/", "professional") + _public("", "public"), "frontdoor")

staff_urls = (
    [
        path("", views.ReportListView.as_view(), name="list"),
        path("<int:report_id>/", views.ReportDecideView.as_view(), name="decide"),
        path("<int:report_id>/no-further-action/", views.ReportNoFurtherActionView.as_view(), name="nfa"),
    ],
    "frontdoor-staff",
)
