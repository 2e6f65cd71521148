"""The single place that turns Event Hub batches into event envelopes: the twin of
``_http.py`` for Event Hub triggers.

A trigger hands its batch to ``envelopes`` and gives the services envelopes only. An event
that is not JSON, or not an envelope, is skipped: no retry can mend its bytes, and
retrying it would block its partition for good. It never vanishes silently either: each
one is logged at ERROR level with its hub, consumer, partition, offset and sequence
number (enough to find it again with any Event Hubs reader), and counted in
``malformed_events()``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import azure.functions as func
from pydantic import ValidationError

from shared.events import EventEnvelope

log = logging.getLogger("functions.events")

_lock = threading.Lock()
_malformed: dict[str, int] = {}


def envelopes(events: Sequence[func.EventHubEvent], *, consumer: str) -> list[EventEnvelope]:
    """The batch's envelopes in delivery order; malformed events left out (see above)."""
    decoded: list[EventEnvelope] = []
    for event in events:
        try:
            decoded.append(EventEnvelope.from_wire(json.loads(event.get_body())))
        except (ValueError, ValidationError, RecursionError) as exc:
            _count(consumer)
            log.error(
                "%s: skipped a malformed event (%s) at partition %s, offset %s, sequence %s",
                consumer,
                _reason(exc),
                _partition(event),
                event.offset,
                event.sequence_number,
            )
    return decoded


def malformed_events() -> dict[str, int]:
    """Malformed events skipped so far in this process, per consumer."""
    with _lock:
        return dict(_malformed)


def _count(consumer: str) -> None:
    with _lock:
        _malformed[consumer] = _malformed.get(consumer, 0) + 1


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(map(str, e["loc"])) or "body" for e in exc.errors()})
        return "not an envelope: " + ", ".join(fields)
    return "not JSON"


def _partition(event: func.EventHubEvent) -> str:
    """The partition id the host gives in the trigger metadata, when it does."""
    try:
        metadata: Mapping[str, Any] = event.metadata or {}
    except (AttributeError, ValueError):
        return "?"
    context = metadata.get("PartitionContext")
    if isinstance(context, Mapping):
        return str(context.get("PartitionId", "?"))
    return "?"
