"""Domain errors with stable codes.

Services and adapters raise these instead of SDK exceptions, so the HTTP edge can map
them once (``functions/_http.py``) and callers never depend on a client library.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error the platform raises on purpose."""

    code: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code  # type: ignore[misc]


class BadRequest(DomainError):
    """Input that does not parse (400)."""

    code = "BAD_REQUEST"


class Unauthorized(DomainError):
    """Missing or invalid credentials (401)."""

    code = "UNAUTHORIZED"


class PaymentRequired(DomainError):
    """The payment was refused: a declined card, insufficient funds (402)."""

    code = "PAYMENT_REQUIRED"


class Forbidden(DomainError):
    """Valid credentials without the role the operation needs (403)."""

    code = "FORBIDDEN"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    """The write collides with existing state (duplicate key, still referenced...)."""

    code = "CONFLICT"


class PreconditionFailed(DomainError):
    """An ETag or conditional write did not match the stored state (412)."""

    code = "PRECONDITION_FAILED"


class PreconditionRequired(DomainError):
    """A write that can race was sent without ``If-Match`` (428)."""

    code = "PRECONDITION_REQUIRED"


class RuleViolation(DomainError):
    """Well-formed input that a business rule rejects (422)."""

    code = "RULE_VIOLATION"


class Unavailable(DomainError):
    """A backing service cannot be reached (503); the caller may retry."""

    code = "UNAVAILABLE"


class ConfigurationError(DomainError):
    """A setting is missing or invalid; raised at first use, naming the setting."""

    code = "CONFIGURATION_ERROR"
