"""A catalog on embedded adapters with in-memory inventory and sourcing lookups.

The lookups are real implementations of the catalog's Protocols (not mocks); every port
handed to the service is wrapped in ``Counted`` (tests/counting.py) so tests can assert round trips.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import azure.functions as func

from shared.bootstrap import Registry
from shared.catalog.cache import CacheTtls
from shared.catalog.demo.generator import iter_products
from shared.catalog.demo.seed import seed_catalog_products
from shared.catalog.lookups import DeliveryPromise, DeliveryQuery, StockLevel
from shared.catalog.service import CatalogOptions, CatalogService
from shared.catalog.sources.local import LocalCatalogSource
from shared.errors import Unavailable
from tests.counting import Counted
from tests.http_client import build_request, user_functions

FUNCTIONS = user_functions()


@dataclass
class MemoryStock:
    """Inventory as a dict: SKU -> (status, available); unknown SKUs are absent."""

    levels: dict[str, StockLevel] = field(default_factory=dict)
    failing: bool = False
    enterprises: list[str] = field(default_factory=list)

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        self.enterprises.append(enterprise_code)
        if self.failing:
            raise ConnectionError("inventory at 10.1.2.3:443 refused: password=hunter2")
        return {s: self.levels[s] for s in skus if s in self.levels}


@dataclass
class MemoryPromises:
    """Standard in 5 days, next-day (no hazmat) in 1; dates from a fixed order day."""

    order_day: date = date(2026, 3, 2)
    failing: bool = False
    seen: list[DeliveryQuery] = field(default_factory=list)

    def get_delivery_promises(
        self, enterprise_code: str, queries: Sequence[DeliveryQuery]
    ) -> Mapping[DeliveryQuery, Sequence[DeliveryPromise]]:
        if self.failing:
            raise Unavailable("sourcing store unreachable")
        self.seen.extend(queries)
        out: dict[DeliveryQuery, Sequence[DeliveryPromise]] = {}
        for q in queries:
            options = [
                DeliveryPromise(
                    "STANDARD", "UPS_GROUND", self.order_day + timedelta(days=5), "ESTIMATED"
                )
            ]
            if not q.hazmat:
                options.append(
                    DeliveryPromise(
                        "NEXT_DAY", "UPS_NDA", self.order_day + timedelta(days=1), "GUARANTEED"
                    )
                )
            out[q] = options
        return out


@dataclass
class Harness:
    registry: Registry
    service: CatalogService
    source: Counted
    stock: Counted
    promises: Counted
    memory_stock: MemoryStock
    memory_promises: MemoryPromises

    def reset_counts(self) -> None:
        for c in (self.source, self.stock, self.promises):
            c.calls.clear()


def default_levels(count: int) -> dict[str, StockLevel]:
    """Every third product out of stock, every fifth low, the rest in stock."""
    levels: dict[str, StockLevel] = {}
    for product in iter_products(count):
        n = int(product.product_id.removeprefix("prod-"))
        for sku in product.skus:
            if n % 3 == 0:
                levels[sku] = StockLevel("OUT_OF_STOCK", 0)
            elif n % 5 == 0:
                levels[sku] = StockLevel("LOW_STOCK", 2)
            else:
                levels[sku] = StockLevel("IN_STOCK", 50)
    return levels


def build_harness(
    registry: Registry, count: int = 60, options: CatalogOptions | None = None
) -> Harness:
    local = LocalCatalogSource(registry.documents(), "products")
    memory_stock = MemoryStock(default_levels(count))
    memory_promises = MemoryPromises()
    source, stock, promises = Counted(local), Counted(memory_stock), Counted(memory_promises)
    service = CatalogService(
        source,  # type: ignore[arg-type]
        registry.cache(),
        registry.events(),
        clock=registry.clock(),
        availability=stock,  # type: ignore[arg-type]
        delivery=promises,  # type: ignore[arg-type]
        options=options or CatalogOptions.from_settings(registry.settings),
        ttls=CacheTtls.from_settings(registry.settings),
    )
    seed_catalog_products(service, count)
    registry.override(catalog=service)
    harness = Harness(registry, service, source, stock, promises, memory_stock, memory_promises)
    harness.reset_counts()
    return harness


def http(
    method: str,
    route: str,
    *,
    body: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    function: str = "graphql",
    route_params: dict[str, str] | None = None,
) -> func.HttpResponse:
    req = build_request(
        method, route, body=body, params=params, headers=headers, route=route_params
    )
    response: func.HttpResponse = FUNCTIONS[function](req)
    return response


def gql(query: str, variables: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """POST a document; returns the decoded body (status checked by the caller via
    ``gql_response`` when it matters)."""
    body: dict[str, Any] = {"query": query, **extra}
    if variables is not None:
        body["variables"] = variables
    resp = http("POST", "graphql", body=body)
    decoded: dict[str, Any] = json.loads(resp.get_body())
    decoded["_status"] = resp.status_code
    return decoded
