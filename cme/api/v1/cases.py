"""Cases: the caseload, one case, every decision on a case, and its enquiries, notes and decisions.

Each endpoint about one case opens it through `access_case`, so a case the user may not see answers 404 as if it did
not exist; the `rules` permission is then asked of the case itself (a manager may reallocate it, an officer may not).
"""

from django.db.models import TextChoices
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.accounts.selectors import user_list
from cme.cases import services
from cme.cases.access import access_case
from cme.cases.enums import (
    CaseStatus,
    CmeReason,
    DecisionKind,
    DocumentKind,
    EnquiryAgency,
    EnquiryResult,
    Outcome,
    ReferralSource,
    ReferralStatus,
    RiskLevel,
    SignOffState,
)
from cme.cases.models import Note
from cme.cases.selectors import case_list_for_user
from cme.cases.services.cases import ERROR_NOT_AN_OFFICER, ESCALATIONS
from cme.cases.services.enquiries import ERROR_EVIDENCE_OTHER_CASE
from cme.cases.services.notes import ERROR_EMPTY, ERROR_REASON
from cme.common.access import audit_list_read, audit_refused_request
from cme.common.errors import ApplicationError
from cme.common.writes import ERROR_NO_RATIONALE
from cme.privacy.enums import LawfulBasis
from cme.schools.selectors import school_get

from ..exceptions import code_field, date_field, error_responses
from ..fields import version_field
from .people import MAX_ID, ChildSummarySerializer

CASE_ID = OpenApiParameter("case_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
ENQUIRY_ID = OpenApiParameter("enquiry_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
NOTE_ID = OpenApiParameter("note_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
ERROR_UNKNOWN_URN = "No school with this URN is in the register: give its name too (destination_school_name)"
RATIONALE_HELP = "Why you are making this decision; recorded with your name."


class Pagination(LimitOffsetPagination):
    max_limit = 500


def rationale_field(help_text: str = RATIONALE_HELP) -> serializers.CharField:
    """The reason for a decision: required, and refused blank with the services' own wording."""
    errors = {"required": ERROR_NO_RATIONALE, "blank": ERROR_NO_RATIONALE}
    return serializers.CharField(error_messages=errors, help_text=help_text)


# Lists of these records name children: each page an endpoint returns is audited (cme.common.access).
LISTS_OF_PEOPLE = frozenset({"cases.case", "cases.referral", "schools.rollreturn", "matching.matchcandidate"})


def paginated_response(view: APIView, rows, serializer_class) -> Response:
    """One page of `rows` (limit and offset from the query string) in DRF's {count, next, previous, results}.

    A page of cases, referrals, returns or match candidates is audited: the ids on it and the filters asked for."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, view.request, view=view)
    listed = rows.model._meta.label_lower if hasattr(rows, "model") else ""
    if listed in LISTS_OF_PEOPLE:
        request = view.request
        audit_list_read(
            user=request.user,
            target_type=listed,
            route=request.resolver_match.view_name if request.resolver_match else "",
            shown=[row.pk for row in page],
            total=paginator.count,
            criteria=request.query_params.dict(),
        )
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# ---------------------------------------------------------------------------------------------------------------
# What the endpoints return


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class TeamSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="The number officers quote, e.g. CME-000042.")
    child = ChildSummarySerializer()
    status = code_field(CaseStatus)
    risk_level = code_field(RiskLevel)
    primary_reason = code_field(CmeReason)
    became_cme_on = serializers.DateField()
    opened_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True, help_text="When the current stage's work is due.")
    closed_on = serializers.DateField(allow_null=True)
    outcome = code_field(Outcome, blank=True, help_text="Blank until the case is closed.")
    destination_school_urn = serializers.IntegerField(
        source="destination_school.urn", allow_null=True, default=None, help_text="Closed: the school the child is on."
    )
    destination_council = serializers.CharField(help_text="Closed: the council's area the child moved to.")
    destination_country = serializers.CharField(help_text="Closed: the country the child moved to.")
    destination_on = serializers.DateField(allow_null=True, help_text="Closed: when the child started or moved.")
    officer = UserSummarySerializer(allow_null=True)
    team = TeamSummarySerializer(allow_null=True)
    version = serializers.IntegerField(help_text="Send this back as `expected_version` with a change.")


class EnquirySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    agency = code_field(EnquiryAgency)
    contact_name = serializers.CharField()
    contact_details = serializers.CharField()
    requested_on = serializers.DateField()
    response_due_on = serializers.DateField(allow_null=True)
    responded_on = serializers.DateField(allow_null=True)
    result = code_field(EnquiryResult)
    findings = serializers.CharField()
    joint_enquiry = serializers.BooleanField()
    evidence_id = serializers.IntegerField(allow_null=True, help_text="A document on the case.")
    recorded_by = UserSummarySerializer()
    version = serializers.IntegerField(help_text="Send this back as `expected_version` with the response.")


class NoteVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = UserSummarySerializer()
    created_at = serializers.DateTimeField()
    correction_reason = serializers.CharField(help_text="Why this version corrected the one before; blank if none.")


class NoteSerializer(NoteVersionSerializer):
    """The current version of a note, with the versions it corrected (newest first) kept for the record."""

    case_id = serializers.IntegerField()
    corrects_id = serializers.IntegerField(allow_null=True, help_text="The version this one replaced.")
    earlier_versions = NoteVersionSerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = code_field(DecisionKind)
    case_id = serializers.IntegerField(allow_null=True)
    referral_id = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField()
    details = serializers.DictField(help_text='What changed, e.g. {"from": "open", "to": "enquiries"}.')
    decided_by = UserSummarySerializer()
    decided_at = serializers.DateTimeField()


class DocumentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = code_field(DocumentKind)
    title = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    uploaded_by = UserSummarySerializer()
    uploaded_at = serializers.DateTimeField()


class CaseReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = code_field(ReferralSource)
    received_on = serializers.DateField()
    status = code_field(ReferralStatus)


class CaseDetailSerializer(CaseSerializer):
    """The case with everything on it, read in a fixed number of queries however long it has run."""

    referrals = CaseReferralSerializer(many=True)
    enquiries = EnquirySerializer(many=True)
    notes = NoteSerializer(many=True, source="current_notes", help_text="Current versions, newest first.")
    decisions = DecisionSerializer(many=True)
    documents = DocumentSummarySerializer(many=True)


def current_notes(notes: list[Note]) -> list[Note]:
    """The notes no later note corrects, each with `earlier_versions`: the chain it replaced, newest first."""
    by_id = {note.pk: note for note in notes}
    corrected = {note.corrects_id for note in notes if note.corrects_id}
    current = [note for note in notes if note.pk not in corrected]
    for note in current:
        note.earlier_versions, previous = [], by_id.get(note.corrects_id)
        while previous is not None:
            note.earlier_versions.append(previous)
            previous = by_id.get(previous.corrects_id)
    return current


# ---------------------------------------------------------------------------------------------------------------
# The caseload and one case


class CaseAccessApiMixin:
    """Opens the case named in the URL for the endpoint, after the role check and before the handler runs.

    `permission_required` (asked without a case) keeps out roles that do no casework at all: 403. The case is then
    opened through `access_case`: 404 if the user may not see it. Last, `case_permission` is asked of the case: 403.
    """

    permission_required = "cases.view_caseload"
    case_permission = "cases.work_case"
    load_detail = False
    # Services name their arguments (`officer`); endpoints take ids (`officer_id`). Errors use the endpoint's names.
    error_field_names = {"case": "case_id", "officer": "officer_id", "evidence": "evidence_id"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.case = access_case(user=request.user, case_id=kwargs["case_id"], detail=self.load_detail)
        if not request.user.has_perm(self.case_permission, self.case):
            audit_refused_request(
                user=request.user, status=403, route=request.resolver_match.view_name, url_kwargs=kwargs
            )
            self.permission_denied(request)


class CaseListApi(APIView):
    permission_required = "cases.view_caseload"
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        status = code_field(CaseStatus, required=False)
        mine = serializers.BooleanField(required=False, help_text="Only cases allocated to you.")

    @extend_schema(
        operation_id="case_list",
        summary="Cases you may see",
        description="A manager sees every case; an officer their own and their team's. Soonest due first.",
        parameters=[FilterSerializer],
        responses={200: CaseSerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = case_list_for_user(user=request.user)
        if filters.validated_data.get("status"):
            cases = cases.filter(status=filters.validated_data["status"])
        if filters.validated_data.get("mine"):
            cases = cases.filter(officer=request.user)
        return paginated_response(self, cases.order_by("due_on", "pk"), CaseSerializer)


class CaseDetailApi(CaseAccessApiMixin, APIView):
    case_permission = "cases.view_case"
    load_detail = True

    @extend_schema(
        operation_id="case_retrieve",
        summary="One case, with its referrals, enquiries, notes, decisions and documents",
        parameters=[CASE_ID],
        responses={200: CaseDetailSerializer, **error_responses(404)},
    )
    def get(self, request, case_id: int) -> Response:
        self.case.current_notes = current_notes(list(self.case.notes.all()))
        return Response(CaseDetailSerializer(self.case).data)


# ---------------------------------------------------------------------------------------------------------------
# Decisions on a case: each needs a rationale, and is recorded with the user's name


class CaseStatusChangeApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        status = code_field(CaseStatus, help_text="Open, enquiries and located; close and reopen have endpoints.")
        rationale = rationale_field()
        expected_version = version_field()

        class Meta:
            ref_name = "CaseStatusChangeInput"

    @extend_schema(
        operation_id="case_status_change",
        summary="Move an open case between open, making enquiries and child located",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_status_change(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(CaseSerializer(case).data)


class CaseSetRiskApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        risk_level = code_field(RiskLevel)
        rationale = rationale_field()
        expected_version = version_field()

        class Meta:
            ref_name = "CaseSetRiskInput"

    @extend_schema(
        operation_id="case_set_risk",
        summary="Record your judgement of the risk to the child",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_set_risk(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(CaseSerializer(case).data)


class CaseReallocateApi(CaseAccessApiMixin, APIView):
    case_permission = "cases.reallocate_case"

    class InputSerializer(serializers.Serializer):
        officer_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An active CME officer.")
        rationale = rationale_field()
        expected_version = version_field()

        class Meta:
            ref_name = "CaseReallocateInput"

    @extend_schema(
        operation_id="case_reallocate",
        summary="Give the case to another officer (managers only)",
        description="The case moves to the officer's team too.",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        officer = user_list().filter(pk=data.pop("officer_id")).first()
        if officer is None:
            raise serializers.ValidationError({"officer_id": [ERROR_NOT_AN_OFFICER]})
        case = services.case_reallocate(case=self.case, actor=request.user, officer=officer, **data)
        return Response(CaseSerializer(case).data)


class CaseEscalateApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        kind = code_field(DecisionKind, only=list(ESCALATIONS), component="EscalationKind")
        recipient = serializers.CharField(max_length=200, help_text="The team or organisation told.")
        rationale = rationale_field(help_text="Why, and what you shared.")
        lawful_basis = code_field(LawfulBasis, required=False, help_text="Public task unless you say otherwise.")

        class Meta:
            ref_name = "CaseEscalateInput"

    @extend_schema(
        operation_id="case_escalate",
        summary="Escalate to children's social care or the police, or refer to another council",
        description="Recorded as a decision and as a disclosure of the child's information. The case stays open.",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={201: DecisionSerializer, **error_responses(400, 404)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.case_escalate(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class CaseStartSaoApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        rationale = rationale_field()

        class Meta:
            ref_name = "CaseStartSaoInput"

    @extend_schema(
        operation_id="case_start_sao",
        summary="Decide to start school attendance order steps",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={201: DecisionSerializer, **error_responses(400, 404)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.case_start_sao(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class CloseAnswer(TextChoices):
    """What a closure answered with 202 means."""

    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for a manager's sign-off"


class SignOffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = code_field(SignOffState)
    outcome = code_field(Outcome)
    needed_because = serializers.ListField(child=serializers.CharField(), help_text="Why the settings need sign-off.")
    requested_by = UserSummarySerializer()
    requested_at = serializers.DateTimeField()


class AwaitingSignOffSerializer(serializers.Serializer):
    status = code_field(CloseAnswer, help_text="Always `awaiting_sign_off`: the closure waits for a manager.")
    sign_off = SignOffSerializer()
    case = CaseSerializer(help_text="The case, still open until a manager signs the closure off.")


class CaseCloseApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        outcome = code_field(Outcome)
        rationale = rationale_field()
        expected_version = version_field()
        destination_school_urn = serializers.IntegerField(
            required=False, min_value=100000, max_value=999999, help_text="Found on a school roll: the school's URN."
        )
        destination_school_name = serializers.CharField(
            required=False, max_length=200, help_text="Another council's school the register does not hold: its name."
        )
        destination_council = serializers.CharField(required=False, max_length=150, allow_blank=True)
        destination_country = serializers.CharField(required=False, max_length=100, allow_blank=True)
        destination_on = date_field(required=False, help_text="When the child started at the school, or moved.")

        class Meta:
            ref_name = "CaseCloseInput"

    @extend_schema(
        operation_id="case_close",
        summary="Close the case with an outcome and where the child went",
        description="Answers 200 with the closed case, or 202 with `status` `awaiting_sign_off` when the council's "
        "settings need a manager's sign-off first: the case stays open until a manager approves.",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={200: CaseSerializer, 202: AwaitingSignOffSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        urn = data.get("destination_school_urn")
        school = None
        if urn is not None and not data.get("destination_school_name"):
            school = school_get(urn=urn)
            if school is None:
                raise ApplicationError(ERROR_UNKNOWN_URN, field="destination_school_urn")
        destination = services.closure_destination(
            outcome=data["outcome"],
            school=school,
            other_school_name=data.get("destination_school_name", ""),
            other_school_urn=str(urn) if school is None and urn is not None else "",
            council=data.get("destination_council", ""),
            country=data.get("destination_country", ""),
            on=data.get("destination_on"),
            required=False,
        )
        result = services.case_close_or_ask(
            case=self.case,
            actor=request.user,
            outcome=data["outcome"],
            rationale=data["rationale"],
            expected_version=data["expected_version"],
            destination=destination,
        )
        if result.awaiting_sign_off:
            body = {"status": "awaiting_sign_off", "sign_off": result.sign_off, "case": result.case}
            return Response(AwaitingSignOffSerializer(body).data, status=status.HTTP_202_ACCEPTED)
        return Response(CaseSerializer(result.case).data)


class CaseReopenApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        rationale = rationale_field()
        expected_version = version_field()

        class Meta:
            ref_name = "CaseReopenInput"

    @extend_schema(
        operation_id="case_reopen",
        summary="Reopen a closed case; it goes back to making enquiries",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_reopen(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(CaseSerializer(case).data)


class CaseDecisionListApi(CaseAccessApiMixin, APIView):
    case_permission = "cases.view_case"

    @extend_schema(
        operation_id="case_decision_list",
        summary="Every decision on the case, newest first",
        description="Read-only: decisions are made through the other endpoints, which record them.",
        parameters=[CASE_ID],
        responses={200: DecisionSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, case_id: int) -> Response:
        decisions = self.case.decisions.select_related("decided_by")
        return Response(DecisionSerializer(decisions, many=True).data)


# ---------------------------------------------------------------------------------------------------------------
# Enquiries


class EnquiryListApi(CaseAccessApiMixin, APIView):
    case_permission = "cases.view_case"

    @extend_schema(
        operation_id="enquiry_list",
        summary="The case's enquiries, in the order they were made",
        parameters=[CASE_ID],
        responses={200: EnquirySerializer(many=True), **error_responses(404)},
    )
    def get(self, request, case_id: int) -> Response:
        enquiries = self.case.enquiries.select_related("recorded_by")
        return Response(EnquirySerializer(enquiries, many=True).data)


class EnquiryCreateApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        agency = code_field(EnquiryAgency)
        requested_on = date_field()
        contact_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
        contact_details = serializers.CharField(required=False, allow_blank=True, max_length=200)
        joint_enquiry = serializers.BooleanField(
            required=False, help_text="Joint reasonable enquiries with the school (deletion grounds H and I)."
        )

        class Meta:
            ref_name = "EnquiryCreateInput"

    @extend_schema(
        operation_id="enquiry_create",
        summary="Record an enquiry made to an agency",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={201: EnquirySerializer, **error_responses(400, 404)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enquiry = services.enquiry_request(case=self.case, actor=request.user, **serializer.validated_data)
        return Response(EnquirySerializer(enquiry).data, status=status.HTTP_201_CREATED)


class EnquiryResponseRecordApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        responded_on = date_field()
        result = code_field(
            EnquiryResult, only=[r for r in EnquiryResult if r != EnquiryResult.AWAITING], component="EnquiryAnswer"
        )
        findings = serializers.CharField(required=False, allow_blank=True)
        evidence_id = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="A document on this case."
        )
        expected_version = version_field()

        class Meta:
            ref_name = "EnquiryResponseInput"

    @extend_schema(
        operation_id="enquiry_response_record",
        summary="Record what the agency answered",
        description="Finding the child here does not change the case: change its status to say so.",
        parameters=[CASE_ID, ENQUIRY_ID],
        request=InputSerializer,
        responses={200: EnquirySerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, case_id: int, enquiry_id: int) -> Response:
        enquiry = self.case.enquiries.filter(pk=enquiry_id).first()
        if enquiry is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        evidence_id = data.pop("evidence_id", None)
        evidence = None
        if evidence_id is not None:
            evidence = self.case.documents.filter(pk=evidence_id).first()
            if evidence is None:
                raise serializers.ValidationError({"evidence_id": [ERROR_EVIDENCE_OTHER_CASE]})
        enquiry = services.enquiry_record_response(enquiry=enquiry, actor=request.user, evidence=evidence, **data)
        return Response(EnquirySerializer(enquiry).data)


# ---------------------------------------------------------------------------------------------------------------
# File notes


class NoteListApi(CaseAccessApiMixin, APIView):
    case_permission = "cases.view_case"

    @extend_schema(
        operation_id="note_list",
        summary="The case's file notes: current versions, newest first, each with the versions it corrected",
        parameters=[CASE_ID],
        responses={200: NoteSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, case_id: int) -> Response:
        notes = current_notes(list(self.case.notes.select_related("author")))
        return Response(NoteSerializer(notes, many=True).data)


class NoteCreateApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(error_messages={"required": ERROR_EMPTY, "blank": ERROR_EMPTY})

        class Meta:
            ref_name = "NoteCreateInput"

    @extend_schema(
        operation_id="note_create",
        summary="Add a file note",
        parameters=[CASE_ID],
        request=InputSerializer,
        responses={201: NoteSerializer, **error_responses(400, 404)},
    )
    def post(self, request, case_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(case=self.case, actor=request.user, **serializer.validated_data)
        note.earlier_versions = []
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteCorrectApi(CaseAccessApiMixin, APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(
            help_text="The whole corrected note.", error_messages={"required": ERROR_EMPTY, "blank": ERROR_EMPTY}
        )
        reason = serializers.CharField(max_length=300, error_messages={"required": ERROR_REASON, "blank": ERROR_REASON})

        class Meta:
            ref_name = "NoteCorrectInput"

    @extend_schema(
        operation_id="note_correct",
        summary="Correct a file note",
        description="Writes a new version; the note corrected stays on the record. Only the newest version of a note "
        "can be corrected.",
        parameters=[CASE_ID, NOTE_ID],
        request=InputSerializer,
        responses={201: NoteSerializer, **error_responses(400, 404)},
    )
    def post(self, request, case_id: int, note_id: int) -> Response:
        note = self.case.notes.filter(pk=note_id).first()
        if note is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.note_correct(note=note, actor=request.user, **serializer.validated_data)
        (current,) = (n for n in current_notes(list(self.case.notes.select_related("author"))) if n == correction)
        return Response(NoteSerializer(current).data, status=status.HTTP_201_CREATED)
