"""Typed domain errors: a service refuses a use case by raising one of these.

Views translate them: `errors` (field name -> messages) onto the form's fields, `message`
into a flash or a JSON body, `status` into the HTTP status. The CLI prints `message`.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 422

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None):
        self.errors = errors or {}
        self.message = message or next(
            (m for messages in self.errors.values() for m in messages), "")
        super().__init__(self.message)

    @classmethod
    def on(cls, field: str, message: str) -> DomainError:
        """The error concerns one input field."""
        return cls(message, {field: [message]})


class Invalid(DomainError):
    """The input breaks a rule of the use case; nothing was saved."""


class NotAllowed(DomainError):
    """The use case is refused in the object's current state (e.g. a submitted scorecard)."""

    status = 409


class Conflict(DomainError):
    """Someone else changed the object since this edit began; nothing was saved."""

    status = 409


class NotFound(DomainError):
    status = 404


class Throttled(DomainError):
    """Too many failed password attempts for the account from this client (the login
    throttle, hiring/auth/throttle.py): refused without checking the password. Views add
    `Retry-After: retry_after`."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
