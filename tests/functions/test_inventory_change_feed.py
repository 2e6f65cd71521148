"""The inventory change-feed trigger, called with ``func.DocumentList`` batches."""

from __future__ import annotations

from typing import Any

import azure.functions as func
import pytest

from shared.bootstrap import Registry
from shared.errors import Unavailable
from shared.inventory.service import supply_cache_key
from tests.counting import CallLog
from tests.functions.inventory_client import (
    counted_cache,
    put_node,
    put_supply,
    raw_documents,
    service_over,
)
from tests.http_client import function

HUB = "inventory-updates"


def changed_docs(reg: Registry) -> list[dict[str, Any]]:
    return raw_documents(reg)


def feed(docs: list[dict[str, Any]]) -> None:
    batch = func.DocumentList([func.Document.from_dict(d) for d in docs])
    function("inventory_change_feed")(batch)


def published(reg: Registry, start: int = 0) -> list[dict[str, Any]]:
    bus: Any = reg.events()
    return [r.body | {"partitionKey": r.partition_key} for r in bus.read(HUB, start, 1000)]


@pytest.fixture
def stocked(reg: Registry) -> Registry:
    put_node("DC1")
    put_node("DC2")
    put_supply("SKU1", "DC1", 10, threshold=3)
    put_supply("SKU1", "DC2", 0)
    return reg


def test_each_changed_record_publishes_one_event_keyed_by_item(stocked: Registry) -> None:
    feed(changed_docs(stocked))
    events = published(stocked)
    assert [(e["eventType"], e["partitionKey"], e["subject"], e["version"]) for e in events] == [
        ("InventoryChanged", "SKU1", "SKU1", 2),
        ("InventoryChanged", "SKU1", "SKU1", 2),
    ]
    assert events[0]["payload"] == {
        "itemId": "SKU1",
        "shipNode": "DC1",
        "enterpriseCode": "BEAUTY_US",
        "available": 10,
        "infinite": False,
        "status": "IN_STOCK",
        "nodeVersion": 1,
        "network": {"available": 10, "infinite": False, "status": "IN_STOCK"},
    }
    assert events[1]["payload"]["shipNode"] == "DC2"
    cached = stocked.cache().get_versioned(supply_cache_key("SKU1"))
    assert cached is not None
    assert cached[1] == 2
    assert sorted(r["shipNode"] for r in cached[0]["records"]) == ["DC1", "DC2"]


def test_replayed_batch_publishes_nothing_new(stocked: Registry) -> None:
    docs = changed_docs(stocked)
    feed(docs)
    first = published(stocked)
    feed(docs)
    again = published(stocked, len(first))
    assert [(e["eventId"], e["version"]) for e in again] == [
        (e["eventId"], e["version"]) for e in first
    ]
    newest: dict[tuple[str, str], int] = {}
    delivered = []
    for e in first + again:
        key = (e["subject"], e["payload"]["shipNode"])
        if newest.get(key, -1) < e["version"]:
            newest[key] = e["version"]
            delivered.append(e["eventId"])
    assert delivered == [e["eventId"] for e in first]


def test_boundary_events_only_on_crossings(stocked: Registry) -> None:
    feed(changed_docs(stocked))
    put_supply("SKU1", "DC1", 2, threshold=3)
    feed(changed_docs(stocked))
    put_supply("SKU1", "DC1", 1, threshold=3)
    feed(changed_docs(stocked))
    put_supply("SKU1", "DC1", 0, threshold=3)
    feed(changed_docs(stocked))
    feed(changed_docs(stocked))
    put_supply("SKU1", "DC1", 30, threshold=3)
    feed(changed_docs(stocked))
    crossings = [
        (e["eventType"], e["payload"]["previousStatus"], e["payload"]["status"], e["version"])
        for e in published(stocked)
        if e["eventType"] != "InventoryChanged"
    ]
    assert crossings == [
        ("LowStockReached", "IN_STOCK", "LOW_STOCK", 3),
        ("OutOfStock", "LOW_STOCK", "OUT_OF_STOCK", 5),
        ("BackInStock", "OUT_OF_STOCK", "IN_STOCK", 6),
    ]


def test_status_documents_are_skipped(stocked: Registry) -> None:
    feed(changed_docs(stocked))
    start = len(published(stocked))
    status_docs = [d for d in changed_docs(stocked) if d.get("docType") == "networkStatus"]
    assert [d["id"] for d in status_docs] == ["SKU1@@BEAUTY_US"]
    feed(status_docs)
    assert published(stocked, start) == []


def test_older_state_never_overwrites_the_cache(stocked: Registry) -> None:
    svc = stocked.inventory()
    old = svc.repo.records_for_items(["SKU1"])
    put_supply("SKU1", "DC1", 7, threshold=3)
    feed(changed_docs(stocked))
    assert svc.supply_cache.remember_many({"SKU1": old}) == set()
    cached = stocked.cache().get_versioned(supply_cache_key("SKU1"))
    assert cached is not None
    assert cached[1] == 3
    assert {r["shipNode"]: r["quantity"] for r in cached[0]["records"]} == {"DC1": 7, "DC2": 0}


def test_a_batch_refreshes_the_cache_in_one_round_trip(stocked: Registry) -> None:
    put_supply("SKU2", "DC1", 5)
    put_supply("SKU3", "DC2", 4)
    put_supply("SKU3", "DC2", 6)
    log = CallLog()
    svc = counted_cache(stocked, log)
    svc.feed.process(changed_docs(stocked))
    # supply entries in one write, then the node list: its generation, the list (not
    # cached yet in this test), the list stored
    assert [(c.method, c.keys) for c in log.calls] == [
        ("set_many_if_newer", 3),
        ("get", 1),
        ("get", 1),
        ("set", 1),
    ]
    versions = {}
    for item in ["SKU1", "SKU2", "SKU3"]:
        cached = stocked.cache().get_versioned(supply_cache_key(item))
        versions[item] = None if cached is None else cached[1]
    assert versions == {"SKU1": 2, "SKU2": 1, "SKU3": 2}
    current = {i: svc.repo.records_for_items([i]) for i in ["SKU1", "SKU2", "SKU3"]}
    assert svc.supply_cache.remember_many(current) == set()


def test_a_failing_batch_raises_so_the_host_retries(stocked: Registry) -> None:
    bus: Any = stocked.events()
    bus.pause()
    try:
        with pytest.raises(Unavailable):
            feed(changed_docs(stocked))
    finally:
        bus.resume()
    assert published(stocked) == []
    feed(changed_docs(stocked))
    assert len(published(stocked)) == 2


def supply_doc(reg: Registry, item: str, node: str) -> dict[str, Any]:
    [doc] = [d for d in changed_docs(reg) if d.get("id") == f"{item}@{node}"]
    return doc


def test_a_replay_after_another_node_changed_carries_the_same_id(stocked: Registry) -> None:
    """The replay reads the item again, and DC2 has moved the item version since: the
    DC1 event still carries the id consumers saw, derived from DC1's own record."""
    dc1 = supply_doc(stocked, "SKU1", "DC1")
    feed([dc1])
    [first] = published(stocked)
    put_supply("SKU1", "DC2", 4)
    feed([dc1])
    [replayed] = published(stocked, 1)
    assert (replayed["eventId"], replayed["payload"]["nodeVersion"]) == (
        first["eventId"],
        first["payload"]["nodeVersion"],
    )
    assert (first["version"], replayed["version"]) == (2, 3)
    feed([supply_doc(stocked, "SKU1", "DC2")])
    [dc2] = published(stocked, 2)
    assert dc2["eventId"] != first["eventId"]
    assert (dc2["payload"]["shipNode"], dc2["payload"]["nodeVersion"]) == ("DC2", 2)


def test_a_crossing_re_announced_after_a_crash_carries_the_same_id(stocked: Registry) -> None:
    """The crossing is published, then the process dies before recording the status it
    announced; by the retry another node has changed. Same crossing, same id."""
    feed(changed_docs(stocked))
    put_supply("SKU1", "DC1", 2, threshold=3)
    low = [supply_doc(stocked, "SKU1", "DC1")]
    start = len(published(stocked))

    def dies_recording_the_status(op: str, container: str, args: tuple[Any, ...]) -> None:
        if op in {"create", "replace"} and args[0].get("docType") == "networkStatus":
            raise RuntimeError("process died before recording the status")

    with pytest.raises(RuntimeError):
        service_over(stocked, dies_recording_the_status).feed.process(low)
    [announced] = [e for e in published(stocked, start) if e["eventType"] != "InventoryChanged"]
    put_supply("SKU1", "DC2", 0, threshold=5)
    feed(low)
    crossings = [e for e in published(stocked, start) if e["eventType"] != "InventoryChanged"]
    assert [(e["eventType"], e["eventId"], e["version"]) for e in crossings] == [
        ("LowStockReached", announced["eventId"], 3),
        ("LowStockReached", announced["eventId"], 4),
    ]


def test_a_bus_outage_loses_no_write_and_no_event(registry: Registry) -> None:
    """On the embedded store's own change feed: with the bus down N supply writes succeed
    and nothing is sent; the feed's batch raises (retried, never skipped); once the
    bus is back exactly N events arrive, the item as partition key, in feed order."""
    put_node("DC1")
    put_node("DC2")
    store: Any = registry.documents()
    since = store.read_change_feed("inventory", None, 10_000).continuation
    bus: Any = registry.events()
    bus.pause()
    writes = [("SKU2", "DC1", 5), ("SKU1", "DC2", 3), ("SKU1", "DC1", 7), ("SKU3", "DC2", 1)]
    for item, node, quantity in writes:
        assert put_supply(item, node, quantity).status == 201  # created
    batch = store.read_change_feed("inventory", since, 10_000).documents
    with pytest.raises(Unavailable):
        feed(batch)
    assert published(registry) == []
    bus.resume()
    feed(batch)
    events = published(registry)
    assert [
        (e["partitionKey"], e["payload"]["shipNode"], e["payload"]["available"]) for e in events
    ] == [
        ("SKU1", "DC1", 7),
        ("SKU1", "DC2", 3),
        ("SKU2", "DC1", 5),
        ("SKU3", "DC2", 1),
    ]
    assert len({e["eventId"] for e in events}) == len(writes)
