"""The event envelope every hub carries (DESIGN.md section 6).

``subject`` is the partition key; ``version`` lets consumers drop stale or repeated
events, so every consumer can be idempotent.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from shared.wire import WireModel


class EventEnvelope(WireModel):
    """The JSON every hub carries; ``to_wire`` is what goes on the hub."""

    event_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    event_type: str
    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    service_id: str
    subject: str
    version: int
    payload: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_wire(cls, data: Any) -> EventEnvelope:
        return cls.model_validate(data)


def new_event(
    event_type: str,
    *,
    service_id: str,
    subject: str,
    version: int,
    payload: dict[str, Any],
    timestamp: datetime | None = None,
) -> EventEnvelope:
    """``timestamp`` is the context's clock reading; without one, the wall clock's."""
    if timestamp is None:
        timestamp = datetime.now(UTC)
    return EventEnvelope(
        event_type=event_type,
        service_id=service_id,
        subject=subject,
        version=version,
        payload=payload,
        timestamp=timestamp,
    )
