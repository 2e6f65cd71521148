"""The catalog through the devhost over HTTP, wired to the real inventory and sourcing.

A product update (admin PUT) and an inventory update (supply PUT) are both visible to
the very next storefront query, before the devhost has delivered ``ProductChanged``,
run the change feed or delivered ``InventoryChanged``; and still after all of that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import function_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.catalog.demo.generator import build_product, demo_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.inventory.demo import seed_inventory_data
from shared.security import CATALOG_ADMIN, INVENTORY_ADMIN
from shared.sourcing.demo import seed_sourcing
from tests.conftest import TEST_SIGNING_KEY, embedded_settings

BOUND = 60.0
SKU = "SKU-000001-01"
QUERY = """query @inContext(postalCode: "10001") { product(productId: "prod-000001") {
  name version variants { sku availability { status available }
  deliveryOptions { levelOfService deliveryDate } } } }"""


class Quiet:
    def note(self, message: str) -> None:
        del message


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Registry, DevHostHandle]]:
    reg = Registry(embedded_settings(tmp_path))
    with bootstrap.use_registry(reg), running_devhost(function_app.app) as handle:
        seed_catalog_products(reg.catalog(), 20)
        seed_inventory_data(reg.inventory(), "BEAUTY_US", demo_skus(20))
        seed_sourcing(reg, Quiet())
        handle.drain(BOUND)
        yield reg, handle


def token(*roles: str) -> str:
    return "Bearer " + mint_local_token(TEST_SIGNING_KEY, subject="it", roles=roles)


def ask(client: httpx.Client) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": QUERY})
    assert resp.status_code == 200
    body: dict[str, Any] = resp.json()
    assert "errors" not in body, body["errors"]
    product: dict[str, Any] = body["data"]["product"]
    return product


def network(reg: Registry) -> dict[str, Any]:
    [view] = reg.inventory().availability.get_views([SKU], "BEAUTY_US")
    return {"status": view.network.status.value, "available": view.network.available}


def test_next_query_sees_a_product_update_and_an_inventory_update(
    served: tuple[Registry, DevHostHandle],
) -> None:
    reg, host = served
    with httpx.Client(base_url=host.base_url, timeout=BOUND) as client:
        before = ask(client)
        assert (before["name"], before["version"]) == ("Glow Lip Balm", 1)
        [variant] = before["variants"]
        assert variant["availability"] == network(reg)
        assert variant["deliveryOptions"], "sourcing promised no delivery for a stocked SKU"

        draft = build_product(1).model_dump(
            mode="json",
            by_alias=True,
            exclude={"product_id", "created_date", "modified_date", "version"},
        )
        put = client.put(
            "/products/prod-000001",
            json={**draft, "name": "Glow Lip Balm Tinted"},
            headers={"Authorization": token(CATALOG_ADMIN)},
        )
        assert put.status_code == 200
        for other in (
            reg.inventory().availability.get_availability_many([SKU], "BEAUTY_US")[SKU].nodes
        ):
            client.put(
                f"/inventory/{SKU}/nodes/{other.ship_node}",
                json={"quantity": 0},
                headers={"Authorization": token(INVENTORY_ADMIN)},
            ).raise_for_status()

        after = ask(client)
        assert (after["name"], after["version"]) == ("Glow Lip Balm Tinted", 2)
        assert after["variants"][0]["availability"] == {"status": "OUT_OF_STOCK", "available": 0}
        assert network(reg) == {"status": "OUT_OF_STOCK", "available": 0}

        host.drain(BOUND)
        settled = ask(client)
        assert (settled["name"], settled["version"]) == ("Glow Lip Balm Tinted", 2)
        assert settled["variants"][0]["availability"] == {"status": "OUT_OF_STOCK", "available": 0}


def test_product_changes_made_while_the_bus_is_down_arrive_once_it_is_back(
    served: tuple[Registry, DevHostHandle],
) -> None:
    """Through the devhost's change-feed pump: N admin writes with the bus down answer
    200 and send nothing; the pump retries the feed's batch, and once the bus is back
    exactly N ``ProductChanged`` arrive, one per product, at the version written."""
    reg, host = served
    bus: Any = reg.events()
    hub = "product-catalog-updates"
    start = bus.end_offset(hub)
    products = [3, 1, 4]
    bus.pause()
    with httpx.Client(base_url=host.base_url, timeout=BOUND) as client:
        for n in products:
            body = build_product(n).model_dump(
                mode="json",
                by_alias=True,
                exclude={"product_id", "created_date", "modified_date", "version"},
            )
            put = client.put(
                f"/products/prod-{n:06d}",
                json={**body, "name": f"Renamed {n}"},
                headers={"Authorization": token(CATALOG_ADMIN)},
            )
            assert (put.status_code, put.headers["ETag"]) == (200, '"2"')
    with pytest.raises(TimeoutError):
        host.drain(0.5)
    assert bus.end_offset(hub) == start
    bus.resume()
    host.drain(BOUND)
    events = [r.body for r in bus.read(hub, start, 1000)]
    assert [(e["eventType"], e["subject"], e["version"]) for e in events] == [
        ("ProductChanged", f"prod-{n:06d}", 2) for n in products
    ]
