"""How /api/v1/ reports an error: one JSON shape for every refusal, from whichever layer refused.

Every error response (400, 401, 403, 404, 405, 409, 415 …) has this body::

    {
      "message": "There is a problem",
      "errors": {"upn": ["The UPN check letter is wrong"], "rationale": ["Enter the reason for your decision"]}
    }

- `message` is one sentence for a person: the service's own message for a broken business rule, "There is a
  problem" when the request's fields are wrong, or why the request was refused ("Not found.").
- `errors` maps each field of the request that is wrong to its messages, using the names the endpoint takes
  (`case_id`, not the service's `case`). A problem with the request as a whole, not with one field, is listed under
  `non_field_errors`. It is `{}` for 401, 403 and 404, where there is nothing to correct in the request.

The same shape covers the three places input is refused: the endpoint's serializer (wrong type, unknown code,
impossible date, missing field), Django's `ValidationError` from a model or a people service (a bad UPN or NHS number),
and `ApplicationError` from a service (a business rule). A `VersionConflictError`, raised when someone
else changed the record after the caller read it, answers 409 Conflict: read the record again, then retry. Every
endpoint that changes a versioned record requires `expected_version` (400 without it).
"""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import TextChoices
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from cme.common.errors import AccessRefused, ApplicationError, PurposeRequired
from cme.common.writes import VersionConflictError
from cme.people.access import audit_possible_duplicates_shown, audit_upn_holder_shown
from cme.people.ages import child_birth_earliest
from cme.people.errors import PossibleDuplicatesError, UpnTakenError

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY  # "non_field_errors"
INVALID_REQUEST = "There is a problem"

# Refusals because the record moved on after the caller read it: the request was fine, the timing was not.
CONFLICTS = (VersionConflictError,)


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (see the module docstring)."""

    message = serializers.CharField(help_text="What went wrong, in a sentence for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages for each field of the request that is wrong; `non_field_errors` for the request as a "
        "whole. Empty when there is nothing to correct in the request.",
    )

    class Meta:
        ref_name = "Error"


_DESCRIPTIONS = {
    400: "The request is not valid: `errors` names each field that is wrong, and why.",
    401: "No valid token: send `Authorization: Token <token>`.",
    403: "Your role may not do this.",
    404: "There is no such record, or you may not see it.",
    409: "Someone else changed the record after you read it. Read it again, then retry.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """`@extend_schema(responses=…)` entries for the error statuses `codes`; 401 and 403 are always included."""
    wanted = sorted({401, 403, *codes})
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]) for code in wanted}


# Where to say why a record outside the caseload is needed, by the type of record (PurposeRequired).
PURPOSE_ENDPOINTS = {"people.child": "/api/v1/children/{id}/purpose/", "people.carer": "/api/v1/carers/{id}/purpose/"}
PURPOSE_NEEDED = "This record is outside your caseload. Say why you need to open it first: POST {endpoint}."
NOT_FOUND = "Not found."


def access_refusal_response(exc: AccessRefused) -> Response:
    """An `access_*` door's refusal (already audited): 403 naming where to state a purpose, or 404 as if absent."""
    if isinstance(exc, PurposeRequired) and exc.target_type in PURPOSE_ENDPOINTS:
        endpoint = PURPOSE_ENDPOINTS[exc.target_type].format(id=exc.target_id)
        return Response({"message": PURPOSE_NEEDED.format(endpoint=endpoint), "errors": {}}, status=403)
    return Response({"message": NOT_FOUND, "errors": {}}, status=404)


POSSIBLE_DUPLICATES = (
    "This child may already have a record: see possible_duplicates. Use that record, or send the request again with "
    '"confirmed_new": true and a "reason" saying why this is a different child.'
)


class PossibleDuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField(help_text="Known as; blank if none.")
    date_of_birth = serializers.DateField()
    why = serializers.ListField(child=serializers.CharField(), help_text="The evidence, in sentences.")


class PossibleDuplicatesErrorSerializer(ErrorSerializer):
    possible_duplicates = PossibleDuplicateSerializer(many=True)

    class Meta:
        ref_name = "PossibleDuplicatesError"


POSSIBLE_DUPLICATES_RESPONSE = OpenApiResponse(
    PossibleDuplicatesErrorSerializer,
    description="Children already held may be this child: nothing was created. `possible_duplicates` says who and why.",
)


def possible_duplicates_response(exc: PossibleDuplicatesError, *, user) -> Response:
    """409 with the children who may be the same one (who and why only); showing them is audited. Nothing was
    created: the service's transaction has already rolled back."""
    audit_possible_duplicates_shown(user=user, duplicates=exc.duplicates)
    body = {
        "message": POSSIBLE_DUPLICATES,
        "errors": {NON_FIELD: [POSSIBLE_DUPLICATES]},
        "possible_duplicates": [duplicate.as_data() for duplicate in exc.duplicates],
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: turn any refusal into the one error shape; None (a 500) for a bug."""
    aliases = getattr(context.get("view"), "error_field_names", {})
    if isinstance(exc, AccessRefused):
        return access_refusal_response(exc)  # no rollback: the refusal's audit entry must stay
    if isinstance(exc, PossibleDuplicatesError):
        return possible_duplicates_response(exc, user=context["request"].user)
    if isinstance(exc, ApplicationError):
        field = aliases.get(exc.field, exc.field) if exc.field else NON_FIELD
        code = status.HTTP_409_CONFLICT if isinstance(exc, CONFLICTS) else status.HTTP_400_BAD_REQUEST
        set_rollback()
        return Response({"message": exc.message, "errors": {field: [exc.message]}}, status=code)
    if isinstance(exc, UpnTakenError):
        # 400 as for any bad field, with the record that holds the UPN; naming it is audited, so no rollback here
        # (the service's own transaction has already undone its work).
        audit_upn_holder_shown(user=context["request"].user, error=exc)
        body = {"message": INVALID_REQUEST, "errors": _django_errors(exc, aliases), "upn_held_by": exc.as_data()}
        return Response(body, status=400)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response({"message": INVALID_REQUEST, "errors": _django_errors(exc, aliases)}, status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": INVALID_REQUEST, "errors": _flatten(exc.detail, aliases)}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"message": str(exc.detail), "errors": {NON_FIELD: [str(exc.detail)]}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"message": str(detail), "errors": {}}
    return response


def _django_errors(exc: DjangoValidationError, aliases: dict[str, str]) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {NON_FIELD: exc.messages}
    return {
        NON_FIELD if field == NON_FIELD_ERRORS else aliases.get(field, field): messages
        for field, messages in exc.message_dict.items()
    }


def _flatten(detail, aliases: dict[str, str], prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...]}; nested fields are dotted (`carers.0.kind`)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = aliases.get(str(key), str(key)) if not prefix else f"{prefix}.{key}"
            for field, messages in _flatten(value, aliases, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, aliases, f"{prefix}.{index}" if prefix else str(index)).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(message) for message in messages]}


# ---------------------------------------------------------------------------------------------------------------
# Input fields whose refusals read the same in every endpoint. (They sit here, with the error shape, because every
# v1 module uses them; a `cme/api/fields.py` would be a better home once the API has more of them.)

# DRF's own date message ("Date has wrong format") is wrong for 2026-02-30, whose format is right.
DATE_INVALID = "Enter a real date in the format YYYY-MM-DD, like 2016-03-14"


# The years every date the service records lies in, as on the pages (cme.web.forms): beyond them a date is a typing
# slip, and date arithmetic further on (due dates, ages) could overflow.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2099, 12, 31)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _within_years(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(f"Enter a date between {_long(EARLIEST_DATE)} and {_long(LATEST_DATE)}")


def _a_childs_birth(value: date) -> None:
    today = timezone.localdate()
    earliest = child_birth_earliest(today)
    if not earliest <= value <= today:
        raise serializers.ValidationError(f"A child's date of birth must be between {_long(earliest)} and today")


def date_field(*, child_birth: bool = False, **kwargs) -> serializers.DateField:
    """A date in ISO 8601 (`2016-03-14`); an impossible one (`2026-02-30`) is refused naming the field.

    Every date lies between 1900 and 2099; `child_birth=True` holds a child's date of birth to the range of a child
    the service could deal with (no more than 19 years ago, not in the future), as the pages do.
    """
    validators = [*kwargs.pop("validators", []), _a_childs_birth if child_birth else _within_years]
    return serializers.DateField(
        error_messages={"invalid": DATE_INVALID, "datetime": DATE_INVALID}, validators=validators, **kwargs
    )


def code_field(
    codes: type[TextChoices],
    *,
    only: list[TextChoices] | None = None,
    blank: bool = False,
    component: str = "",
    **kwargs,
) -> serializers.ChoiceField:
    """A field taking one code of `codes` (or of `only`, a subset), refusing others: `"extreme" is not a valid choice.`

    The schema describes each code set once, as a component named after it (`CaseStatus`, `RiskLevel`), shared by
    every endpoint that takes or returns it. `blank=True` also accepts "" (nothing recorded), as a separate component
    (`EthnicityOrBlank`). A subset needs its own `component` name; reusing a name for other codes raises ValueError.
    """
    members = list(only if only is not None else codes)
    choices = [(member.value, member.label) for member in members]
    if blank:
        choices = [("", "Nothing recorded"), *choices]
    name = component or codes.__name__ + ("OrBlank" if blank else "")
    schema = {
        "type": "string",
        "enum": [value for value, _ in choices],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
    }
    if name not in _CODE_FIELDS:
        # A class per code set, not an annotated instance: DRF rebuilds a serializer's fields from their class.
        field_class = type(f"{name}Field", (serializers.ChoiceField,), {})
        _CODE_FIELDS[name] = (extend_schema_field(schema, component_name=name)(field_class), schema)
    field_class, described = _CODE_FIELDS[name]
    if described != schema:
        raise ValueError(f"The schema component {name} already describes other codes; name this subset.")
    return field_class(choices=choices, allow_blank=blank, **kwargs)


_CODE_FIELDS: dict[str, tuple[type[serializers.ChoiceField], dict]] = {}
