"""Base models for everything that crosses the wire: frozen, camelCase outside and
snake_case in Python (DESIGN.md section 8). Every context's models derive from these."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


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
