"""Schools' returns: a school user sends them and follows their own school's at a summary level; caseworkers read
them all with the council's triage. Triage itself is done on the web pages, by a person."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.accounts.enums import Role
from cme.people.enums import Sex
from cme.schools.access import access_return, access_return_suggestions, access_school_return
from cme.schools.enums import FORM_KINDS, DeletionGround, ReturnChannel, ReturnKind, TriageState
from cme.schools.models import RollReturn
from cme.schools.returns import selectors, services

from ..exceptions import code_field, date_field, error_responses
from .cases import Pagination, paginated_response, rationale_field
from .people import MAX_ID, PURPOSE_RESPONSE, child_for_input

RETURN_ID = OpenApiParameter("return_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)


class ParentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class ReturnSummarySerializer(serializers.Serializer):
    """What a school sees of its return: what it sent and a summary of the council's work, never case details."""

    id = serializers.IntegerField()
    kind = code_field(ReturnKind)
    received_on = serializers.DateField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    event_date = serializers.DateField()
    council_status = serializers.SerializerMethodField(help_text="received, looking_into or closed")

    def get_council_status(self, roll_return) -> str:
        return str(selectors.return_school_view(roll_return))


class ReturnSerializer(ReturnSummarySerializer):
    """The whole return and the council's triage, for caseworkers; a school user gets only the summary fields, so
    the rest are documented as optional."""

    school_urn = serializers.IntegerField(source="school.urn", required=False)
    channel = code_field(ReturnChannel, required=False)
    upn = serializers.CharField(required=False)
    sex = serializers.CharField(required=False)
    address_line1 = serializers.CharField(required=False)
    address_line2 = serializers.CharField(required=False)
    address_town = serializers.CharField(required=False)
    address_postcode = serializers.CharField(required=False)
    parents = ParentSerializer(many=True, required=False)
    deletion_ground = serializers.CharField(required=False)
    destination_school = serializers.CharField(required=False)
    destination_unknown = serializers.BooleanField(required=False)
    info_not_obtained = serializers.BooleanField(required=False)
    safeguarding_concern = serializers.BooleanField(required=False)
    school_days_absent = serializers.IntegerField(allow_null=True, required=False)
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, required=False)
    next_review_on = serializers.DateField(allow_null=True, required=False)
    ctf_source = serializers.CharField(required=False)
    ctf_destination = serializers.CharField(required=False)
    triage_state = code_field(TriageState, required=False)
    child_id = serializers.IntegerField(allow_null=True, required=False)
    referral_id = serializers.IntegerField(allow_null=True, required=False)


def _is_school_user(user) -> bool:
    return user.role == Role.SCHOOL_USER


def _returns_for(user):
    if _is_school_user(user):
        return selectors.returns_for_school(school_id=user.school_id)
    return RollReturn.objects.select_related("school", "referral", "referral__case").order_by("-received_on", "-pk")


class ReturnListApi(APIView):
    permission_required = "schools.view_returns"
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        kind = code_field(ReturnKind, required=False)

    @extend_schema(
        operation_id="return_list",
        summary="Schools' returns, newest first: a school user's own school's only, in summary",
        parameters=[FilterSerializer],
        responses={200: ReturnSummarySerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        returns = _returns_for(request.user)
        if kind := filters.validated_data.get("kind"):
            returns = returns.filter(kind=kind)
        return paginated_response(self, returns, ReturnSummarySerializer)


class ReturnDetailApi(APIView):
    permission_required = "schools.view_returns"

    @extend_schema(
        operation_id="return_detail",
        summary="One return: the whole of it for caseworkers, a summary for the school that sent it",
        parameters=[RETURN_ID],
        responses={200: ReturnSerializer, **error_responses(404)},
    )
    def get(self, request, return_id: int) -> Response:
        if _is_school_user(request.user):
            roll_return = access_school_return(user=request.user, return_id=return_id)
            return Response(ReturnSummarySerializer(roll_return).data)
        roll_return = access_return(user=request.user, return_id=return_id)
        return Response(ReturnSerializer(roll_return).data)


class ReturnCreateApi(APIView):
    """One return from the signed-in school user's school, with the same rules as the question pages."""

    permission_required = "schools.submit_return"
    error_field_names = {"timetable": "timetable_id"}

    class InputSerializer(serializers.Serializer):
        kind = code_field(
            ReturnKind,
            only=[*FORM_KINDS, ReturnKind.TIMETABLE_REVIEW, ReturnKind.TIMETABLE_END],
            component="ReturnKindSent",
        )
        upn = serializers.CharField(required=False, allow_blank=True, max_length=20)
        given_name = serializers.CharField(max_length=100)
        family_name = serializers.CharField(max_length=100)
        date_of_birth = date_field(child_birth=True)
        sex = code_field(Sex, required=False, blank=True)
        address_line1 = serializers.CharField(required=False, allow_blank=True, max_length=150)
        address_line2 = serializers.CharField(required=False, allow_blank=True, max_length=150)
        address_town = serializers.CharField(required=False, allow_blank=True, max_length=100)
        address_postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
        parents = ParentSerializer(many=True, required=False, max_length=2)
        event_date = date_field(help_text="Deletion date, starting day, first day of absence, timetable start …")
        deletion_ground = code_field(DeletionGround, required=False, blank=True)
        future_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
        future_address_from = date_field(required=False, allow_null=True)
        destination_school = serializers.CharField(required=False, allow_blank=True, max_length=200)
        destination_start_on = date_field(required=False, allow_null=True)
        info_not_obtained = serializers.BooleanField(required=False)
        info_not_obtained_details = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        safeguarding_concern = serializers.BooleanField(required=False)
        safeguarding_details = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        school_days_absent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=400)
        last_attended_on = date_field(required=False, allow_null=True)
        hours_per_week = serializers.DecimalField(
            required=False, allow_null=True, max_digits=4, decimal_places=1, min_value=0, max_value=40
        )
        timetable_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        parent_agreed = serializers.BooleanField(required=False, allow_null=True)
        planned_end_on = date_field(required=False, allow_null=True)
        next_review_on = date_field(required=False, allow_null=True)
        timetable_id = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=MAX_ID,
            help_text="For a review or ending: the timetable it is about.",
        )
        further_information = serializers.CharField(required=False, allow_blank=True, max_length=4000)

        class Meta:
            ref_name = "ReturnCreateInput"

    @extend_schema(
        operation_id="return_create",
        summary="Send a return from your school",
        request=InputSerializer,
        responses={201: ReturnSummarySerializer, **error_responses(400)},
    )
    def post(self, request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        kind = values.pop("kind")
        timetable_id = values.pop("timetable_id", None)
        if timetable_id is not None:
            timetable = request.user.school.part_time_timetables.filter(pk=timetable_id).first()
            values["timetable"] = timetable
            if timetable is not None:
                values = {**services.timetable_pupil_values(timetable), **values}
        values["parents"] = [dict(parent) for parent in values.get("parents", [])]
        roll_return = services.return_submit(
            actor=request.user, school=request.user.school, kind=kind, channel=ReturnChannel.API, values=values
        )
        return Response(ReturnSummarySerializer(roll_return).data, status=status.HTTP_201_CREATED)


# --- triage by an officer: each a person's decision with a rationale ---------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    child_id = serializers.IntegerField(source="child.pk")
    score = serializers.FloatField(source="match.score")
    certainty = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), source="match.reasons")


class ReturnTriageApiMixin:
    """Opens the return named in the URL through `access_return` (audited; 404 if there is none)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.roll_return = access_return(user=request.user, return_id=kwargs["return_id"])


class ReturnSuggestionsApi(ReturnTriageApiMixin, APIView):
    permission_required = "schools.triage_return"

    @extend_schema(
        operation_id="return_suggestions",
        summary="Children the return may be about, the exact UPN match first, with how sure each is (never applied)",
        parameters=[RETURN_ID],
        responses={200: SuggestionSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, return_id: int) -> Response:
        suggestions = access_return_suggestions(user=request.user, roll_return=self.roll_return)
        return Response(SuggestionSerializer(suggestions, many=True).data)


class ReturnMatchApi(ReturnTriageApiMixin, APIView):
    permission_required = "schools.triage_return"

    class InputSerializer(serializers.Serializer):
        child_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The child the return is about.")
        rationale = rationale_field()

        class Meta:
            ref_name = "ReturnMatchInput"

    @extend_schema(
        operation_id="return_match",
        summary="Confirm which child the return is about",
        description="A child outside your caseload needs a stated purpose first, as opening their record would.",
        parameters=[RETURN_ID],
        request=InputSerializer,
        responses={200: ReturnSerializer, **error_responses(400, 404), 403: PURPOSE_RESPONSE},
    )
    def post(self, request, return_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = child_for_input(request, serializer.validated_data["child_id"])
        roll_return = services.return_match_confirm(
            roll_return=self.roll_return,
            child=child,
            actor=request.user,
            rationale=serializer.validated_data["rationale"],
        )
        return Response(ReturnSerializer(roll_return).data)


class _ReturnDecisionApi(ReturnTriageApiMixin, APIView):
    permission_required = "schools.triage_return"

    class InputSerializer(serializers.Serializer):
        rationale = rationale_field()

        class Meta:
            ref_name = "ReturnDecisionInput"


class ReturnReferApi(_ReturnDecisionApi):
    @extend_schema(
        operation_id="return_refer",
        summary="Refer the return for CME enquiries: a referral from the school, triaged as any other",
        parameters=[RETURN_ID],
        request=_ReturnDecisionApi.InputSerializer,
        responses={200: ReturnSerializer, **error_responses(400, 404)},
    )
    def post(self, request, return_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.return_refer(roll_return=self.roll_return, actor=request.user, **serializer.validated_data)
        self.roll_return.refresh_from_db()
        return Response(ReturnSerializer(self.roll_return).data)


class ReturnNoFurtherActionApi(_ReturnDecisionApi):
    @extend_schema(
        operation_id="return_no_further_action",
        summary="Close the return with no further action, for the reason given",
        parameters=[RETURN_ID],
        request=_ReturnDecisionApi.InputSerializer,
        responses={200: ReturnSerializer, **error_responses(400, 404)},
    )
    def post(self, request, return_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        roll_return = services.return_no_further_action(
            roll_return=self.roll_return, actor=request.user, **serializer.validated_data
        )
        return Response(ReturnSerializer(roll_return).data)
