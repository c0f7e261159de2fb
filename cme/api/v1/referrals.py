"""Referrals: record what someone reported about a child, and triage it (accept into a case, or no further action)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.cases import services
from cme.cases.access import access_referral
from cme.cases.enums import CmeReason, ReferralSource, ReferralStatus, RiskLevel
from cme.cases.priority import flagged_first, referral_flag
from cme.cases.selectors import case_list_for_user, referral_list_for_user

from ..exceptions import code_field, date_field, error_responses
from .cases import (
    CaseSerializer,
    DecisionSerializer,
    Pagination,
    UserSummarySerializer,
    paginated_response,
    rationale_field,
)
from .people import MAX_ID, PURPOSE_RESPONSE, ChildSummarySerializer, child_for_input

REFERRAL_ID = OpenApiParameter("referral_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
NO_SUCH_CASE = "There is no case with this id"


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child = ChildSummarySerializer()
    source = code_field(ReferralSource)
    received_on = serializers.DateField()
    concerns = serializers.CharField()
    is_anonymous = serializers.BooleanField()
    referrer_name = serializers.CharField()
    referrer_role = serializers.CharField()
    referrer_organisation = serializers.CharField()
    referrer_phone = serializers.CharField()
    referrer_email = serializers.CharField()
    status = code_field(ReferralStatus)
    recorded_by = UserSummarySerializer()
    triaged_by = UserSummarySerializer(allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)
    triage_rationale = serializers.CharField()
    case_id = serializers.IntegerField(allow_null=True, help_text="The case it was accepted into.")
    safeguarding_concern = serializers.BooleanField(
        help_text="A safeguarding concern: triage is due the same school day."
    )
    carers = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Parents or carers the referrer named; they join the child's carers when the referral is accepted.",
    )


class CarerNamedSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    relationship = serializers.CharField(required=False, allow_blank=True, max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)

    class Meta:
        ref_name = "ReferralCarerNamed"


class ReferralDetailSerializer(ReferralSerializer):
    decisions = DecisionSerializer(many=True, help_text="The triage decision, once made.")


class ReferralAccessApiMixin:
    """Opens the referral named in the URL through `access_referral` (404 if the user may not see it).

    The role check (`permission_required`, asked first) answers 403 to roles that do no casework.
    """

    error_field_names = {"case": "case_id"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.referral = access_referral(user=request.user, referral_id=kwargs["referral_id"])


class ReferralListApi(APIView):
    permission_required = "cases.view_referral"
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        status = code_field(ReferralStatus, required=False)

    @extend_schema(
        operation_id="referral_list",
        summary="Referrals: those raising a safeguarding concern first, then oldest received first",
        parameters=[FilterSerializer],
        responses={200: ReferralSerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        referrals = referral_list_for_user(user=request.user, status=filters.validated_data.get("status", ""))
        # Safeguarding first (issue 11 point 4), then oldest received first.
        referrals = flagged_first(referrals.select_related("triaged_by"), referral_flag(), "received_on", "pk")
        return paginated_response(self, referrals, ReferralSerializer)


class ReferralCreateApi(APIView):
    permission_required = "cases.create_referral"

    class InputSerializer(serializers.Serializer):
        child_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The child the referral is about.")
        source = code_field(ReferralSource)
        received_on = date_field()
        concerns = serializers.CharField(help_text="What the referrer told us, in their words where possible.")
        is_anonymous = serializers.BooleanField(
            required=False, help_text="A member of the public who gave no name: then name and contact stay blank."
        )
        referrer_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
        referrer_role = serializers.CharField(required=False, allow_blank=True, max_length=150)
        referrer_organisation = serializers.CharField(required=False, allow_blank=True, max_length=200)
        referrer_phone = serializers.CharField(required=False, allow_blank=True, max_length=16)
        referrer_email = serializers.EmailField(required=False, allow_blank=True)
        safeguarding_concern = serializers.BooleanField(
            required=False, help_text="The referrer raised a safeguarding concern: triage is due the same school day."
        )
        carers = CarerNamedSerializer(
            many=True,
            required=False,
            help_text="Parents or carers the referrer named (name, relationship, telephone, address): they join the "
            "child's carers, with the referral as their source, when the referral is accepted.",
        )

        class Meta:
            ref_name = "ReferralCreateInput"

    @extend_schema(
        operation_id="referral_create",
        summary="Record a referral about a child already known",
        description="A child outside your caseload needs a stated purpose first, as opening their record would.",
        request=InputSerializer,
        responses={201: ReferralDetailSerializer, **error_responses(400), 403: PURPOSE_RESPONSE},
    )
    def post(self, request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = child_for_input(request, data.pop("child_id"))
        referral = services.referral_create(actor=request.user, child=child, **data)
        return Response(ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailApi(ReferralAccessApiMixin, APIView):
    permission_required = "cases.view_referral"

    @extend_schema(
        operation_id="referral_retrieve",
        summary="One referral, with its triage decision",
        parameters=[REFERRAL_ID],
        responses={200: ReferralDetailSerializer, **error_responses(404)},
    )
    def get(self, request, referral_id: int) -> Response:
        return Response(ReferralDetailSerializer(self.referral).data)


class ReferralAcceptApi(ReferralAccessApiMixin, APIView):
    permission_required = "cases.triage_referral"

    class InputSerializer(serializers.Serializer):
        case_id = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=MAX_ID,
            help_text="An open case about the same child to add the referral to; leave out to open a new case.",
        )  # fmt: skip
        primary_reason = code_field(CmeReason, required=False, help_text="Needed for a new case.")
        became_cme_on = date_field(required=False, allow_null=True, help_text="Needed for a new case.")
        risk_level = code_field(RiskLevel, required=False, help_text="For a new case; not assessed unless given.")
        rationale = rationale_field()

        class Meta:
            ref_name = "ReferralAcceptInput"

    @extend_schema(
        operation_id="referral_accept",
        summary="Accept the referral into a new case, allocated to you, or into an open case about the child",
        parameters=[REFERRAL_ID],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(CaseSerializer, description="A new case was opened."),
            200: OpenApiResponse(CaseSerializer, description="The referral was added to the open case named."),
            **error_responses(400, 404),
        },
    )
    def post(self, request, referral_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case_id = data.pop("case_id", None)
        case = None
        if case_id is not None:
            case = case_list_for_user(user=request.user).filter(pk=case_id).first()
            if case is None:
                raise serializers.ValidationError({"case_id": [NO_SUCH_CASE]})
        accepted = services.referral_accept(referral=self.referral, actor=request.user, case=case, **data)
        code = status.HTTP_200_OK if case is not None else status.HTTP_201_CREATED
        return Response(CaseSerializer(accepted).data, status=code)


class ReferralNoFurtherActionApi(ReferralAccessApiMixin, APIView):
    permission_required = "cases.triage_referral"

    class InputSerializer(serializers.Serializer):
        rationale = rationale_field()

        class Meta:
            ref_name = "ReferralNoFurtherActionInput"

    @extend_schema(
        operation_id="referral_no_further_action",
        summary="Close the referral without a case, for the reason given",
        parameters=[REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralDetailSerializer, **error_responses(400, 404)},
    )
    def post(self, request, referral_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_no_further_action(
            referral=self.referral, actor=request.user, **serializer.validated_data
        )
        return Response(ReferralDetailSerializer(referral).data)
