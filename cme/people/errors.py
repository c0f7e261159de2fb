"""Errors the people services raise for rules a caller broke."""

from cme.common.errors import ApplicationError

CONCURRENT_CHANGE_MESSAGE = (
    "Someone else changed this record while you were editing it. Check their changes, then make yours again."
)


class ConcurrentChangeError(ApplicationError):
    """The record moved on after the officer opened it: their edit was refused and nothing was changed."""

    def __init__(self, message: str = CONCURRENT_CHANGE_MESSAGE):
        super().__init__(message)
