"""Input fields several endpoints take alike."""

from rest_framework import serializers

MAX_VERSION = 2**63 - 1  # the largest value the column can hold
VERSION_HELP = (
    "Required. The record's `version` when you read it: the change is refused with 409 if someone changed the record "
    "since. Read the record again, then retry."
)
ERROR_VERSION_MISSING = (
    "Send expected_version: the version of the record when you read it, so that a change someone else made since "
    "is not overwritten"
)
ERROR_VERSION_INVALID = "expected_version must be a whole number, the record's version when you read it"


def version_field(help_text: str = VERSION_HELP) -> serializers.IntegerField:
    """`expected_version`, required of every endpoint that changes a versioned record (optimistic locking)."""
    errors = {
        "required": ERROR_VERSION_MISSING,
        "null": ERROR_VERSION_MISSING,
        "invalid": ERROR_VERSION_INVALID,
        "min_value": ERROR_VERSION_INVALID,
        "max_value": ERROR_VERSION_INVALID,
        "max_string_length": ERROR_VERSION_INVALID,
    }
    return serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text=help_text, error_messages=errors)
