"""A recording fake of azure-eventhub's ``EventHubProducerClient``.

No Event Hubs emulator runs on the build machines; this is the one place a fake stands
in for a server. Its batches are real ``EventDataBatch`` objects, so batch sizes are the
SDK's own arithmetic and only the network is missing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from azure.eventhub import EventData, EventDataBatch
from azure.eventhub.exceptions import OperationTimeoutError


class RecordingBatch(EventDataBatch):
    def __init__(self, max_size_in_bytes: int | None, partition_key: str | None) -> None:
        super().__init__(max_size_in_bytes=max_size_in_bytes, partition_key=partition_key)
        self.partition_key = partition_key
        self.events: list[EventData] = []

    def add(self, event_data: Any) -> None:
        super().add(event_data)
        self.events.append(event_data)


@dataclass
class RecordingProducer:
    """Stands in for ``EventHubProducerClient``: records sent batches; ``error`` set
    means the namespace is down; ``sends_before_error`` lets some batches through.

    ``hang`` set to an unset ``threading.Event`` is a namespace that takes the
    connection and never answers: every call blocks until the event is set, whatever
    ``timeout`` it was given (the SDK's link open takes none and retries by its own policy,
    about 12 s), then fails as the SDK would. ``waiting`` counts the calls blocked now.
    """

    hub: str
    max_size_in_bytes: int | None = None
    sent: list[RecordingBatch] = field(default_factory=list)
    error: Exception | None = None
    sends_before_error: int = 0
    closed: bool = False
    hang: threading.Event | None = None
    waiting: int = 0
    send_timeouts: list[float | None] = field(default_factory=list)
    probes: int = 0

    def _answer(self) -> None:
        hang = self.hang
        if hang is not None:
            self.waiting += 1
            hang.wait()
            self.waiting -= 1
            raise OperationTimeoutError("the namespace never answered")

    def create_batch(self, *, partition_key: str | None = None) -> EventDataBatch:
        self._answer()
        if self.error is not None and self.sends_before_error == 0:
            raise self.error
        return RecordingBatch(self.max_size_in_bytes, partition_key)

    def send_batch(self, event_data_batch: EventDataBatch, *, timeout: float | None = None) -> None:
        self.send_timeouts.append(timeout)
        self._answer()
        if self.error is not None:
            if self.sends_before_error == 0:
                raise self.error
            self.sends_before_error -= 1
        assert isinstance(event_data_batch, RecordingBatch)
        self.sent.append(event_data_batch)

    def get_eventhub_properties(self) -> dict[str, Any]:
        self.probes += 1
        self._answer()
        if self.error is not None:
            raise self.error
        return {"eventhub_name": self.hub, "partition_ids": ["0", "1"]}

    def close(self) -> None:
        self.closed = True


class FakeNamespace:
    """The client factory: one recording producer per hub (the same one again when the
    adapter asks anew), counting creations. ``set_error`` and ``set_hang`` apply to every
    hub, including those not asked for yet."""

    def __init__(self, max_size_in_bytes: int | None = None) -> None:
        self.max_size_in_bytes = max_size_in_bytes
        self.producers: dict[str, RecordingProducer] = {}
        self.created: list[str] = []
        self.error: Exception | None = None
        self.hang: threading.Event | None = None

    def __call__(self, hub: str) -> RecordingProducer:
        self.created.append(hub)
        producer = self.producers.get(hub)
        if producer is None:
            producer = RecordingProducer(hub, self.max_size_in_bytes, error=self.error)
            producer.hang = self.hang
            self.producers[hub] = producer
        return producer

    def set_error(self, error: Exception | None) -> None:
        self.error = error
        for producer in self.producers.values():
            producer.error = error

    def set_hang(self, hang: threading.Event | None) -> None:
        """A namespace that never answers until ``hang`` is set; ``None`` answers again."""
        self.hang = hang
        for producer in self.producers.values():
            producer.hang = hang
