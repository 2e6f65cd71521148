"""The EventPublisher port contract, run against the local bus and the Event Hubs adapter.

No Event Hubs emulator runs here, so the Event Hubs adapter talks to the recording fake
producer client of ``eventhub_fake``: the one place a fake stands in for a server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.eventhub import EventData, EventDataBatch
from azure.eventhub.exceptions import ConnectError

from shared.adapters.breaker import circuit_breaker
from shared.adapters.clock import ManualClock
from shared.adapters.events_eventhub import EventHubPublisher
from shared.adapters.events_local import LocalBus
from shared.errors import BadRequest, ConfigurationError, Unavailable
from shared.ports import EventPublisher
from tests.contract.eventhub_fake import FakeNamespace, RecordingProducer

HUB = "inventory-updates"


@dataclass
class Harness:
    """One adapter plus what the world saw: ``(partition key, body)`` in arrival order."""

    publisher: EventPublisher
    bus: LocalBus | None = None
    namespace: FakeNamespace | None = None

    def seen(self, hub: str = HUB) -> list[tuple[str, dict[str, Any]]]:
        if self.bus is not None:
            return [(r.partition_key, r.body) for r in self.bus.read(hub, 0, 100_000)]
        assert self.namespace is not None
        producer = self.namespace.producers.get(hub)
        if producer is None:
            return []
        return [
            (str(batch.partition_key), event.body_as_json())
            for batch in producer.sent
            for event in batch.events
        ]

    def outage(self) -> None:
        if self.bus is not None:
            self.bus.pause()
        else:
            assert self.namespace is not None
            self.namespace.producers.setdefault(HUB, RecordingProducer(HUB))
            self.namespace.set_error(ConnectError("namespace unreachable"))

    def recover(self) -> None:
        if self.bus is not None:
            self.bus.resume()
        else:
            assert self.namespace is not None
            self.namespace.set_error(None)


@pytest.fixture(params=["local-bus", "eventhub"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "local-bus":
        bus = LocalBus()
        yield Harness(bus, bus=bus)
        return
    namespace = FakeNamespace()
    publisher = EventHubPublisher(namespace)
    yield Harness(publisher, namespace=namespace)
    publisher.close()


def envelope(subject: str, n: int, event_type: str = "InventoryChanged") -> dict[str, Any]:
    return {
        "eventId": f"{subject}-{n:06d}",
        "eventType": event_type,
        "timestamp": "2026-11-30T06:00:00Z",
        "serviceId": "inventory",
        "subject": subject,
        "version": n,
        "payload": {"itemId": subject, "quantity": n},
    }


def ids_by_key(seen: list[tuple[str, dict[str, Any]]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, body in seen:
        grouped.setdefault(key, []).append(body["eventId"])
    return grouped


def test_publish_keeps_order_per_partition_key(harness: Harness) -> None:
    events = [
        envelope(s, n) for s, n in [("a", 1), ("b", 1), ("a", 2), ("c", 1), ("b", 2), ("a", 3)]
    ]
    harness.publisher.publish(HUB, events)
    seen = harness.seen()
    assert ids_by_key(seen) == {
        "a": ["a-000001", "a-000002", "a-000003"],
        "b": ["b-000001", "b-000002"],
        "c": ["c-000001"],
    }
    assert sorted((key, body["eventId"]) for key, body in seen) == sorted(
        (e["subject"], e["eventId"]) for e in events
    )
    assert all(
        body == events[[e["eventId"] for e in events].index(body["eventId"])] for _, body in seen
    )


def test_successive_publishes_append(harness: Harness) -> None:
    harness.publisher.publish(HUB, [envelope("a", 1)])
    harness.publisher.publish(HUB, [envelope("a", 2), envelope("b", 1)])
    assert ids_by_key(harness.seen()) == {"a": ["a-000001", "a-000002"], "b": ["b-000001"]}


def test_hubs_are_separate(harness: Harness) -> None:
    harness.publisher.publish(HUB, [envelope("a", 1)])
    harness.publisher.publish("confighub-config-update", [envelope("app", 1, "ConfigUpdated")])
    assert ids_by_key(harness.seen()) == {"a": ["a-000001"]}
    assert ids_by_key(harness.seen("confighub-config-update")) == {"app": ["app-000001"]}


def test_publishing_nothing_is_a_no_op(harness: Harness) -> None:
    harness.publisher.publish(HUB, [])
    assert harness.seen() == []
    if harness.namespace is not None:
        assert harness.namespace.created == []


@pytest.mark.parametrize(
    "bad",
    [
        {"eventId": "x", "eventType": "T", "payload": {}},
        {"eventId": "x", "eventType": "T", "subject": ""},
        {"eventId": "x", "eventType": "T", "subject": "a", "payload": {"n": float("nan")}},
        {"eventId": "x", "eventType": "T", "subject": "a", "payload": {"when": object()}},
    ],
    ids=["no-subject", "blank-subject", "nan", "not-json"],
)
def test_bad_envelope_is_rejected_and_nothing_is_published(
    harness: Harness, bad: dict[str, Any]
) -> None:
    with pytest.raises(BadRequest):
        harness.publisher.publish(HUB, [envelope("a", 1), bad])
    assert harness.seen() == []


def test_outage_is_unavailable_stores_nothing_and_recovers(harness: Harness) -> None:
    harness.publisher.publish(HUB, [envelope("a", 1)])
    harness.outage()
    with pytest.raises(Unavailable):
        harness.publisher.publish(HUB, [envelope("a", 2), envelope("b", 1)])
    assert ids_by_key(harness.seen()) == {"a": ["a-000001"]}
    with pytest.raises(Unavailable):
        harness.publisher.check()
    harness.recover()
    harness.publisher.publish(HUB, [envelope("a", 2), envelope("b", 1)])
    assert ids_by_key(harness.seen()) == {"a": ["a-000001", "a-000002"], "b": ["b-000001"]}
    assert harness.publisher.check() == ("local-bus" if harness.bus else "eventhub")


def test_concurrent_publishers_lose_nothing_and_keep_their_order(harness: Harness) -> None:
    start = threading.Barrier(6)

    def publisher_thread(subject: str) -> None:
        start.wait()
        for n in range(0, 40, 4):
            harness.publisher.publish(HUB, [envelope(subject, n + i) for i in range(4)])

    threads = [threading.Thread(target=publisher_thread, args=(f"s{t}",)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ids_by_key(harness.seen()) == {
        f"s{t}": [f"s{t}-{n:06d}" for n in range(40)] for t in range(6)
    }


# --- LocalBus: the reading side the devhost relies on ------------------------------


def test_local_bus_reads_from_an_offset_in_pages() -> None:
    bus = LocalBus()
    bus.publish(HUB, [envelope("a", n) for n in range(5)])
    page = bus.read(HUB, 1, max_items=3)
    assert [(r.offset, r.partition_key, r.body["eventId"]) for r in page] == [
        (1, "a", "a-000001"),
        (2, "a", "a-000002"),
        (3, "a", "a-000003"),
    ]
    assert [r.offset for r in bus.read(HUB, 4)] == [4]
    assert bus.read(HUB, 5) == []
    assert bus.read("never-used", 0) == []
    assert bus.end_offset(HUB) == 5
    assert bus.end_offset("never-used") == 0
    assert bus.hubs() == [HUB]
    assert len({r.enqueued_at for r in bus.read(HUB, 0)}) == 1


def test_local_bus_records_are_copies() -> None:
    bus = LocalBus()
    event = envelope("a", 1)
    bus.publish(HUB, [event])
    event["payload"]["quantity"] = 999
    bus.read(HUB, 0)[0].body["payload"]["quantity"] = 555
    assert bus.read(HUB, 0)[0].body == envelope("a", 1)


def test_local_bus_wait_wakes_on_publish_and_times_out_otherwise() -> None:
    bus = LocalBus()
    assert bus.wait(0.01) is False
    stop = threading.Event()

    def keep_publishing() -> None:
        n = 0
        while not stop.wait(0.02):
            bus.publish("other-hub", [envelope("x", n)])
            n += 1

    thread = threading.Thread(target=keep_publishing)
    thread.start()
    try:
        assert bus.wait(30) is True
    finally:
        stop.set()
        thread.join()


def test_paused_local_bus_reads_what_it_had() -> None:
    bus = LocalBus()
    bus.publish(HUB, [envelope("a", 1)])
    bus.pause()
    with pytest.raises(Unavailable):
        bus.publish(HUB, [envelope("a", 2)])
    assert bus.end_offset(HUB) == 1
    assert [r.body["eventId"] for r in bus.read(HUB, 0)] == ["a-000001"]


# --- Event Hubs adapter: what goes on the wire ---------------------------------------


def batch_size_for(count: int) -> int:
    """The SDK's own size of a batch holding ``count`` of the test's equal-sized events."""
    batch = EventDataBatch(partition_key="a")
    for n in range(count):
        data = EventData(json.dumps(envelope("a", n), separators=(",", ":")))
        data.content_type = "application/json"
        data.properties = {"eventType": "InventoryChanged", "eventId": f"a-{n:06d}"}
        batch.add(data)
    return batch.size_in_bytes


def test_eventhub_fills_batches_per_partition_key_up_to_the_size_limit() -> None:
    namespace = FakeNamespace(max_size_in_bytes=batch_size_for(3))
    publisher = EventHubPublisher(namespace)
    publisher.publish(HUB, [envelope("a", n) for n in range(7)] + [envelope("b", 0)])
    sent = namespace.producers[HUB].sent
    assert [(b.partition_key, [e.body_as_json()["eventId"] for e in b.events]) for b in sent] == [
        ("a", ["a-000000", "a-000001", "a-000002"]),
        ("a", ["a-000003", "a-000004", "a-000005"]),
        ("a", ["a-000006"]),
        ("b", ["b-000000"]),
    ]


def test_eventhub_event_carries_json_body_content_type_and_properties() -> None:
    namespace = FakeNamespace()
    EventHubPublisher(namespace).publish(HUB, [envelope("sku-1", 4)])
    (batch,) = namespace.producers[HUB].sent
    (event,) = batch.events
    assert batch.partition_key == "sku-1"
    assert event.body_as_json() == envelope("sku-1", 4)
    assert event.content_type == "application/json"
    assert event.properties == {"eventType": "InventoryChanged", "eventId": "sku-1-000004"}


def test_eventhub_creates_one_client_per_hub_and_closes_them() -> None:
    namespace = FakeNamespace()
    publisher = EventHubPublisher(namespace)
    for _ in range(3):
        publisher.publish(HUB, [envelope("a", 1)])
        publisher.publish("other", [envelope("a", 1)])
    assert namespace.created == [HUB, "other"]
    publisher.close()
    assert [p.closed for p in namespace.producers.values()] == [True, True]


def test_eventhub_event_larger_than_a_batch_sends_nothing() -> None:
    namespace = FakeNamespace(max_size_in_bytes=batch_size_for(1))
    publisher = EventHubPublisher(namespace)
    huge = envelope("b", 1) | {"payload": {"blob": "x" * 5_000}}
    with pytest.raises(BadRequest):
        publisher.publish(HUB, [envelope("a", 0), huge])
    assert namespace.producers[HUB].sent == []


def test_eventhub_failure_after_some_batches_reports_what_was_sent() -> None:
    namespace = FakeNamespace(max_size_in_bytes=batch_size_for(2))
    publisher = EventHubPublisher(namespace)
    publisher.publish(HUB, [envelope("a", 0)])
    producer = namespace.producers[HUB]
    producer.error, producer.sends_before_error = ConnectError("link lost"), 1
    with pytest.raises(Unavailable) as raised:
        publisher.publish(HUB, [envelope("a", n) for n in range(1, 6)])
    assert raised.value.details == {"sent": 2}
    assert [len(b.events) for b in producer.sent] == [1, 2]


def test_eventhub_invalid_connection_string_is_a_configuration_error() -> None:
    publisher = EventHubPublisher.from_connection_string("SharedAccessKey=s3cret;not-valid")
    with pytest.raises(ConfigurationError) as raised:
        publisher.publish(HUB, [envelope("a", 1)])
    assert "s3cret" not in str(raised.value)


def test_eventhub_credential_failure_is_unavailable() -> None:
    namespace = FakeNamespace()
    publisher = EventHubPublisher(namespace)
    namespace.producers[HUB] = RecordingProducer(HUB, error=ClientAuthenticationError("no token"))
    with pytest.raises(Unavailable) as raised:
        publisher.publish(HUB, [envelope("a", 1)])
    assert raised.value.message == (
        "event hub 'inventory-updates' is unavailable (ClientAuthenticationError)"
    )
    assert namespace.producers[HUB].sent == []


# --- deadlines, the breaker and health on a namespace that breaks ------------------------
@pytest.fixture
def hanging() -> Iterator[tuple[FakeNamespace, threading.Event]]:
    """A namespace that takes connections and never answers, released at teardown."""
    namespace, release = FakeNamespace(), threading.Event()
    namespace.set_hang(release)
    yield namespace, release
    release.set()


def guarded(namespace: FakeNamespace, clock: ManualClock, **options: Any) -> EventHubPublisher:
    """As bootstrap builds it: a breaker per hub (2 failures, 30 s) on ``clock``."""

    def breaker(hub: str) -> Any:
        return circuit_breaker(
            f"eventhub {hub}",
            fail_max=2,
            reset_seconds=30,
            clock=clock,
            counts=lambda exc: isinstance(exc, Unavailable),
        )

    return EventHubPublisher(namespace, breakers=breaker, clock=clock, **options)


def test_eventhub_a_hub_that_never_answers_fails_within_the_deadline(
    hanging: tuple[FakeNamespace, threading.Event],
) -> None:
    """The issue's 12 s: the link open that no SDK timeout bounds. The publish is
    Unavailable at its deadline while the hub's call is still blocked, and the next
    publish starts on a fresh client instead of queueing behind it."""
    namespace, _ = hanging
    publisher = EventHubPublisher(namespace, send_timeout=0.2)
    with pytest.raises(Unavailable) as raised:
        publisher.publish(HUB, [envelope("a", 1)])
    assert (raised.value.message, raised.value.details) == (
        "event hub 'inventory-updates' did not answer within 0.2 s",
        {"sent": 0},
    )
    assert namespace.producers[HUB].waiting == 1
    with pytest.raises(Unavailable):
        publisher.publish(HUB, [envelope("a", 1)], timeout=0.05)
    assert namespace.created == [HUB, HUB, HUB]
    assert namespace.producers[HUB].waiting == 2


def test_eventhub_sends_carry_the_deadline_a_caller_gives_or_the_adapters_own() -> None:
    namespace = FakeNamespace()
    publisher = EventHubPublisher(namespace, send_timeout=5.0)
    publisher.publish(HUB, [envelope("a", 1)])
    publisher.publish(HUB, [envelope("a", 2)], timeout=0.5)
    publisher.publish(HUB, [envelope("a", 3)], timeout=60)
    assert namespace.producers[HUB].send_timeouts == [5.0, 0.5, 5.0]


def test_eventhub_an_open_circuit_fails_fast_and_probes_after_its_reset() -> None:
    namespace, clock = FakeNamespace(), ManualClock()
    publisher = guarded(namespace, clock)
    namespace.set_error(ConnectError("namespace unreachable"))
    for _ in range(2):
        with pytest.raises(Unavailable):
            publisher.publish(HUB, [envelope("a", 1)])
    producer = namespace.producers[HUB]
    calls = len(producer.send_timeouts)
    namespace.set_error(None)
    with pytest.raises(Unavailable) as raised:
        publisher.publish(HUB, [envelope("a", 1)])
    assert raised.value.message == "event hub 'inventory-updates' is unavailable (circuit open)"
    assert len(producer.send_timeouts) == calls
    clock.advance(30)
    publisher.publish(HUB, [envelope("a", 1)])
    assert [b.events[0].body_as_json()["eventId"] for b in producer.sent] == ["a-000001"]


def test_eventhub_check_probes_a_hub_nothing_was_published_to(
    hanging: tuple[FakeNamespace, threading.Event],
) -> None:
    """Truthful from the start: before any publish, a namespace that never answers
    fails the check within the probe's deadline."""
    namespace, _ = hanging
    publisher = EventHubPublisher(namespace, probe_timeout=0.2, probe_hubs=[HUB])
    with pytest.raises(Unavailable) as raised:
        publisher.check()
    assert raised.value.message == (
        "event hubs unavailable: inventory-updates: inventory-updates did not answer within 0.2 s"
    )
    assert namespace.producers[HUB].probes == 1


def test_eventhub_check_trusts_a_recent_outcome_and_probes_again_after_it() -> None:
    namespace, clock = FakeNamespace(), ManualClock()
    publisher = guarded(namespace, clock, probe_hubs=[HUB, "other"])
    assert publisher.check() == "eventhub"
    assert (namespace.producers[HUB].probes, namespace.producers["other"].probes) == (1, 1)
    publisher.publish(HUB, [envelope("a", 1)])
    clock.advance(29)
    assert publisher.check() == "eventhub"
    assert namespace.producers[HUB].probes == 1
    namespace.set_error(ConnectError("namespace unreachable"))
    clock.advance(1)
    with pytest.raises(Unavailable) as raised:
        publisher.check()
    assert raised.value.message == (
        "event hubs unavailable: inventory-updates: inventory-updates is unavailable "
        "(ConnectError); other: other is unavailable (ConnectError)"
    )
    probes = namespace.producers[HUB].probes
    with pytest.raises(Unavailable):
        publisher.publish(HUB, [envelope("a", 2)])
    with pytest.raises(Unavailable) as raised:
        publisher.check()
    assert raised.value.message == (
        "event hubs unavailable: inventory-updates: circuit open (last: event hub "
        "'inventory-updates' is unavailable (ConnectError)); other: other is unavailable "
        "(ConnectError)"
    )
    assert namespace.producers[HUB].probes == probes
