"""The school register, read-only."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from cme.api.exceptions import error_responses
from cme.schools.selectors import school_list


class SchoolSerializer(serializers.Serializer):
    urn = serializers.IntegerField()
    name = serializers.CharField()
    la_code = serializers.CharField()
    establishment_number = serializers.CharField()
    laestab = serializers.CharField()
    type_name = serializers.CharField()
    phase_name = serializers.CharField()
    status = serializers.CharField()
    open_date = serializers.DateField(allow_null=True)
    close_date = serializers.DateField(allow_null=True)
    statutory_low_age = serializers.IntegerField(allow_null=True)
    statutory_high_age = serializers.IntegerField(allow_null=True)
    postcode = serializers.CharField()
    on_roll = serializers.IntegerField(help_text="Pupils currently on roll according to cme's enrolments.")


class SchoolListApi(ListAPIView):
    permission_required = "schools.view_school"
    serializer_class = SchoolSerializer

    def get_queryset(self):
        # Without NUL, which PostgreSQL refuses in any text (a 500 otherwise).
        return school_list(search=self.request.query_params.get("q", "").replace("\x00", "").strip()[:100])

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of a name, URN prefix or postcode")],
        summary="List schools",
        responses={200: SchoolSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SchoolDetailApi(RetrieveAPIView):
    permission_required = "schools.view_school"
    serializer_class = SchoolSerializer
    lookup_field = "urn"

    def get_queryset(self):
        return school_list()

    @extend_schema(summary="One school, by URN", responses={200: SchoolSerializer, **error_responses(401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
