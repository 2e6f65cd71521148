"""Stock is read-your-writes in the catalog: once an inventory write is acknowledged, the
next storefront query shows it, before any ``InventoryChanged`` event is delivered.

Runs the real catalog over the real inventory (the registry's bridges) on embedded
adapters; nothing here delivers events or runs the change feed, so a fresh value can
only come from the write path itself. Time is a ``ManualClock``: a hold expires when the
test moves the clock, never while it sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.catalog.demo.seed import seed_catalog_products
from shared.catalog.stock import availability_key
from tests.functions.catalog_helpers import gql
from tests.functions.inventory_client import (
    ADMIN,
    put_node,
    put_supply,
    reservation_action,
    reserve,
)
from tests.http_client import Response, call

SKU = "SKU-000001-01"
NODE = "DC-FRESH"
QUERY = """{ product(productId: "prod-000001") {
  name variants { sku availability { status inStock available } } } }"""
IN_STOCK = {"status": "IN_STOCK", "inStock": True, "available": 10}
OUT = {"status": "OUT_OF_STOCK", "inStock": False, "available": 0}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOLD_SECONDS = 60


def availability() -> dict[str, Any]:
    result = gql(QUERY)
    assert "errors" not in result, result["errors"]
    product: dict[str, Any] = result["data"]["product"]
    assert product["name"] == "Glow Lip Balm"
    [variant] = product["variants"]
    level: dict[str, Any] = variant["availability"]
    return level


def acknowledged(response: Response) -> None:
    assert response.status in (200, 201), response.json


def adjust(delta: int) -> Response:
    body = {
        "reason": "cycle count",
        "adjustments": [{"itemId": SKU, "shipNode": NODE, "quantity": delta}],
    }
    return call("post_adjustments", "POST", "inventory/adjustments", body=body, token=ADMIN)


def release_all() -> Response:
    return reservation_action("delete_reservation", "DELETE", "cart-held")


WRITES: list[Any] = [
    pytest.param(lambda: put_supply(SKU, NODE, 0), OUT, id="supply-put"),
    pytest.param(lambda: adjust(-10), OUT, id="adjustment"),
    pytest.param(
        lambda: reserve("cart-1", [{"itemId": SKU, "quantity": 10}]), OUT, id="reservation"
    ),
    pytest.param(lambda: put_node(NODE, status="INACTIVE"), OUT, id="ship-node-deactivated"),
]


@pytest.fixture
def clock(registry: Registry) -> ManualClock:
    """Installed before any service is built: inventory and the catalog read the same
    clock, so they agree on when a hold ends."""
    manual = ManualClock(START)
    registry.override(clock=manual)
    return manual


@pytest.fixture
def stocked(registry: Registry, clock: ManualClock) -> Registry:
    seed_catalog_products(registry.catalog(), 3)
    acknowledged(put_node(NODE))
    acknowledged(put_supply(SKU, NODE, 10))
    return registry


@pytest.mark.parametrize(("write", "after"), WRITES)
def test_next_query_sees_an_acknowledged_stock_write(
    stocked: Registry, write: Callable[[], Response], after: dict[str, Any]
) -> None:
    assert availability() == IN_STOCK
    assert availability() == IN_STOCK  # now served from the catalog's own cache
    acknowledged(write())
    assert availability() == after
    assert availability() == after


def test_next_query_sees_a_released_reservation(stocked: Registry) -> None:
    acknowledged(reserve("cart-held", [{"itemId": SKU, "quantity": 10}]))
    assert availability() == OUT
    acknowledged(release_all())
    assert availability() == IN_STOCK


def test_next_query_after_a_hold_expires_shows_the_units_again(
    stocked: Registry, clock: ManualClock
) -> None:
    """Nothing is written when a hold expires (the timer comes later) and no event is
    delivered here: only the cached level's own ``valid_until`` can end it."""
    acknowledged(reserve("cart-brief", [{"itemId": SKU, "quantity": 10}], ttlSeconds=HOLD_SECONDS))
    expires = START.timestamp() + HOLD_SECONDS
    assert availability() == OUT
    entry = stocked.cache().get(availability_key("BEAUTY_US", SKU))
    assert isinstance(entry, dict)
    assert {k: v for k, v in entry.items() if k != "at"} == {
        "known": True,
        "status": "OUT_OF_STOCK",
        "available": 0,
        "until": expires,
    }
    clock.set(expires - 0.001)
    assert availability() == OUT
    clock.set(expires)
    assert availability() == IN_STOCK
