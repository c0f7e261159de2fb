"""Partner agencies' pages (`web:partners:…`): their inbox, and the officers' list of what waits on partners."""

from django.urls import path

from . import views

partner_urls = (
    [
        path("", views.PartnerInboxView.as_view(), name="inbox"),
        path("enquiries/<int:partner_enquiry_id>/", views.PartnerEnquiryView.as_view(), name="enquiry"),
        path("referrals/<int:partner_referral_id>/", views.PartnerReferralView.as_view(), name="referral"),
        path("waiting/", views.WaitingOnPartnersView.as_view(), name="waiting"),
        path(
            "cases/<int:case_id>/enquiries/<int:enquiry_id>/read/",
            views.EnquiryAnswerReadView.as_view(),
            name="answer-read",
        ),
    ],
    "partners",
)
