"""URL root: pages at "/", the REST API at "/api/v1/". There is no Django admin (see accounts.models.User)."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("cme.api.urls")),
    path("", include("cme.web.urls")),
]

handler403 = "cme.web.pages.errors.forbidden"
handler404 = "cme.web.pages.errors.not_found"
handler500 = "cme.web.pages.errors.server_error"
