"""The one error type services raise for a rule the caller broke; adapters turn it into a response."""


class ApplicationError(Exception):
    """A business rule refused the request. `message` is safe to show to the person who asked."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
