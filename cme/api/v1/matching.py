"""Data matching: the review queue (read a candidate's evidence, confirm it as a referral or dismiss it) and runs."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.cases.models import Case
from cme.matching import services
from cme.matching.access import access_candidate
from cme.matching.enums import CandidateKind, ReviewState, RunState
from cme.matching.models import MatchRun
from cme.matching.selectors import QUEUE_FILTERS, candidate_queue, match_run_list

from ..exceptions import POSSIBLE_DUPLICATES_RESPONSE, code_field, date_field, error_responses
from .cases import Pagination, UserSummarySerializer, paginated_response, rationale_field
from .people import MAX_ID, PURPOSE_RESPONSE, child_for_input

CANDIDATE_ID = OpenApiParameter("candidate_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
RUN_ID = OpenApiParameter("run_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
MAX_DAYS_FROM_TODAY = 5 * 366
ERROR_DATE_RANGE = "Choose a date within five years of today"
NO_SUCH_RUN = "There is no match run with this id"


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identity_key = serializers.CharField(help_text="Stays with the same child from one match run to the next.")
    kind = code_field(CandidateKind)
    review_state = code_field(ReviewState)
    is_current = serializers.BooleanField(help_text="Found again by the latest run.")
    reopened = serializers.BooleanField(help_text="Dismissed before, proposed again on new records.")
    given_name = serializers.CharField()
    middle_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    resident_since = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    score = serializers.FloatField()
    first_run_id = serializers.IntegerField()
    last_run_id = serializers.IntegerField()
    child_id = serializers.IntegerField(allow_null=True)
    referral_id = serializers.IntegerField(allow_null=True)


class CandidateConfirmedSerializer(serializers.Serializer):
    referral_id = serializers.IntegerField(
        allow_null=True,
        help_text="The referral from data matching, waiting to be triaged; null when the evidence joined the child's "
        "open case instead.",
    )
    case_id = serializers.IntegerField(
        allow_null=True,
        help_text="The child's open case the candidate's records were added to (a note and an enquiry answer), "
        "instead of a second referral; null when a referral was made.",
    )
    child_id = serializers.IntegerField()
    candidate = CandidateSerializer()


class CandidateDecisionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rationale = serializers.CharField()
    decided_by = UserSummarySerializer()
    decided_at = serializers.DateTimeField()
    referral_id = serializers.IntegerField(allow_null=True)


class CandidateDetailSerializer(CandidateSerializer):
    evidence = serializers.JSONField(
        help_text="`records` (which records, in which sources, since when), `links` (per-field match weights between "
        "them) and the closest or matching school roll entry."
    )
    record_keys = serializers.ListField(child=serializers.CharField())
    decisions = CandidateDecisionSerializer(many=True)


class MatchRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = code_field(RunState)
    stage = serializers.CharField()
    percent_done = serializers.IntegerField()
    on_date = serializers.DateField()
    started_by = UserSummarySerializer(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    model_version = serializers.CharField()
    settings = serializers.JSONField(help_text="Every setting and threshold the run used.")
    counts = serializers.JSONField()
    failure = serializers.CharField()


class CandidateAccessApiMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.candidate = access_candidate(user=request.user, candidate_id=kwargs["candidate_id"])


class CandidateListApi(APIView):
    permission_required = "matching.view_candidates"
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        view = serializers.ChoiceField(choices=list(QUEUE_FILTERS), required=False, help_text="Default to_review.")
        kind = code_field(CandidateKind, required=False)

    @extend_schema(
        operation_id="match_candidate_list",
        summary="The review queue: children proposed by data matching",
        parameters=[FilterSerializer],
        responses={200: CandidateSerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        candidates = candidate_queue(view=filters.validated_data.get("view", "to_review"),
                                     kind=filters.validated_data.get("kind", ""))  # fmt: skip
        return paginated_response(self, candidates, CandidateSerializer)


class CandidateDetailApi(CandidateAccessApiMixin, APIView):
    permission_required = "matching.view_candidates"

    @extend_schema(
        operation_id="match_candidate_retrieve",
        summary="One candidate with its evidence (the read is audited)",
        parameters=[CANDIDATE_ID],
        responses={200: CandidateDetailSerializer, **error_responses(404)},
    )
    def get(self, request, candidate_id: int) -> Response:
        self.candidate.decisions_list = self.candidate.decisions.select_related("decided_by")
        data = CandidateDetailSerializer(self.candidate).data
        data["decisions"] = CandidateDecisionSerializer(self.candidate.decisions_list, many=True).data
        return Response(data)


class _ReviewInput(serializers.Serializer):
    rationale = rationale_field()


class CandidateConfirmApi(CandidateAccessApiMixin, APIView):
    permission_required = "matching.review_candidate"

    class InputSerializer(_ReviewInput):
        child_id = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=MAX_ID,
            help_text="A child's record cme already holds to refer about; leave out to make a new record.",
        )  # fmt: skip
        confirmed_new = serializers.BooleanField(
            required=False, default=False,
            help_text="True once you have looked at the possible duplicates a 409 named and this is a different "
            "child: a new record is made, with the rationale as the reason.",
        )  # fmt: skip

        class Meta:
            ref_name = "MatchCandidateConfirmInput"

    @extend_schema(
        operation_id="match_candidate_confirm",
        summary="Confirm the match: a referral from data matching, recorded as your decision",
        parameters=[CANDIDATE_ID],
        description="A referral about a child already held (named, or linked by the run) opens their record: outside "
        "your caseload, only with a stated purpose.",
        request=InputSerializer,
        responses={
            201: CandidateConfirmedSerializer,
            **error_responses(400, 404),
            403: PURPOSE_RESPONSE,
            409: POSSIBLE_DUPLICATES_RESPONSE,
        },
    )
    def post(self, request, candidate_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # A referral about a child already held (the one named, or the one the run linked) opens their record.
        child_id = data.pop("child_id", None) or self.candidate.child_id
        child = child_for_input(request, child_id) if child_id is not None else None
        outcome = services.candidate_confirm(candidate=self.candidate, actor=request.user, child=child, **data)
        self.candidate.refresh_from_db()
        joined = isinstance(outcome, Case)  # the child's open case: no second referral
        data = {
            "referral_id": None if joined else outcome.pk,
            "case_id": outcome.pk if joined else None,
            "child_id": outcome.child_id,
            "candidate": self.candidate,
        }
        return Response(CandidateConfirmedSerializer(data).data, status=status.HTTP_201_CREATED)


class CandidateDismissApi(CandidateAccessApiMixin, APIView):
    permission_required = "matching.review_candidate"

    class InputSerializer(_ReviewInput):
        class Meta:
            ref_name = "MatchCandidateDismissInput"

    @extend_schema(
        operation_id="match_candidate_dismiss",
        summary="Dismiss the match for the reason given; it returns only if new records arrive",
        parameters=[CANDIDATE_ID],
        request=InputSerializer,
        responses={200: CandidateSerializer, **error_responses(400, 404)},
    )
    def post(self, request, candidate_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.candidate_dismiss(candidate=self.candidate, actor=request.user, **serializer.validated_data)
        self.candidate.refresh_from_db()
        return Response(CandidateSerializer(self.candidate).data)


class MatchRunListApi(APIView):
    permission_required = "matching.view_runs"
    pagination_class = Pagination

    @extend_schema(
        operation_id="match_run_list",
        summary="Match runs, newest first, with their settings, model version and counts",
        responses={200: MatchRunSerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        return paginated_response(self, match_run_list(), MatchRunSerializer)


class MatchRunDetailApi(APIView):
    permission_required = "matching.view_runs"

    @extend_schema(
        operation_id="match_run_retrieve",
        summary="One match run and its progress",
        parameters=[RUN_ID],
        responses={200: MatchRunSerializer, **error_responses(404)},
    )
    def get(self, request, run_id: int) -> Response:
        run = MatchRun.objects.select_related("started_by").filter(pk=run_id).first()
        if run is None:
            from django.http import Http404

            raise Http404(NO_SUCH_RUN)
        return Response(MatchRunSerializer(run).data)


class MatchRunStartApi(APIView):
    permission_required = "matching.start_run"

    class InputSerializer(serializers.Serializer):
        on_date = date_field(required=False, allow_null=True,
                             help_text="Judge age and residence on this day; default today.")  # fmt: skip

        class Meta:
            ref_name = "MatchRunStartInput"

        def validate_on_date(self, value):
            if value is not None and abs((value - timezone.localdate()).days) > MAX_DAYS_FROM_TODAY:
                raise serializers.ValidationError(ERROR_DATE_RANGE)
            return value

    @extend_schema(
        operation_id="match_run_start",
        summary="Start a match run in the background; poll the run for progress",
        request=InputSerializer,
        responses={202: MatchRunSerializer, **error_responses(400)},
    )
    def post(self, request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.match_run_queue(actor=request.user, on_date=serializer.validated_data.get("on_date"))
        run.refresh_from_db()
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
