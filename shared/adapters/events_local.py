"""The embedded EventPublisher: an in-memory, append-only log per hub.

It plays the part of Event Hubs when no namespace is configured. The devhost reads each
hub's log from an offset it keeps (like a consumer group checkpoint) and hands batches
to the Event Hub triggers of that hub; ``wait`` lets it sleep until something arrives
instead of polling. ``pause``/``resume`` simulate an outage the way stopping a server
would, so outbox and retry paths can be tested without a real namespace.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.errors import BadRequest, Unavailable


@dataclass(frozen=True)
class BusRecord:
    """One stored event: its position in the hub, partition key, body and arrival time."""

    offset: int
    partition_key: str
    body: dict[str, Any]
    enqueued_at: float


class LocalBus:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._logs: dict[str, list[BusRecord]] = {}
        self._paused = False
        self._generation = 0

    def publish(
        self, hub: str, events: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> None:
        """All events are stored or none: a paused bus or a bad envelope stores nothing.
        In memory, nothing waits: ``timeout`` has nothing to bound."""
        del timeout
        if not events:
            return
        bodies = [_snapshot(event) for event in events]
        with self._cond:
            if self._paused:
                raise Unavailable(f"event hub {hub!r} is unavailable")
            log = self._logs.setdefault(hub, [])
            now = time.time()
            for body in bodies:
                log.append(BusRecord(len(log), str(body["subject"]), body, now))
            self._generation += 1
            self._cond.notify_all()

    def read(self, hub: str, offset: int, max_items: int = 100) -> list[BusRecord]:
        """Records at ``offset`` and after, oldest first; bodies are copies."""
        with self._cond:
            records = self._logs.get(hub, [])[max(offset, 0) : max(offset, 0) + max_items]
        return [
            BusRecord(r.offset, r.partition_key, copy.deepcopy(r.body), r.enqueued_at)
            for r in records
        ]

    def end_offset(self, hub: str) -> int:
        """The offset the next published event of ``hub`` will get."""
        with self._cond:
            return len(self._logs.get(hub, []))

    def hubs(self) -> list[str]:
        with self._cond:
            return sorted(self._logs)

    def wait(self, timeout: float) -> bool:
        """Block until anything is published on any hub, or ``timeout`` seconds pass."""
        with self._cond:
            seen = self._generation
            return self._cond.wait_for(lambda: self._generation != seen, timeout)

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False

    def check(self) -> str:
        with self._cond:
            if self._paused:
                raise Unavailable("local bus is paused")
        return "local-bus"


def _snapshot(event: Mapping[str, Any]) -> dict[str, Any]:
    """The stored body is what Event Hubs would carry, and callers can no longer
    mutate it."""
    body: dict[str, Any] = json.loads(encode_envelope(event))
    return body


def encode_envelope(event: Mapping[str, Any]) -> str:
    """The JSON body of one envelope; both publishers reject the same bad input."""
    if not event.get("subject"):
        raise BadRequest("an event envelope needs a subject (its partition key)")
    try:
        return json.dumps(event, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"event envelope is not JSON: {exc}") from None
