"""Checkout through the devhost over HTTP: 50 shoppers racing for 20 units make exactly
20 orders and 30 clear refusals, and nothing is oversold, on the embedded store and on
cosmosdb-server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import function_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.bootstrap import Registry
from shared.catalog.model import Money, ProductDraft, Variant
from shared.inventory.model import Location, NodeType, ShipNodeSpec, SupplySpec
from shared.sourcing.demo import seed_sourcing
from tests.functions.inventory_client import ENTERPRISE, store_settings

BOUND = 120.0  # seconds: an upper bound on waits, never a measured duration
SHOPPERS, UNITS = 50, 20
HOT = "LIP-HOT"
ADDRESS = {
    "name": "A",
    "line1": "1 Main St",
    "city": "New York",
    "state": "NY",
    "postalCode": "10001",
}
CARD = {"card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}}


class _Notes:
    def note(self, message: str) -> None:
        """The seeder's progress is not needed here."""


@pytest.fixture(params=["embedded", "cosmos"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Registry, DevHostHandle]]:
    reg = store_settings(request, tmp_path, request.param)
    with bootstrap.use_registry(reg):
        seed_sourcing(reg, _Notes())
        node = ShipNodeSpec(
            name="Edison DC",
            enterprise_code=ENTERPRISE,
            node_type=NodeType.DC,
            time_zone="America/New_York",
            location=Location(latitude=40.52, longitude=-74.41, postal_code="08817", state="NJ"),
            cutoff_time=time(23, 59),
        )
        reg.inventory().nodes.put_node("DC-NJ", node, "test")
        reg.inventory().supply.set_supply(HOT, "DC-NJ", SupplySpec(quantity=UNITS), "test")
        variant = Variant(
            variant_id="v1",
            sku=HOT,
            name="Hot",
            prices=(Money(amount=Decimal("24.00"), currency="USD"),),
        )
        draft = ProductDraft(name="Lipstick", slug="hot-lipstick", variants=(variant,))
        reg.catalog().upsert_product("p-hot", draft)
        with running_devhost(function_app.app) as handle:
            yield reg, handle


def test_50_concurrent_checkouts_for_20_units_make_20_orders(
    served: tuple[Registry, DevHostHandle],
) -> None:
    reg, host = served
    with httpx.Client(
        base_url=host.base_url, timeout=BOUND, limits=httpx.Limits(max_connections=SHOPPERS)
    ) as client:

        def send(
            n: int, method: str, path: str, body: Any = None, step: str = ""
        ) -> httpx.Response:
            headers = {
                "X-Visitor-Id": f"visitor-{n:04d}-abcdefghijklmnop",
                "Idempotency-Key": f"{n}-{step}",
            }
            return client.request(method, path, json=body, headers=headers)

        def into_checkout(n: int) -> str:
            cart = send(n, "POST", "/carts", step="create").json()["cartId"]
            assert (
                send(
                    n, "POST", f"/carts/{cart}/lines", {"sku": HOT, "quantity": 1}, "add"
                ).status_code
                == 200
            )
            assert (
                send(n, "PUT", f"/carts/{cart}/checkout/destination", ADDRESS, "dest").status_code
                == 200
            )
            return str(cart)

        def race(args: tuple[int, str]) -> tuple[int, str]:
            n, cart = args
            held = send(
                n,
                "PUT",
                f"/carts/{cart}/checkout/delivery",
                {"optionId": "STANDARD:UPS_GROUND"},
                "choose",
            )
            if held.status_code != 200:
                return held.status_code, held.json()["error"]["code"]
            assert send(n, "PUT", f"/carts/{cart}/checkout/payment", CARD, "pay").status_code == 200
            placed = send(n, "POST", f"/carts/{cart}/order")
            return placed.status_code, placed.json().get("status") or placed.json()["error"]["code"]

        with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
            carts = list(pool.map(into_checkout, range(SHOPPERS)))
            outcomes = Counter(pool.map(race, enumerate(carts)))

    assert outcomes == Counter(
        {(201, "PLACED"): UNITS, (409, "INSUFFICIENT_STOCK"): SHOPPERS - UNITS}
    )
    (record,) = reg.inventory().repo.records_for_items([HOT])
    assert (record.quantity, record.reserved, record.holds) == (0, 0, {})
    orders = [reg.checkout().repo.read_order(_order_id(reg, c)) for c in carts]
    placed = [o.model for o in orders if o is not None]
    assert (len(placed), sum(ln.quantity for o in placed for ln in o.lines)) == (UNITS, UNITS)
    assert {o.status.value for o in placed} == {"PLACED"}


def _order_id(reg: Registry, cart_id: str) -> str:
    found = reg.checkout().repo.read_cart(cart_id)
    assert found is not None and found.model.checkout is not None
    return found.model.checkout.checkout_id
