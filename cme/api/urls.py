"""/api/v1/: every endpoint, and the OpenAPI schema at /api/v1/schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .v1.accounts import MeApi
from .v1.schools import SchoolDetailApi, SchoolListApi


class SchemaApi(SpectacularAPIView):
    # SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] puts the project's HasNamedPermission in place of AllowAny.
    permission_required = "api.view_schema"


app_name = "api"

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("me/", MeApi.as_view(), name="me"),
    path("schools/", SchoolListApi.as_view(), name="school-list"),
    path("schools/<int:urn>/", SchoolDetailApi.as_view(), name="school-detail"),
]
