"""Errors the people services raise for rules a caller broke."""

from django.core.exceptions import ValidationError

from cme.common.errors import ApplicationError

POSSIBLE_DUPLICATES_MESSAGE = (
    "This child may already have a record. Check the children below: choose the same child, or say why this is a "
    "different child"
)


class PossibleDuplicatesError(ApplicationError):
    """Children already held may be the one about to be recorded, and the caller has not said it looked: nothing was
    created. `duplicates` are `PossibleDuplicate`s (who and why, nothing more)."""

    def __init__(self, duplicates, message: str = POSSIBLE_DUPLICATES_MESSAGE):
        super().__init__(message)
        self.duplicates = list(duplicates)

    def named(self) -> str:
        """Who may be the same child and why, in a sentence, for a page that has no room for the comparison."""
        who = "; ".join(f"{d.name}, born {d.date_of_birth:%-d %B %Y} ({', '.join(d.reasons)})" for d in self.duplicates)
        return f"This child may already have a record: {who}. Match to that child instead, or check with a manager"


class UpnTakenError(ValidationError):
    """A UPN identifies one pupil, and another record already holds this one: nothing was saved.

    A ValidationError on `field` (so forms and the API show it against the UPN) that also says which record holds the
    UPN: `record_type` ("people.child", or "schools.rollreturn" for a return from a school) and `record_id`. The
    message names that record for the person who may see it (cme.people.services.upn_taken_error,
    cme.schools.returns.upn)."""

    def __init__(self, message: str, *, record_type: str, record_id: int, field: str = "upn"):
        super().__init__({field: [message]})
        self.record_type = record_type
        self.record_id = record_id

    def as_data(self) -> dict:
        """The other record, for the API's 400 answer: its type and id (`upn_held_by`)."""
        return {"type": self.record_type, "id": self.record_id}
