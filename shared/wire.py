"""Base models for everything that crosses the wire: frozen, camelCase outside and
snake_case in Python (DESIGN.md section 8). Every context's models derive from these."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationInfo
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


class WireModel(BaseModel):
    """Responses, stored documents and events: unknown fields are ignored on read, so an
    older reader tolerates a newer writer."""

    model_config = ConfigDict(
        frozen=True, alias_generator=to_camel, populate_by_name=True, defer_build=True
    )


class RequestModel(WireModel):
    """Request bodies and parameters: an unknown field is a 400, so a typo never silently
    does nothing."""

    model_config = ConfigDict(extra="forbid")


REQUEST_CONTEXT = {"request": True}
"""The validation context of a client's body, query or route (``functions/_http.py``):
checks that guard writes (a holiday name that matches nothing) run only with it, so a
document stored before a check existed still reads."""

UNPROCESSABLE = "unprocessable"
UNPROCESSABLE_TYPES = frozenset({UNPROCESSABLE, "finite_number"})
"""Validation errors of well-formed input that no rule can use (a time with an offset
where a node-local time is meant, an infinite distance): the edge answers 422, not 400."""


def is_request(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("request"))


def unprocessable(message: str) -> PydanticCustomError:
    """Raise it from a validator for a value that parses but cannot be used (422)."""
    return PydanticCustomError(UNPROCESSABLE, message)
