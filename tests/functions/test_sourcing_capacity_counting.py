"""Sourcing on the stores: node capacity counted from the order events, and candidate
pruning falling back to the whole network.

Capacity runs through the triggers, on the embedded store and on cosmosdb-server: a
shopper places an order through checkout, the orders change feed publishes
``OrderPlaced``, and the capacity consumer counts it once (however often the hub
delivers it) against the day its package leaves the node, at its level of service; a
node whose day is full is promised from its next day. The order cancelled gives the
day back."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.inventory.model import Capability, NodeType, ShipNodeSpec
from shared.sourcing.demo import seed_sourcing
from tests.conftest import embedded_settings
from tests.functions.checkout_client import ALICE, NJ, RED, customer, feed_orders, open_shop
from tests.functions.test_sourcing_http import Notes, add_node, options
from tests.http_client import function

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 10:00 in New Jersey, a Tuesday
TUESDAY, WEDNESDAY = date(2026, 3, 3), date(2026, 3, 4)
HUB = "order-updates"


@pytest.fixture
def one_order_a_day(reg: Registry) -> Registry:
    """The checkout shop, its New Jersey DC shipping one order a day."""
    open_shop(reg)
    spec = ShipNodeSpec(
        name="Edison DC",
        enterprise_code="BEAUTY_US",
        node_type=NodeType.DC,
        time_zone="America/New_York",
        location=NJ,
        capabilities=(Capability.SHIP,),
        daily_capacity=1,
    )
    reg.inventory().nodes.put_node("DC-NJ", spec, "test")
    return reg


def standard_ship_date() -> str:
    body = {
        "enterpriseCode": "BEAUTY_US",
        "destination": {"postalCode": "10001", "country": "US"},
        "lines": [{"lineId": "1", "itemId": RED, "quantity": 1}],
        "levelsOfService": ["STANDARD"],
    }
    resp = options(body)
    assert resp.status == 200, resp.json
    [option] = resp.json["options"]
    return str(option["shipments"][0]["shipDate"])


def order_events(reg: Registry, start: int) -> tuple[int, list[func.EventHubEvent]]:
    """The order hub's events from ``start``, as the trigger receives them."""
    bus: Any = reg.events()
    found = list(bus.read(HUB, start, 1000))
    return start + len(found), [func.EventHubEvent(body=json.dumps(e.body).encode()) for e in found]


def usage(reg: Registry) -> dict[tuple[str, date], tuple[int, dict[str, int]]]:
    ledger = reg.sourcing().capacity
    assert ledger is not None
    return {k: (u.orders, dict(u.by_level)) for k, u in ledger.usage(TUESDAY, 3).items()}


def test_an_order_fills_its_nodes_day_once_and_its_cancellation_frees_it(
    one_order_a_day: Registry,
) -> None:
    reg = one_order_a_day
    count = function("count_node_capacity")
    assert standard_ship_date() == "2026-03-03"
    alice = customer(ALICE)
    cart = alice.new_cart()
    assert alice.ready(cart, (RED, 1)).status == 200
    assert standard_ship_date() == "2026-03-03"  # a hold is not a sale
    placed = alice.place(cart)
    assert placed.status == 201, placed.json
    assert standard_ship_date() == "2026-03-03"  # counted from the event, not the write
    feed_orders(reg)
    seen, events = order_events(reg, 0)
    for _ in range(2):  # the hub delivers at least once
        count(events)
    assert usage(reg) == {("DC-NJ", TUESDAY): (1, {"STANDARD": 1})}
    assert standard_ship_date() == "2026-03-04"

    assert alice.cancel(placed.json["orderId"]).status == 200
    feed_orders(reg)
    _, cancelled = order_events(reg, seen)
    assert [json.loads(e.get_body())["eventType"] for e in cancelled] == ["OrderCancelled"]
    for _ in range(2):
        count(cancelled)
    assert usage(reg) == {("DC-NJ", TUESDAY): (0, {"STANDARD": 0})}
    assert standard_ship_date() == "2026-03-03"


def test_an_order_event_naming_no_packages_counts_on_the_day_it_was_placed(
    one_order_a_day: Registry,
) -> None:
    """An order placed before checkout recorded its packages: the nodes of its lines,
    on the node-local day of ``placedAt`` (late evening in New Jersey is still Tuesday,
    already Wednesday in UTC)."""
    event = {
        "eventId": "e-1",
        "eventType": "OrderPlaced",
        "timestamp": "2026-03-04T03:00:00Z",
        "serviceId": "commerce-functions",
        "subject": "order-old",
        "version": 1,
        "payload": {
            "orderId": "order-old",
            "enterpriseCode": "BEAUTY_US",
            "lines": [{"sku": RED, "quantity": 1, "shipNode": "DC-NJ"}],
            "delivery": {"levelOfService": "STANDARD", "promisedDate": "2026-03-05"},
            "placedAt": "2026-03-04T03:00:00+00:00",
        },
    }
    function("count_node_capacity")([func.EventHubEvent(body=json.dumps(event).encode())])
    assert usage(one_order_a_day) == {("DC-NJ", TUESDAY): (1, {"STANDARD": 1})}


def test_an_order_event_sourcing_cannot_read_is_skipped_and_logged(
    one_order_a_day: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    event = {
        "eventId": "e-2",
        "eventType": "OrderPlaced",
        "serviceId": "commerce-functions",
        "subject": "order-x",
        "version": 1,
        "payload": {"orderId": "order-x", "lines": "none"},
    }
    with caplog.at_level(logging.ERROR, logger="shared.sourcing"):
        function("count_node_capacity")([func.EventHubEvent(body=json.dumps(event).encode())])
    assert usage(one_order_a_day) == {}
    assert [r.getMessage() for r in caplog.records] == [
        "capacity: skipped OrderPlaced e-2, its payload is not an order: "
        "['enterpriseCode', 'lines']"
    ]


def test_a_cart_its_nearest_nodes_cannot_cover_considers_every_node(
    tmp_path: Path,
) -> None:
    """With ``SOURCING_MAX_CANDIDATES=1`` the nearest store to New York holds nothing of
    the cart: the calculator falls back to the whole network and ships from Denver."""
    reg = Registry(embedded_settings(tmp_path, SOURCING_MAX_CANDIDATES=1))
    with bootstrap.use_registry(reg):
        reg.override(clock=ManualClock(NOW))
        seed_sourcing(reg, Notes())
        add_node(reg, "ST_NYC", NodeType.STORE, 40.75, -73.99, "America/New_York", {"B": 3})
        add_node(reg, "ST_DEN", NodeType.STORE, 39.74, -104.99, "America/Denver", {"A": 3})
        resp = options(
            {
                "enterpriseCode": "BEAUTY_US",
                "destination": {"postalCode": "10001", "country": "US"},
                "lines": [{"lineId": "1", "itemId": "A", "quantity": 2}],
                "levelsOfService": ["STANDARD"],
            }
        )
        assert resp.status == 200, resp.json
        [option] = resp.json["options"]
        assert [s["shipNode"] for s in option["shipments"]] == ["ST_DEN"]
