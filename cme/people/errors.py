"""Errors the people services raise for rules a caller broke."""

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
