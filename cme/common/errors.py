"""The one error type services raise for a rule the caller broke; adapters turn it into a response."""


class ApplicationError(Exception):
    """A business rule refused the request. `message` is safe to show to the person who asked."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class AccessRefused(Exception):
    """A checked read (`access_*`) refused to open a record. Not an ApplicationError: there is nothing to correct in
    the request, and a form must never swallow it. The refusal is already in the audit trail when this is raised.

    `target_type` ("app_label.model") and `target_id` name what was asked for; adapters answer in their own way.
    """

    def __init__(self, *, target_type: str, target_id: int | str | None):
        super().__init__(f"{target_type} {target_id}")
        self.target_type = target_type
        self.target_id = target_id


class RecordNotFound(AccessRefused):
    """There is no such record for this user: absent, or one they may not see. Answered as if absent (404), so a
    refusal never reveals that a record exists."""


class PurposeRequired(AccessRefused):
    """The record is outside the user's caseload and they have not said why they need it (privacy notice: access only
    for a purpose). The pages ask the question and come back; the API answers 403 naming where to say it."""
