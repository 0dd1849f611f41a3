"""Errors the engine raises; channels map them to their transport (HTTP 404/409/422, CLI exit codes)."""


class ARError(Exception):
    """Base of every refusal the engine explains to a user."""


class NotFound(ARError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!s} not found")
        self.kind, self.key = kind, key


class Invalid(ARError):
    """Input that breaks a rule; the message says which and why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ARError):
    """A request that collides with the current state (e.g. an invoice already being paid)."""
