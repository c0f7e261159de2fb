"""Children and carers: search, read, record and update them, and link a carer to a child. Caseworkers only."""

import hashlib

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.common.errors import RecordNotFound
from cme.people import services
from cme.people.access import access_carer, access_child, access_child_search, carer_visible, child_visible
from cme.people.enums import Ethnicity, MaritalStatus, RelationshipKind, SenProvision, Sex, Title
from cme.people.history import REASON_REQUIRED_ERROR as ERROR_NO_CHANGE_REASON
from cme.people.models import Carer, Child
from cme.people.selectors import child_carers, child_current_address
from cme.privacy.enums import Purpose
from cme.privacy.masking import mask_sensitive
from cme.privacy.services import ERROR_NO_REASON

from ..exceptions import (
    NON_FIELD,
    POSSIBLE_DUPLICATES_RESPONSE,
    ErrorSerializer,
    code_field,
    date_field,
    error_responses,
)
from ..fields import version_field

# Children's and carers' records are for caseworkers (cme/people/policies.py). A carer is part of the record of the
# children they care for, so carers are read and changed under the children's permissions.
SEARCH_CHILDREN = "people.search_children"
VIEW_CHILD = "people.view_child"
CHANGE_CHILD = "people.change_child"
# What only creating a child takes: where they live, and the answer to the duplicate check.
MAX_ID = 2**63 - 1  # the largest id a database row can have
CREATE_ONLY_FIELDS = ("postcode", "confirmed_new", "reason")

CHILD_ID = OpenApiParameter("child_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
CARER_ID = OpenApiParameter("carer_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
MAX_ID = 2**63 - 1  # the largest id a database row can have
CREATE_ONLY_FIELDS = ("postcode", "confirmed_new")  # an update has its own `reason`: why the details change
SEARCH_NEEDS_SOMETHING = "Enter a name, date of birth, UPN or postcode to search for"
NO_SUCH_CHILD = "There is no child with this id"
PURPOSE_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="Your role may not do this; or the child is outside your caseload and you have not yet said why you "
    "need their record with this token (POST /api/v1/children/{child_id}/purpose/).",
)
CARER_PURPOSE_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="Your role may not do this; or none of the carer's children is in your caseload and you have not yet "
    "said why you need the carer's record with this token (POST /api/v1/carers/{carer_id}/purpose/).",
)


def token_session(request: Request) -> str:
    """What a stated purpose covers through the API: this token, as a session covers the pages. Only a hash of the
    token's stored digest is kept, so nothing in the access log helps anyone sign in."""
    return "api-token:" + hashlib.sha256(request.auth.digest.encode()).hexdigest()[:50]


def child_open(request: Request, child_id: int) -> Child:
    """The child named in the URL, through `access_child`: 404 if absent, 403 outside the caseload until the caller
    has said why (POST …/purpose/) with the token they are using."""
    return access_child(user=request.user, child_id=child_id, session_key=token_session(request))


def child_for_input(request: Request, child_id: int) -> Child:
    """The child a request body names, through `access_child` as any other read of a child (403 outside the caseload
    without a stated purpose); a 400 naming `child_id` if there is no such child."""
    try:
        return child_open(request, child_id)
    except RecordNotFound:
        raise serializers.ValidationError({"child_id": [NO_SUCH_CHILD]}) from None


def carer_open(request: Request, carer_id: int) -> Carer:
    """The carer named in the URL, through `access_carer`: the child rule (404, or 403 until a purpose is stated)."""
    return access_carer(user=request.user, carer_id=carer_id, session_key=token_session(request))


# ---------------------------------------------------------------------------------------------------------------
# What the endpoints return


class ChildSummarySerializer(serializers.Serializer):
    """Enough to recognise a child in a list."""

    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    upn = serializers.CharField(help_text="Unique pupil number; blank when not known.")


class CarerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = code_field(Title, blank=True)
    given_name = serializers.CharField()
    family_name = serializers.CharField()


class AddressSerializer(serializers.Serializer):
    uprn = serializers.CharField(help_text="Unique property reference number; blank when not known.")
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()


class ChildCarerSerializer(serializers.Serializer):
    """One of the child's carers and how they are related."""

    carer = CarerSummarySerializer()
    kind = code_field(RelationshipKind)
    parental_responsibility = serializers.BooleanField()
    lives_with = serializers.BooleanField()


class CarerChildSerializer(serializers.Serializer):
    """One of the carer's children and how they are related."""

    child = ChildSummarySerializer()
    kind = code_field(RelationshipKind)
    parental_responsibility = serializers.BooleanField()
    lives_with = serializers.BooleanField()


class ChildSerializer(serializers.Serializer):
    """A child's record: who they are, their carers and where they live now."""

    id = serializers.IntegerField()
    given_name = serializers.CharField()
    middle_names = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    sex = code_field(Sex)
    date_of_birth = serializers.DateField()
    upn = serializers.CharField(help_text="Unique pupil number; blank when not known.")
    former_upns = serializers.ListField(
        child=serializers.CharField(), source="former_upn_list", help_text="UPNs the child had before."
    )
    nhs_number = serializers.CharField(help_text="10 digits; blank when not known.")
    # Special-category fields are null for a user not cleared to see them (cme/privacy/masking.py).
    ethnicity = code_field(Ethnicity, blank=True, allow_null=True)
    sen_provision = code_field(SenProvision, blank=True, allow_null=True)
    first_language = serializers.CharField()
    looked_after = serializers.BooleanField(allow_null=True)
    child_protection_plan = serializers.BooleanField(allow_null=True)
    traveller = serializers.BooleanField(allow_null=True)
    service_child = serializers.BooleanField()
    young_carer = serializers.BooleanField()
    ehcp = serializers.BooleanField(allow_null=True)
    receives_benefits = serializers.BooleanField()
    immigration_involvement = serializers.BooleanField()
    police_probation_involvement = serializers.BooleanField(
        allow_null=True, help_text="Criminal offence data: null for a user not cleared to see it."
    )
    version = serializers.IntegerField(help_text="Send this back as `expected_version` when you update the child.")
    carers = ChildCarerSerializer(many=True, source="carer_links")
    current_address = AddressSerializer(allow_null=True, help_text="Where the child lives today, if known.")


class CarerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = code_field(Title, blank=True)
    given_name = serializers.CharField()
    middle_names = serializers.CharField()
    family_name = serializers.CharField()
    sex = code_field(Sex)
    date_of_birth = serializers.DateField(allow_null=True)
    marital_status = code_field(MaritalStatus, blank=True)
    version = serializers.IntegerField()
    children = CarerChildSerializer(many=True, source="child_links")


class RelationshipSerializer(serializers.Serializer):
    carer_id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    kind = code_field(RelationshipKind)
    parental_responsibility = serializers.BooleanField()
    lives_with = serializers.BooleanField()


def child_data(child: Child, *, user) -> dict:
    """The child's record as ChildSerializer gives it, with carers and current address read by the selectors, and
    special-category fields masked (null) for a user not cleared for them."""
    child.carer_links = list(child_carers(child=child))
    child.current_address = child_current_address(child=child)
    child.former_upn_list = [former.upn for former in child.former_upns.order_by("pk")]
    return mask_sensitive(ChildSerializer(child).data, model=Child, user=user)


def _carer_data(carer: Carer) -> dict:
    carer.child_links = list(carer.relationships.select_related("child").order_by("child__date_of_birth", "pk"))
    return CarerSerializer(carer).data


# ---------------------------------------------------------------------------------------------------------------
# Children


class ChildSearchApi(APIView):
    permission_required = SEARCH_CHILDREN

    class FilterSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Any of their names")
        date_of_birth = date_field(required=False)
        upn = serializers.CharField(required=False, allow_blank=True, max_length=20)
        postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)

        def validate(self, data):
            if not any(data.values()):
                raise serializers.ValidationError({NON_FIELD: [SEARCH_NEEDS_SOMETHING]})
            return data

    class OutputSerializer(serializers.Serializer):
        child = ChildSummarySerializer()
        score = serializers.FloatField(help_text="From 0 to 1: 1 agrees with everything searched for.")
        reasons = serializers.ListField(child=serializers.CharField(), help_text="Why the child matched, in words.")

        class Meta:
            ref_name = "ChildMatch"

    @extend_schema(
        operation_id="child_search",
        summary="Find children who may be the one described",
        description="The 50 best matches, best first, tolerating typos, nicknames and other spellings. Nothing is "
        "decided: a person reviews the matches.",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400)},
    )
    def get(self, request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        matches = access_child_search(user=request.user, **filters.validated_data)
        return Response(self.OutputSerializer(matches, many=True).data)


class ChildDetailApi(APIView):
    permission_required = VIEW_CHILD

    @extend_schema(
        operation_id="child_retrieve",
        summary="A child's record, with carers and current address",
        parameters=[CHILD_ID],
        responses={200: ChildSerializer, **error_responses(404), 403: PURPOSE_RESPONSE},
    )
    def get(self, request, child_id: int) -> Response:
        return Response(child_data(child_open(request, child_id), user=request.user))


class ChildCreateApi(APIView):
    permission_required = CHANGE_CHILD

    class InputSerializer(serializers.Serializer):
        given_name = serializers.CharField(max_length=100)
        middle_names = serializers.CharField(required=False, allow_blank=True, max_length=150)
        family_name = serializers.CharField(max_length=100)
        preferred_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
        sex = code_field(Sex, required=False)
        date_of_birth = date_field(child_birth=True)
        upn = serializers.CharField(
            required=False, allow_blank=True, max_length=20, help_text="Spaces allowed; blank when not known."
        )
        nhs_number = serializers.CharField(
            required=False, allow_blank=True, max_length=20, help_text="Spaces or hyphens allowed."
        )
        ethnicity = code_field(Ethnicity, blank=True, required=False)
        sen_provision = code_field(SenProvision, blank=True, required=False)
        first_language = serializers.CharField(required=False, allow_blank=True, max_length=100)
        looked_after = serializers.BooleanField(required=False)
        child_protection_plan = serializers.BooleanField(required=False)
        traveller = serializers.BooleanField(required=False)
        service_child = serializers.BooleanField(required=False)
        young_carer = serializers.BooleanField(required=False)
        ehcp = serializers.BooleanField(required=False)
        receives_benefits = serializers.BooleanField(required=False)
        immigration_involvement = serializers.BooleanField(required=False)
        police_probation_involvement = serializers.BooleanField(required=False)
        postcode = serializers.CharField(
            required=False, allow_blank=True, max_length=10, help_text="Where the child lives, for the duplicate check."
        )
        confirmed_new = serializers.BooleanField(
            required=False,
            default=False,
            help_text="True once you have looked at the possible duplicates a 409 named and this is a different child.",
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, max_length=1000, help_text="Why this is a different child."
        )

        class Meta:
            ref_name = "ChildCreateInput"

    @extend_schema(
        operation_id="child_create",
        summary="Record a child",
        description=(
            "Answers 409 with `possible_duplicates` (id, names, date of birth, why) when children already held may be "
            'the same child, unless the request says it has looked: `"confirmed_new": true` and a `reason`.'
        ),
        request=InputSerializer,
        responses={201: ChildSerializer, **error_responses(400), 409: POSSIBLE_DUPLICATES_RESPONSE},
    )
    def post(self, request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = services.child_create(actor=request.user, **serializer.validated_data)
        return Response(child_data(child, user=request.user), status=status.HTTP_201_CREATED)


class ChildUpdateApi(APIView):
    permission_required = CHANGE_CHILD

    class InputSerializer(ChildCreateApi.InputSerializer):
        """Only the fields sent are changed."""

        # A record kept past the child's 19th birthday can still be corrected: any date from 1900.
        date_of_birth = date_field()
        expected_version = version_field()
        reason = serializers.CharField(
            max_length=1000,
            help_text="Why the details change (a correction, new information); kept in the history with the old values",
            error_messages={"required": ERROR_NO_CHANGE_REASON, "blank": ERROR_NO_CHANGE_REASON},
        )

        class Meta:
            ref_name = "ChildUpdateInput"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in CREATE_ONLY_FIELDS:
                self.fields.pop(name)
            for name, field in self.fields.items():
                field.required = name in ("expected_version", "reason")

    @extend_schema(
        operation_id="child_update",
        summary="Change a child's details",
        description=(
            "Refused with 409 if someone saved a change after the version you read. Give a `reason`: each changed "
            "field is kept in the child's history with its old value, who changed it and why."
        ),
        parameters=[CHILD_ID],
        request=InputSerializer,
        responses={200: ChildSerializer, **error_responses(400, 404, 409), 403: PURPOSE_RESPONSE},
    )
    def post(self, request, child_id: int) -> Response:
        child = child_open(request, child_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected_version = fields.pop("expected_version")
        child = services.child_update(actor=request.user, child=child, expected_version=expected_version, **fields)
        return Response(child_data(child, user=request.user))


class ChildAccessPurposeApi(APIView):
    permission_required = VIEW_CHILD

    class InputSerializer(serializers.Serializer):
        purpose = code_field(Purpose, help_text="Which of the privacy notice's purposes you need the record for.")
        reason = serializers.CharField(
            max_length=500,
            help_text="Why, in a sentence: e.g. a school in another team's area asked whether we know this child.",
            error_messages={"required": ERROR_NO_REASON, "blank": ERROR_NO_REASON},
        )

        class Meta:
            ref_name = "ChildAccessPurposeInput"

    class OutputSerializer(serializers.Serializer):
        child_id = serializers.IntegerField(source="subject_id")
        purpose = code_field(Purpose)
        reason = serializers.CharField()
        stated_at = serializers.DateTimeField()

        class Meta:
            ref_name = "ChildAccessPurpose"

    @extend_schema(
        operation_id="child_access_purpose_state",
        summary="Say why you need the record of a child outside your caseload",
        description="Recorded with your name for the data protection officer. It covers this child for as long as "
        "the token you send it with, as a stated purpose covers a sign-in session on the pages.",
        parameters=[CHILD_ID],
        request=InputSerializer,
        responses={201: OutputSerializer, **error_responses(400, 404)},
    )
    def post(self, request, child_id: int) -> Response:
        child = child_visible(user=request.user, child_id=child_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = services.child_purpose_state(
            actor=request.user, child=child, session_key=token_session(request), **serializer.validated_data
        )
        return Response(self.OutputSerializer(statement).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------------------------
# Carers


class CarerDetailApi(APIView):
    permission_required = VIEW_CHILD

    @extend_schema(
        operation_id="carer_retrieve",
        summary="A carer, with the children they care for",
        parameters=[CARER_ID],
        responses={200: CarerSerializer, **error_responses(404), 403: CARER_PURPOSE_RESPONSE},
    )
    def get(self, request, carer_id: int) -> Response:
        return Response(_carer_data(carer_open(request, carer_id)))


class CarerAccessPurposeApi(APIView):
    permission_required = VIEW_CHILD

    class OutputSerializer(serializers.Serializer):
        carer_id = serializers.IntegerField(source="subject_id")
        purpose = code_field(Purpose)
        reason = serializers.CharField()
        stated_at = serializers.DateTimeField()

        class Meta:
            ref_name = "CarerAccessPurpose"

    @extend_schema(
        operation_id="carer_access_purpose_state",
        summary="Say why you need the record of a carer none of whose children is in your caseload",
        description="Recorded with your name for the data protection officer. It covers this carer for as long as "
        "the token you send it with.",
        parameters=[CARER_ID],
        request=ChildAccessPurposeApi.InputSerializer,
        responses={201: OutputSerializer, **error_responses(400, 404)},
    )
    def post(self, request, carer_id: int) -> Response:
        carer = carer_visible(user=request.user, carer_id=carer_id)
        serializer = ChildAccessPurposeApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = services.carer_purpose_state(
            actor=request.user, carer=carer, session_key=token_session(request), **serializer.validated_data
        )
        return Response(self.OutputSerializer(statement).data, status=status.HTTP_201_CREATED)


class CarerCreateApi(APIView):
    permission_required = CHANGE_CHILD

    class InputSerializer(serializers.Serializer):
        title = code_field(Title, blank=True, required=False)
        given_name = serializers.CharField(max_length=100)
        middle_names = serializers.CharField(required=False, allow_blank=True, max_length=150)
        family_name = serializers.CharField(max_length=100)
        sex = code_field(Sex, required=False)
        date_of_birth = date_field(required=False, allow_null=True)
        marital_status = code_field(MaritalStatus, blank=True, required=False)

        class Meta:
            ref_name = "CarerCreateInput"

    @extend_schema(
        operation_id="carer_create",
        summary="Record a parent or other carer",
        request=InputSerializer,
        responses={201: CarerSerializer, **error_responses(400)},
    )
    def post(self, request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        carer = services.carer_create(actor=request.user, **serializer.validated_data)
        return Response(_carer_data(carer), status=status.HTTP_201_CREATED)


class CarerLinkApi(APIView):
    permission_required = CHANGE_CHILD

    class InputSerializer(serializers.Serializer):
        child_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        kind = code_field(RelationshipKind)
        parental_responsibility = serializers.BooleanField(default=False)
        lives_with = serializers.BooleanField(default=True)

        class Meta:
            ref_name = "CarerLinkInput"

    @extend_schema(
        operation_id="carer_link",
        summary="Record how a carer is related to a child",
        description="Linking the same carer and child again replaces their one relationship.",
        parameters=[CARER_ID],
        request=InputSerializer,
        responses={200: RelationshipSerializer, **error_responses(400, 404), 403: PURPOSE_RESPONSE},
    )
    def post(self, request, carer_id: int) -> Response:
        # Linking shows nothing of the carer's record (the answer is ids), so the carer need only exist; the child is
        # opened as any read of a child is.
        carer = carer_visible(user=request.user, carer_id=carer_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = child_for_input(request, data.pop("child_id"))
        relationship = services.carer_link(actor=request.user, carer=carer, child=child, **data)
        return Response(RelationshipSerializer(relationship).data)
