"""A recording fake of azure-eventhub's ``EventHubProducerClient``.

No Event Hubs emulator runs on the build machines; this is the one place a fake stands
in for a server. Its batches are real ``EventDataBatch`` objects, so batch sizes are the
SDK's own arithmetic and only the network is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azure.eventhub import EventData, EventDataBatch


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
    means the namespace is down; ``sends_before_error`` lets some batches through."""

    hub: str
    max_size_in_bytes: int | None = None
    sent: list[RecordingBatch] = field(default_factory=list)
    error: Exception | None = None
    sends_before_error: int = 0
    closed: bool = False

    def create_batch(self, *, partition_key: str | None = None) -> EventDataBatch:
        if self.error is not None and self.sends_before_error == 0:
            raise self.error
        return RecordingBatch(self.max_size_in_bytes, partition_key)

    def send_batch(self, event_data_batch: EventDataBatch) -> None:
        if self.error is not None:
            if self.sends_before_error == 0:
                raise self.error
            self.sends_before_error -= 1
        assert isinstance(event_data_batch, RecordingBatch)
        self.sent.append(event_data_batch)

    def close(self) -> None:
        self.closed = True


class FakeNamespace:
    """The client factory: one recording producer per hub, counting creations."""

    def __init__(self, max_size_in_bytes: int | None = None) -> None:
        self.max_size_in_bytes = max_size_in_bytes
        self.producers: dict[str, RecordingProducer] = {}
        self.created: list[str] = []
        self.error: Exception | None = None

    def __call__(self, hub: str) -> RecordingProducer:
        self.created.append(hub)
        producer = self.producers.setdefault(hub, RecordingProducer(hub, self.max_size_in_bytes))
        return producer

    def set_error(self, error: Exception | None) -> None:
        self.error = error
        for producer in self.producers.values():
            producer.error = error
