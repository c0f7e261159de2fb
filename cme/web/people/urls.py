"""Children's record URLs: `web:children:…`."""

from django.urls import path

from . import views

child_urls = (
    [
        path("", views.ChildSearchView.as_view(), name="search"),
        path("new/", views.ChildCreateView.as_view(), name="create"),
        path("<int:child_id>/", views.ChildDetailView.as_view(), name="detail"),
        path("<int:child_id>/purpose/", views.AccessPurposeView.as_view(), name="purpose"),
        path("<int:child_id>/edit/", views.ChildUpdateView.as_view(), name="update"),
        path("<int:child_id>/history/", views.ChildHistoryView.as_view(), name="history"),
        path("<int:child_id>/carers/new/", views.CarerCreateView.as_view(), name="carer-create"),
        path("<int:child_id>/carers/<int:carer_id>/edit/", views.CarerUpdateView.as_view(), name="carer-update"),
        path(
            "<int:child_id>/enrolments/<int:enrolment_id>/edit/",
            views.EnrolmentCorrectView.as_view(),
            name="enrolment-correct",
        ),
        path("<int:child_id>/address/", views.AddressRecordView.as_view(), name="address"),
        path("<int:child_id>/merge/", views.ChildMergeView.as_view(), name="merge"),
        path("<int:child_id>/merge/undo/", views.ChildMergeUndoView.as_view(), name="merge-undo"),
    ],
    "children",
)
