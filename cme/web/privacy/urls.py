"""Privacy pages for the data protection officer: `web:privacy:…`, mounted under /privacy/ beside the public notice."""

from django.urls import path

from . import audit_views, views

privacy_urls = (
    [
        path("record-of-processing/", views.RopaView.as_view(), name="ropa"),
        path("record-of-processing.csv", views.RopaCsvView.as_view(), name="ropa-csv"),
        path("record-of-processing.xlsx", views.RopaXlsxView.as_view(), name="ropa-xlsx"),
        path("disclosures/", views.DisclosureLogView.as_view(), name="disclosures"),
        path("access-purposes/", views.AccessPurposeListView.as_view(), name="access-purposes"),
        path("audit/", audit_views.AuditSearchView.as_view(), name="audit"),
        path("audit/check/", audit_views.AuditVerifyView.as_view(), name="audit-verify"),
        path("audit.csv", audit_views.AuditExportView.as_view(), name="audit-csv"),
    ],
    "privacy",
)
