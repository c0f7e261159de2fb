"""Casework URLs: `web:cases:…` and `web:referrals:…`."""

from django.urls import path

from ..letters import views as letter_views
from . import exports, summary, views

case_urls = (
    [
        path("", views.CaseListView.as_view(), name="list"),
        path("caseload/", views.CaseloadView.as_view(), name="caseload"),
        path("sign-offs/", views.SignOffQueueView.as_view(), name="sign-offs"),
        path(
            "<int:case_id>/sign-offs/<int:sign_off_id>/approve/",
            views.SignOffApproveView.as_view(),
            name="sign-off-approve",
        ),
        path(
            "<int:case_id>/sign-offs/<int:sign_off_id>/send-back/",
            views.SignOffSendBackView.as_view(),
            name="sign-off-send-back",
        ),
        path("export.<str:file_format>", exports.CaseExportView.as_view(), name="export"),
        path("<int:case_id>/summary/", summary.CaseSummaryView.as_view(), name="summary"),
        path("<int:case_id>/summary.pdf", summary.CaseSummaryPdfView.as_view(), name="summary-pdf"),
        path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
        path("<int:case_id>/details/", views.CaseDetailsCorrectView.as_view(), name="details"),
        path("<int:case_id>/history/", views.CaseHistoryView.as_view(), name="history"),
        path("<int:case_id>/status/", views.CaseStatusView.as_view(), name="status"),
        path("<int:case_id>/risk/", views.CaseRiskView.as_view(), name="risk"),
        path("<int:case_id>/reallocate/", views.CaseReallocateView.as_view(), name="reallocate"),
        path("<int:case_id>/escalate/", views.CaseEscalateView.as_view(), name="escalate"),
        path("<int:case_id>/school-attendance-order/", views.CaseSaoView.as_view(), name="sao"),
        path(
            "<int:case_id>/school-attendance-order/<int:order_id>/",
            letter_views.AttendanceOrderView.as_view(),
            name="sao-detail",
        ),
        path(
            "<int:case_id>/school-attendance-order/<int:order_id>/step/",
            letter_views.AttendanceOrderStepView.as_view(),
            name="sao-step",
        ),
        path("<int:case_id>/letters/new/", letter_views.LetterCreateView.as_view(), name="letter-create"),
        path("<int:case_id>/letters/<int:letter_id>/sent/", letter_views.LetterSentView.as_view(), name="letter-sent"),
        path("<int:case_id>/close/", views.CaseCloseView.as_view(), name="close"),
        path("<int:case_id>/reopen/", views.CaseReopenView.as_view(), name="reopen"),
        path("<int:case_id>/enquiries/new/", views.EnquiryCreateView.as_view(), name="enquiry-create"),
        path(
            "<int:case_id>/enquiries/<int:enquiry_id>/response/",
            views.EnquiryResponseView.as_view(),
            name="enquiry-response",
        ),
        path("<int:case_id>/notes/new/", views.NoteCreateView.as_view(), name="note-create"),
        path("<int:case_id>/notes/<int:note_id>/correct/", views.NoteCorrectView.as_view(), name="note-correct"),
        path("<int:case_id>/documents/new/", views.DocumentUploadView.as_view(), name="document-upload"),
        path(
            "<int:case_id>/documents/<int:document_id>/", views.DocumentDownloadView.as_view(), name="document-download"
        ),
    ],
    "cases",
)

referral_urls = (
    [
        path("", views.ReferralListView.as_view(), name="list"),
        path("export.<str:file_format>", exports.ReferralExportView.as_view(), name="export"),
        path("new/<int:child_id>/", views.ReferralCreateView.as_view(), name="create"),
        path("<int:referral_id>/", views.ReferralDetailView.as_view(), name="detail"),
        path("<int:referral_id>/accept/", views.ReferralAcceptView.as_view(), name="accept"),
        path(
            "<int:referral_id>/no-further-action/",
            views.ReferralNoFurtherActionView.as_view(),
            name="no-further-action",
        ),
    ],
    "referrals",
)
