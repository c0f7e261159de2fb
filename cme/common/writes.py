"""Two rules every write service applies the same way, written once here.

- `require_rationale`: a person's decision needs a reason. Services call it before they change anything; forms and
  serializers only mark the field required (with ERROR_NO_RATIONALE), they do not check it again.
- `update_at_version`: optimistic locking. A record with a `version` column is changed only if it is still at the
  version the person read; otherwise VersionConflictError (a 409 in the API, an error on the page) and nothing is
  written. Every caller must say which version it read: there is no "whatever it is now".
"""

from django.db.models import F, Model
from django.utils import timezone

from .errors import ApplicationError

ERROR_NO_RATIONALE = "Enter the reason for your decision"
ERROR_STALE = "Someone else changed this record while you were working on it. Check their changes, then try again."


class VersionConflictError(ApplicationError):
    """The record changed after the person read it; nothing was saved."""

    def __init__(self, message: str = ERROR_STALE):
        super().__init__(message)


def require_rationale(rationale: str | None, *, message: str = ERROR_NO_RATIONALE, field: str = "rationale") -> str:
    """The reason given for a decision, trimmed; ApplicationError naming `field` if there is none."""
    if not rationale or not rationale.strip():
        raise ApplicationError(message, field=field)
    return rationale.strip()


def update_at_version(instance: Model, *, expected_version: int, **changes) -> None:
    """Save `changes` to `instance` only if its row is still at `expected_version`, moving the version on by one.

    One conditional UPDATE decides, so of two people saving at once only the first wins; the second gets
    VersionConflictError and nothing of theirs is written (reading the row first and comparing would leave a gap
    between the read and the write). `instance` is refreshed from the database afterwards.
    """
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        raise TypeError("update_at_version needs the version the person read, as an int")
    rows = type(instance).objects.filter(pk=instance.pk, version=expected_version)
    if rows.update(**changes, version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise VersionConflictError()
    instance.refresh_from_db()
