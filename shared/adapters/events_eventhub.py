"""The Azure EventPublisher on azure-eventhub's synchronous producer client.

One producer client per hub, created on first use and reused: opening an AMQP link is
the expensive part of a send. Events are grouped by partition key (the envelope's
``subject``) in first-seen order and packed into batches before anything is sent, so an
event that can never fit, or a failure to open the link, sends nothing at all. Sends to
one hub are serialised because the SDK does not promise that a client is thread-safe.

No Event Hubs emulator runs on the build machines, so this module is tested against a
recording fake of the producer client, injected through ``client_factory``; that is why
the code here is kept this small.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from shared.adapters.events_local import encode_envelope
from shared.errors import BadRequest, ConfigurationError, Unavailable

if TYPE_CHECKING:
    from azure.eventhub import EventData, EventDataBatch


class ProducerClient(Protocol):
    """The part of ``azure.eventhub.EventHubProducerClient`` this adapter uses."""

    def create_batch(self, *, partition_key: str | None = None) -> EventDataBatch: ...

    def send_batch(self, event_data_batch: EventDataBatch) -> None: ...

    def close(self) -> None: ...


ClientFactory = Callable[[str], ProducerClient]


class EventHubPublisher:
    def __init__(self, client_factory: ClientFactory) -> None:
        self._factory = client_factory
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[ProducerClient, threading.Lock]] = {}
        self._last_failure: str | None = None

    @classmethod
    def from_connection_string(cls, conn_str: str) -> EventHubPublisher:
        """A namespace-level connection string (no ``EntityPath``): local tools only;
        Azure deployments use ``from_namespace`` with managed identity."""

        def factory(hub: str) -> ProducerClient:
            from azure.eventhub import EventHubProducerClient

            try:
                return EventHubProducerClient.from_connection_string(conn_str, eventhub_name=hub)
            except ValueError:
                raise ConfigurationError(
                    "EVENTHUB_CONNECTION_STRING is not a valid Event Hubs connection string"
                ) from None

        return cls(factory)

    @classmethod
    def from_namespace(cls, fully_qualified_namespace: str, credential: Any) -> EventHubPublisher:
        def factory(hub: str) -> ProducerClient:
            from azure.eventhub import EventHubProducerClient

            return EventHubProducerClient(fully_qualified_namespace, hub, credential)

        return cls(factory)

    def publish(self, hub: str, events: Sequence[Mapping[str, Any]]) -> None:
        """Raises ``Unavailable`` when a send fails; batches sent before the failure
        stay sent, so a caller that retries may repeat events (consumers are
        idempotent by ``version``). ``details["sent"]`` counts what went out."""
        if not events:
            return
        groups = _group_by_partition_key(events)
        from azure.core.exceptions import AzureError
        from azure.eventhub.exceptions import EventHubError

        client, send_lock = self._client(hub)
        sent = 0
        with send_lock:
            try:
                batches = [b for key, items in groups.items() for b in _pack(client, key, items)]
                for batch in batches:
                    client.send_batch(batch)
                    sent += len(batch)
            except (EventHubError, AzureError) as exc:
                self._last_failure = type(exc).__name__
                raise Unavailable(
                    f"event hub {hub!r} is unavailable ({type(exc).__name__})",
                    details={"sent": sent},
                ) from None
        self._last_failure = None

    def check(self) -> str:
        """No I/O: a health probe should not open AMQP links to every hub. It reports the
        outcome of the most recent publish instead, recovering on the next success."""
        failure = self._last_failure
        if failure is not None:
            raise Unavailable(f"event hubs: the last publish failed ({failure})")
        return "eventhub"

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client, _ in clients:
            client.close()

    def _client(self, hub: str) -> tuple[ProducerClient, threading.Lock]:
        with self._lock:
            entry = self._clients.get(hub)
            if entry is None:
                entry = self._clients[hub] = (self._factory(hub), threading.Lock())
            return entry


def _group_by_partition_key(events: Sequence[Mapping[str, Any]]) -> dict[str, list[EventData]]:
    from azure.eventhub import EventData

    groups: dict[str, list[EventData]] = {}
    for event in events:
        data = EventData(encode_envelope(event))
        data.content_type = "application/json"
        data.properties = {
            name: str(event[name]) for name in ("eventType", "eventId") if event.get(name)
        }
        groups.setdefault(str(event["subject"]), []).append(data)
    return groups


def _pack(client: ProducerClient, key: str, items: list[EventData]) -> list[EventDataBatch]:
    """Fill a batch until it refuses an event, then start the next one, keeping order."""
    batches: list[EventDataBatch] = []
    for item in items:
        if batches:
            try:
                batches[-1].add(item)
                continue
            except ValueError:
                pass
        batch = client.create_batch(partition_key=key)
        try:
            batch.add(item)
        except ValueError:
            event_id = item.properties.get("eventId")
            raise BadRequest(f"event {event_id} is larger than an Event Hubs batch") from None
        batches.append(batch)
    return batches
