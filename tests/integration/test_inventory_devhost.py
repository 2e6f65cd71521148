"""Inventory through the devhost over HTTP: no overselling under 200 concurrent
reservations (embedded store and cosmosdb-server), and the change-feed trigger fed by
the embedded store's change feed (one event per change, cache refreshed, replay is a
no-op for consumers that dedupe on version)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

import function_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.bootstrap import Registry
from shared.inventory.model import NodeType, ShipNodeSpec, SupplySpec
from shared.inventory.service import supply_cache_key
from shared.ports import ContainerSpec, Query
from tests.conftest import embedded_settings
from tests.functions.inventory_client import ADMIN, ENTERPRISE, NYC, RESERVER, store_settings

HUB = "inventory-updates"
BOUND = 60.0  # seconds: an upper bound on waits, never a measured duration


@pytest.fixture(params=["embedded", "cosmos"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Registry, DevHostHandle]]:
    reg = store_settings(request, tmp_path, request.param)
    with bootstrap.use_registry(reg), running_devhost(app()) as handle:
        yield reg, handle


def app() -> Any:
    """The product app; each devhost start indexes it afresh."""
    return function_app.app


def add_node(reg: Registry, ship_node: str, node_type: NodeType = NodeType.DC) -> None:
    spec = ShipNodeSpec(
        name=ship_node,
        enterprise_code=ENTERPRISE,
        node_type=node_type,
        time_zone="America/Chicago",
        location=NYC,
    )
    reg.inventory().nodes.put_node(ship_node, spec, "test")


def test_200_concurrent_reservations_hold_exactly_the_50_available(
    served: tuple[Registry, DevHostHandle],
) -> None:
    reg, host = served
    add_node(reg, "DC1")
    add_node(reg, "DC2")
    svc = reg.inventory()
    svc.supply.set_supply("HOT", "DC1", SupplySpec(quantity=32, safety_stock=2), "test")
    svc.supply.set_supply("HOT", "DC2", SupplySpec(quantity=20), "test")

    def body(n: int) -> dict[str, Any]:
        line: dict[str, Any] = {"itemId": "HOT", "quantity": 1}
        if n % 2:
            line["shipNode"] = "DC1"
        return {"reservationId": f"r{n}", "enterpriseCode": ENTERPRISE, "lines": [line]}

    with httpx.Client(
        base_url=host.base_url,
        timeout=BOUND,
        headers={"Authorization": f"Bearer {RESERVER}"},
        limits=httpx.Limits(max_connections=200),
    ) as client:

        def post(n: int) -> int:
            return client.post("/reservations", json=body(n)).status_code

        with ThreadPoolExecutor(max_workers=200) as pool:
            statuses = Counter(pool.map(post, range(200)))
        availability = client.get("/availability/HOT").json()

    assert statuses == Counter({201: 50, 409: 150})
    records = {r.ship_node: r for r in svc.repo.records_for_items(["HOT"])}
    assert {n: (r.quantity, r.reserved, len(r.holds)) for n, r in records.items()} == {
        "DC1": (32, 30, 30),
        "DC2": (20, 20, 20),
    }
    assert availability["network"] == {"available": 0, "status": "OUT_OF_STOCK"}
    held = [svc.reservations.get(f"r{n}") for n in range(200) if svc.repo.read_reservation(f"r{n}")]
    assert sum(a.quantity for r in held for a in r.allocations) == 50


@pytest.fixture
def embedded_host(tmp_path: Path) -> Iterator[tuple[Registry, DevHostHandle]]:
    reg = Registry(embedded_settings(tmp_path))
    with bootstrap.use_registry(reg):
        add_node(reg, "DC1")
        reg.inventory().supply.set_supply(
            "SKU1", "DC1", SupplySpec(quantity=5, threshold=2), "seed"
        )
        with running_devhost(app()) as handle:
            yield reg, handle


def events(reg: Registry, start: int = 0) -> list[Any]:
    bus: Any = reg.events()
    return list(bus.read(HUB, start, 10_000))


def lease(reg: Registry) -> dict[str, Any]:
    leases = reg.documents().container(ContainerSpec(reg.settings.cosmos_container_leases, "/id"))
    found = [d for d in leases.query(Query()) if d.get("container") == "inventory"]
    assert len(found) == 1
    return found[0]


def put_supply(host: DevHostHandle, item: str, node: str, body: dict[str, Any]) -> None:
    resp = httpx.put(
        f"{host.base_url}/inventory/{item}/nodes/{node}",
        json=body,
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=BOUND,
    )
    assert resp.status_code in (200, 201), resp.text


def test_change_feed_publishes_one_event_and_refreshes_the_cache(
    embedded_host: tuple[Registry, DevHostHandle], tmp_path: Path
) -> None:
    reg, host = embedded_host
    host.drain(BOUND)
    before_change = lease(reg)["continuation"]
    start = len(events(reg))
    put_supply(host, "SKU1", "DC1", {"quantity": 4, "threshold": 2})
    host.drain(BOUND)

    fresh = events(reg, start)
    assert [
        (r.partition_key, r.body["eventType"], r.body["subject"], r.body["version"]) for r in fresh
    ] == [("SKU1", "InventoryChanged", "SKU1", 2)]
    assert fresh[0].body["payload"]["available"] == 4
    assert fresh[0].body["payload"]["network"] == {
        "available": 4,
        "infinite": False,
        "status": "IN_STOCK",
    }
    cached = reg.cache().get_versioned(supply_cache_key("SKU1"))
    assert cached is not None
    assert (cached[1], cached[0]["records"][0]["quantity"]) == (2, 4)
    seen = {(r.body["eventType"], r.body["subject"], r.body["version"]) for r in events(reg)}

    host.host.stop()
    container = reg.documents().container(
        ContainerSpec(reg.settings.cosmos_container_leases, "/id")
    )
    container.upsert(lease(reg) | {"continuation": before_change})
    after_replay_start = len(events(reg))
    with running_devhost(app()) as again:
        again.drain(BOUND)
    replayed = events(reg, after_replay_start)
    assert len(replayed) == 1
    new_to_consumers = [
        r
        for r in replayed
        if (r.body["eventType"], r.body["subject"], r.body["version"]) not in seen
    ]
    assert new_to_consumers == []
    assert {r.body["eventId"] for r in replayed} <= {r.body["eventId"] for r in fresh}
    assert reg.cache().get_versioned(supply_cache_key("SKU1")) == cached


def test_change_feed_announces_a_crossing_once(
    embedded_host: tuple[Registry, DevHostHandle],
) -> None:
    reg, host = embedded_host
    host.drain(BOUND)
    start = len(events(reg))
    put_supply(host, "SKU1", "DC1", {"quantity": 4, "threshold": 2})
    host.drain(BOUND)
    put_supply(host, "SKU1", "DC1", {"quantity": 1, "threshold": 2})
    host.drain(BOUND)
    put_supply(host, "SKU1", "DC1", {"quantity": 2, "threshold": 2})
    host.drain(BOUND)
    assert [(r.body["eventType"], r.body["version"]) for r in events(reg, start)] == [
        ("InventoryChanged", 2),
        ("InventoryChanged", 3),
        ("LowStockReached", 3),
        ("InventoryChanged", 4),
    ]
