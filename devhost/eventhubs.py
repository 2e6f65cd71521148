"""Event Hub triggers fed from the local bus.

Each function reads its hub with its own offset, like a consumer group with a
checkpoint, so every function sees every event once. Checkpoints live as long as the
bus they belong to (in memory, like the bus): a host restarted on the same bus carries
on, and a new process starts with an empty bus and fresh checkpoints. Batches hold up to
``extensions.eventHubs.maxEventBatchSize`` events (cardinality ``many``) or one.

A batch that raises is retried (the function's ``@app.retry`` policy, else host.json
``retry``, else ``DEFAULT_RETRY``), then logged and skipped: the checkpoint moves on,
which is what the Functions host does once a retry policy is exhausted.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

import azure.functions as func

from devhost.index import EventHubFunction, RetrySpec
from devhost.invoke import call_sync
from devhost.pump import Outcome, Pump
from shared.adapters.events_local import BusRecord, LocalBus

log = logging.getLogger("devhost.eventhubs")

_checkpoints: WeakKeyDictionary[LocalBus, dict[str, int]] = WeakKeyDictionary()
_checkpoints_lock = threading.Lock()

DEFAULT_RETRY = RetrySpec(max_retries=3, first_delay=0.1, max_delay=2.0, exponential=True)


def to_event(record: BusRecord) -> func.EventHubEvent:
    return func.EventHubEvent(
        body=json.dumps(record.body, separators=(",", ":")).encode(),
        enqueued_time=datetime.fromtimestamp(record.enqueued_at, UTC),
        partition_key=record.partition_key,
        sequence_number=record.offset,
        offset=str(record.offset),
    )


class EventHubPump(Pump):
    def __init__(
        self,
        fn: EventHubFunction,
        bus: LocalBus,
        *,
        batch_size: int,
        poll_interval: float,
        host_retry: RetrySpec | None = None,
    ) -> None:
        super().__init__(poll_interval)
        self.fn = fn
        self.name = fn.target.name
        self.bus = bus
        self.batch_size = batch_size if fn.many else 1
        self.retry = fn.target.retry or host_retry or DEFAULT_RETRY
        self.offset = 0
        self._checkpoint: dict[str, int] = {}
        self.skipped: list[int] = []

    def describe(self) -> str:
        fn = self.fn
        many = "many" if fn.many else "one"
        return f"hub    {self.name}: {fn.hub} (consumer group {fn.consumer_group}, {many})"

    def prepare(self) -> None:
        with _checkpoints_lock:
            self._checkpoint = _checkpoints.setdefault(self.bus, {})
            self.offset = self._checkpoint.get(self._key, 0)

    @property
    def _key(self) -> str:
        return f"{self.fn.hub}/{self.fn.consumer_group}/{self.name}"

    def step(self) -> tuple[Outcome, float]:
        records = self.bus.read(self.fn.hub, self.offset, self.batch_size)
        if not records:
            return Outcome.IDLE, 0.0
        events = [to_event(r) for r in records]
        value: Any = events if self.fn.many else events[0]
        attempt = 0
        while True:
            try:
                call_sync(self.fn.target, value)
                break
            except Exception:
                attempt += 1
                if not self.retry.allows(attempt):
                    log.exception(
                        "%s: batch at offsets %d-%d failed %d times; skipped",
                        self.name,
                        records[0].offset,
                        records[-1].offset,
                        attempt,
                    )
                    self.skipped.extend(r.offset for r in records)
                    break
                log.warning("%s: batch raised; retry %d", self.name, attempt, exc_info=True)
                if not self.sleep(self.retry.delay(attempt)):
                    return Outcome.FAILED, 0.0
        self.offset = records[-1].offset + 1
        with _checkpoints_lock:
            self._checkpoint[self._key] = self.offset
        return Outcome.DELIVERED, 0.0
