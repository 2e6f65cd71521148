"""Sourcing on the stores: node capacity counted from confirmed reservations (until
checkout's orders count it), and candidate pruning falling back to the whole network.

Capacity runs through the HTTP triggers, on the embedded store and on cosmosdb-server: a
confirmed reservation is one order on the node's local day, counted once however often
it is confirmed; a node whose day is full is promised from its next day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.inventory.model import Capability, Location, NodeType, ShipNodeSpec, SupplySpec
from shared.sourcing.demo import seed_sourcing
from tests.conftest import embedded_settings
from tests.functions.inventory_client import reservation_action, reserve
from tests.functions.test_sourcing_http import Notes, add_node, options

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 09:00 in Dallas, a Tuesday


@pytest.fixture
def one_order_a_day(reg: Registry) -> Registry:
    reg.override(clock=ManualClock(NOW))
    seed_sourcing(reg, Notes())
    spec = ShipNodeSpec(
        name="Dallas DC",
        enterprise_code="BEAUTY_US",
        node_type=NodeType.DC,
        time_zone="America/Chicago",
        location=Location(latitude=32.79, longitude=-96.80, postal_code="75201", state="TX"),
        capabilities=(Capability.SHIP,),
        daily_capacity=1,
    )
    reg.inventory().nodes.put_node("DC_TX", spec, "test")
    reg.inventory().supply.set_supply("A", "DC_TX", SupplySpec(quantity=10), "test")
    return reg


def standard_ship_date() -> str:
    body = {
        "enterpriseCode": "BEAUTY_US",
        "destination": {"postalCode": "10001", "country": "US"},
        "lines": [{"lineId": "1", "itemId": "A", "quantity": 1}],
        "levelsOfService": ["STANDARD"],
    }
    resp = options(body)
    assert resp.status == 200, resp.json
    [option] = resp.json["options"]
    return str(option["shipments"][0]["shipDate"])


def test_a_confirmed_reservation_fills_the_nodes_day_once(one_order_a_day: Registry) -> None:
    assert standard_ship_date() == "2026-03-03"
    assert reserve("r1", [{"itemId": "A", "quantity": 1}]).status == 201
    assert standard_ship_date() == "2026-03-03"  # a hold is not a sale
    for _ in range(2):
        confirmed = reservation_action("confirm_reservation", "POST", "r1", "/confirm")
        assert confirmed.status == 200
    ledger = one_order_a_day.sourcing().capacity
    assert ledger is not None
    usage = ledger.usage(NOW.date(), 3)
    assert {key: (u.orders, dict(u.by_level)) for key, u in usage.items()} == {
        ("DC_TX", NOW.date()): (1, {})
    }
    assert standard_ship_date() == "2026-03-04"


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
