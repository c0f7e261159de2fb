"""Privacy pages for the data protection officer: `web:privacy:…`, mounted under /privacy/ beside the public notice."""

from django.urls import path

from . import audit_views, notice_versions, retention, subject_access, views

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
        path("retention/", retention.RetentionView.as_view(), name="retention"),
        path("retention/periods/", retention.PeriodsView.as_view(), name="retention-periods"),
        path("retention/batches/<int:batch_id>/", retention.BatchDetailView.as_view(), name="retention-batch"),
        path(
            "retention/batches/<int:batch_id>/approve/",
            retention.BatchApproveView.as_view(),
            name="retention-approve",
        ),
        path(
            "retention/batches/<int:batch_id>/certificate/",
            retention.CertificateView.as_view(),
            name="retention-certificate",
        ),
        path(
            "retention/batches/<int:batch_id>/certificate.pdf",
            retention.CertificatePdfView.as_view(),
            name="retention-certificate-pdf",
        ),
        path("retention/items/<int:item_id>/keep/", retention.ItemExcludeView.as_view(), name="retention-exclude"),
        path("retention/holds/", retention.HoldListView.as_view(), name="retention-holds"),
        path("retention/holds/new/", retention.HoldCreateView.as_view(), name="retention-hold-create"),
        path(
            "retention/holds/<int:hold_id>/release/",
            retention.HoldReleaseView.as_view(),
            name="retention-hold-release",
        ),
        path("subject-access/", subject_access.PackListView.as_view(), name="sar-list"),
        path("subject-access/new/", subject_access.PackCreateView.as_view(), name="sar-create"),
        path("subject-access/<int:pack_id>/", subject_access.PackDetailView.as_view(), name="sar-pack"),
        path("subject-access/<int:pack_id>/withhold/", subject_access.WithholdView.as_view(), name="sar-withhold"),
        path("subject-access/<int:pack_id>/approve/", subject_access.ApproveView.as_view(), name="sar-approve"),
        path("subject-access/<int:pack_id>/release/", subject_access.ReleaseView.as_view(), name="sar-release"),
        path(
            "subject-access/<int:pack_id>/<str:kind>.zip",
            subject_access.PackDownloadView.as_view(),
            name="sar-download",
        ),
        path("subject-access/redactions/<int:redaction_id>/lift/", subject_access.LiftView.as_view(), name="sar-lift"),
        path("notice/", notice_versions.NoticeVersionsView.as_view(), name="notice-versions"),
        path("notice/publish/", notice_versions.NoticePublishView.as_view(), name="notice-publish"),
    ],
    "privacy",
)
