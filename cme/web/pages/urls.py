from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy"),
    path("privacy/versions/", views.PrivacyNoticeVersionListView.as_view(), name="privacy-versions"),
    path("privacy/versions/<int:number>/", views.PrivacyNoticeVersionView.as_view(), name="privacy-version"),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("health/", views.health, name="health"),
]
