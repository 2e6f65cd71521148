"""The Azure EventPublisher on azure-eventhub's synchronous producer client.

One producer client per hub, created on first use and reused: opening an AMQP link is
the expensive part of a send. Events are grouped by partition key (the envelope's
``subject``) in first-seen order and packed into batches before anything is sent, so an
event that can never fit, or a failure to open the link, sends nothing at all. Sends to
one hub are serialised because the SDK does not promise that a client is thread-safe.

Every publish has a deadline (``EVENTHUB_SEND_TIMEOUT_SECONDS``, or the shorter one a
request gives). The SDK bounds a send (``send_batch(timeout=)``) but not the link it
opens first (``create_batch`` retries by its own policy, about 12 s against a namespace
that does not answer), so the publish runs on a worker thread and the caller stops
waiting at the deadline: the hub's link is then abandoned (a fresh client next time)
and the call is ``Unavailable``. Whatever the abandoned send still delivers is a repeat
that consumers drop by ``eventId``. A circuit breaker per hub then fails publishes fast,
and ``check`` reports each hub's state, probing a hub nothing was published to lately.

No Event Hubs emulator runs on the build machines, so this module is tested against a
recording fake of the producer client, injected through ``client_factory``; that is why
the code here is kept this small.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pybreaker

from shared.adapters.breaker import is_open
from shared.adapters.clock import SystemClock
from shared.adapters.events_local import encode_envelope
from shared.errors import BadRequest, ConfigurationError, Unavailable
from shared.ports import Clock

if TYPE_CHECKING:
    from azure.eventhub import EventData, EventDataBatch

T = TypeVar("T")
PROBE_EVERY_SECONDS = 30.0
"""How long a hub's last outcome (a publish or a probe) answers for it in ``check``."""


class ProducerClient(Protocol):
    """The part of ``azure.eventhub.EventHubProducerClient`` this adapter uses."""

    def create_batch(self, *, partition_key: str | None = None) -> EventDataBatch: ...

    def send_batch(
        self, event_data_batch: EventDataBatch, *, timeout: float | None = None
    ) -> None: ...

    def get_eventhub_properties(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


ClientFactory = Callable[[str], ProducerClient]
BreakerFactory = Callable[[str], pybreaker.CircuitBreaker]


@dataclass
class _Hub:
    client: ProducerClient
    lock: threading.Lock = field(default_factory=threading.Lock)
    breaker: pybreaker.CircuitBreaker | None = None
    outcome: tuple[float, str | None] | None = None
    """``(when, failure)`` of the last publish or probe; ``failure`` None when it went."""


class EventHubPublisher:
    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        send_timeout: float = 5.0,
        probe_timeout: float | None = None,
        breakers: BreakerFactory | None = None,
        clock: Clock | None = None,
        probe_hubs: Sequence[str] = (),
    ) -> None:
        self._factory = client_factory
        self._send_timeout = send_timeout
        self._probe_timeout = probe_timeout or send_timeout
        self._breakers = breakers
        self._clock = clock or SystemClock()
        self._probe_hubs = tuple(probe_hubs)
        self._lock = threading.Lock()
        self._hubs: dict[str, _Hub] = {}

    @classmethod
    def from_connection_string(cls, conn_str: str, **options: Any) -> EventHubPublisher:
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

        return cls(factory, **options)

    @classmethod
    def from_namespace(
        cls, fully_qualified_namespace: str, credential: Any, **options: Any
    ) -> EventHubPublisher:
        def factory(hub: str) -> ProducerClient:
            from azure.eventhub import EventHubProducerClient

            return EventHubProducerClient(fully_qualified_namespace, hub, credential)

        return cls(factory, **options)

    def publish(
        self, hub: str, events: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> None:
        """Raises ``Unavailable`` when a send fails or the deadline passes; batches sent
        before stay sent, so a caller that retries may repeat events (consumers drop
        them by ``eventId``). ``details["sent"]`` counts what went out."""
        if not events:
            return
        groups = _group_by_partition_key(events)
        deadline = min(timeout, self._send_timeout) if timeout else self._send_timeout
        sent = [0]

        def send(client: ProducerClient) -> None:
            batches = [b for key, items in groups.items() for b in _pack(client, key, items)]
            for batch in batches:
                client.send_batch(batch, timeout=deadline)
                sent[0] += len(batch)

        try:
            self._run(hub, send, deadline, f"event hub {hub!r}")
        except Unavailable as exc:
            raise Unavailable(exc.message, details={"sent": sent[0]}) from None

    def check(self) -> str:
        """Each hub's state: its circuit, else its last outcome, else a probe (a
        management request, bounded like a publish; the due hubs at once) of a hub
        nothing went to lately."""
        now = self._clock.time()
        with self._lock:
            hubs = list(dict.fromkeys([*self._probe_hubs, *self._hubs]))
        due = [
            hub
            for hub in hubs
            if not self._refused(hub)
            and ((o := self._hub(hub).outcome) is None or now - o[0] >= PROBE_EVERY_SECONDS)
        ]
        probes = [threading.Thread(target=self._probe, args=(hub,), daemon=True) for hub in due]
        for probe in probes:
            probe.start()
        for probe in probes:
            probe.join()
        failures: list[str] = []
        for hub in hubs:
            outcome = self._hub(hub).outcome
            last = outcome[1] if outcome is not None else None
            if self._refused(hub):
                failures.append(f"{hub}: circuit open (last: {last})")
            elif last is not None:
                failures.append(f"{hub}: {last}")
        if failures:
            raise Unavailable("event hubs unavailable: " + "; ".join(failures))
        return "eventhub"

    def _refused(self, hub: str) -> bool:
        breaker = self._hub(hub).breaker
        return breaker is not None and is_open(breaker)

    def _probe(self, hub: str) -> None:
        """A failed probe is recorded as the hub's outcome, which ``check`` reports."""
        with suppress(Unavailable):
            self._run(hub, lambda c: c.get_eventhub_properties(), self._probe_timeout, hub)

    def close(self) -> None:
        with self._lock:
            hubs, self._hubs = list(self._hubs.values()), {}
        for state in hubs:
            state.client.close()

    # --- plumbing ----------------------------------------------------------------------
    def _hub(self, hub: str) -> _Hub:
        with self._lock:
            state = self._hubs.get(hub)
            if state is None:
                breaker = self._breakers(hub) if self._breakers is not None else None
                state = self._hubs[hub] = _Hub(self._factory(hub), breaker=breaker)
            return state

    def _run(
        self, hub: str, work: Callable[[ProducerClient], Any], deadline: float, what: str
    ) -> None:
        """``work`` on the hub's client, on a worker thread, within ``deadline`` seconds,
        through the hub's breaker; records the outcome for ``check``."""
        state = self._hub(hub)
        tried, failure = False, None
        guard = state.breaker.calling() if state.breaker is not None else nullcontext()
        try:
            with guard:
                tried = True
                try:
                    self._within(hub, state, work, deadline, what)
                except Unavailable as exc:
                    failure = exc.message
                    raise
        except pybreaker.CircuitBreakerError:
            # Refused without trying (open), or the failure that just opened it.
            reason = "circuit open" if failure is None else f"{failure}; circuit open"
            raise Unavailable(f"{what} is unavailable ({reason})") from None
        finally:
            if tried:  # on the hub's current client: an abandoned one was replaced
                self._hub(hub).outcome = (self._clock.time(), failure)

    def _within(
        self,
        hub: str,
        state: _Hub,
        work: Callable[[ProducerClient], Any],
        deadline: float,
        what: str,
    ) -> None:
        from azure.core.exceptions import AzureError
        from azure.eventhub.exceptions import EventHubError

        until = time.monotonic() + deadline
        if not state.lock.acquire(timeout=deadline):
            raise Unavailable(f"{what} is busy with a send that has not returned")
        done = threading.Event()
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                work(state.client)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                errors.append(exc)
            finally:
                state.lock.release()
                done.set()

        threading.Thread(target=worker, name=f"eventhub-{hub}", daemon=True).start()
        if not done.wait(max(0.0, until - time.monotonic())):
            self._abandon(hub, state)
            raise Unavailable(f"{what} did not answer within {deadline:g} s")
        if errors:
            if isinstance(errors[0], EventHubError | AzureError):
                raise Unavailable(f"{what} is unavailable ({type(errors[0]).__name__})")
            raise errors[0]

    def _abandon(self, hub: str, state: _Hub) -> None:
        """A fresh client for the next publish; the stuck one is closed off-thread."""
        with self._lock:
            if self._hubs.get(hub) is state:
                self._hubs[hub] = _Hub(self._factory(hub), breaker=state.breaker)
        closer = threading.Thread(target=state.client.close, name=f"eventhub-close-{hub}")
        closer.daemon = True
        closer.start()


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
