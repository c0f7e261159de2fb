"""Pages for moving cases between councils (namespace `web:transfers`)."""

from django.urls import path

from . import views

transfer_urls = (
    [
        path("cases/<int:case_id>/transfer/", views.TransferMakeView.as_view(), name="make"),
        path("cases/<int:case_id>/transfers/<int:transfer_id>/", views.TransferSentView.as_view(), name="sent"),
        path(
            "cases/<int:case_id>/transfers/<int:transfer_id>/package/",
            views.TransferPackageView.as_view(),
            name="package",
        ),
        path("transfers/", views.TransferReceivedListView.as_view(), name="received"),
        path("transfers/import/", views.TransferImportView.as_view(), name="import"),
        path("transfers/<int:incoming_id>/", views.TransferReceivedView.as_view(), name="received-detail"),
        path("transfers/<int:incoming_id>/child/", views.TransferChildView.as_view(), name="child"),
        path("transfers/<int:incoming_id>/receipt/", views.TransferReceiptView.as_view(), name="receipt"),
        path("manage/transfer-councils/", views.CouncilListView.as_view(), name="councils"),
        path("manage/transfer-councils/new/", views.CouncilAddView.as_view(), name="council-add"),
    ],
    "transfers",
)
