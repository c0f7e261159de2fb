"""Rights request pages (`web:rights:…`, the DPO's, under /privacy/requests/) and the public form."""

from django.urls import path

from . import views

rights_urls = (
    [
        path("", views.RequestListView.as_view(), name="list"),
        path("new/", views.RequestCreateView.as_view(), name="create"),
        path("restrictions/", views.RestrictionListView.as_view(), name="restrictions"),
        path("restrictions/<int:restriction_id>/lift/", views.RestrictionLiftView.as_view(), name="restriction-lift"),
        path("<int:request_id>/", views.RequestDetailView.as_view(), name="detail"),
        path("<int:request_id>/people/", views.SubjectAddView.as_view(), name="subject-add"),
        path("<int:request_id>/identity/", views.IdentityView.as_view(), name="identity"),
        path("<int:request_id>/stop-clock/", views.PauseView.as_view(), name="pause"),
        path("<int:request_id>/restart-clock/", views.ResumeView.as_view(), name="resume"),
        path("<int:request_id>/extend/", views.ExtendView.as_view(), name="extend"),
        path("<int:request_id>/close/", views.CloseView.as_view(), name="close"),
        path("<int:request_id>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
        path("<int:request_id>/ico/", views.IcoView.as_view(), name="ico"),
        path(
            "<int:request_id>/children/<int:child_id>/correct/", views.RectifyChildView.as_view(), name="rectify-child"
        ),
        path("<int:request_id>/carers/<int:carer_id>/correct/", views.RectifyCarerView.as_view(), name="rectify-carer"),
        path("<int:request_id>/children/<int:child_id>/restrict/", views.RestrictView.as_view(), name="restrict"),
        path("<int:request_id>/children/<int:child_id>/erasure/", views.ErasureView.as_view(), name="erasure"),
        path("<int:request_id>/children/<int:child_id>/objection/", views.ObjectionView.as_view(), name="objection"),
    ],
    "rights",
)

public_urls = [
    path("something-wrong/", views.SomethingWrongView.as_view(), name="something-wrong"),
    path("something-wrong/sent/", views.SomethingWrongSentView.as_view(), name="something-wrong-sent"),
]
