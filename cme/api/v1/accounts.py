"""Who am I: lets an integration check its token and see the role it acts with."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.api.exceptions import error_responses


class MeApi(APIView):
    permission_required = "accounts.view_own_account"

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        display_name = serializers.CharField()
        role = serializers.CharField()
        team = serializers.CharField(source="team.name", allow_null=True, default=None)
        school_urn = serializers.IntegerField(source="school.urn", allow_null=True, default=None)
        organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    @extend_schema(responses={200: OutputSerializer, **error_responses(401)}, summary="The user the token belongs to")
    def get(self, request) -> Response:
        return Response(self.OutputSerializer(request.user).data)
