"""Redis stops in the middle of traffic and comes back, through the devhost over HTTP.

The test starts its own redis-server on a free port and, while a reader hammers the
storefront from another thread, kills it by its PID (gone: refused, and back empty), then
later freezes it (SIGSTOP: every command runs into its deadline, and when it thaws it
still holds what it had, entries that writes during the outage made stale included).
After every acknowledged write the next read must show it: supply through
``GET /availability`` and the catalog's own copy of the stock (guarded by stock marks),
a product's name through GraphQL. No answer may be a 5xx. The breaker's clock is a
``ManualClock`` the test moves past the reset time once Redis answers again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import function_app
from devhost.testing import DevHostHandle, running_devhost
from shared import bootstrap
from shared.adapters.clock import ManualClock
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.catalog.demo.generator import build_product
from shared.catalog.demo.seed import seed_catalog_products
from shared.security import CATALOG_ADMIN, INVENTORY_ADMIN
from tests.conftest import TEST_SIGNING_KEY, embedded_settings
from tests.functions.inventory_client import node_body
from tests.redis_server import RedisProcess, missing_prerequisite

BOUND = 60.0
SKU = "SKU-000001-01"
RESET = 10.0
QUERY = (
    """{ product(productId: "prod-000001") { name variants { sku availability { available } } } }"""
)
ADMIN = {
    "Authorization": "Bearer "
    + mint_local_token(TEST_SIGNING_KEY, subject="it", roles=[CATALOG_ADMIN, INVENTORY_ADMIN])
}
DRAFT = build_product(1).model_dump(
    mode="json", by_alias=True, exclude={"product_id", "created_date", "modified_date", "version"}
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Registry, DevHostHandle, RedisProcess, ManualClock]]:
    problem = missing_prerequisite()
    if problem is not None:
        pytest.skip(problem)
    server = RedisProcess()
    server.start()
    clock = ManualClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    reg = Registry(
        embedded_settings(
            tmp_path,
            REDIS_URL=server.url,
            REDIS_TIMEOUT_SECONDS=0.2,
            CACHE_BREAKER_RESET_SECONDS=RESET,
        )
    )
    reg.override(clock=clock)
    try:
        with bootstrap.use_registry(reg), running_devhost(function_app.app) as handle:
            seed_catalog_products(reg.catalog(), 3)
            with httpx.Client(base_url=handle.base_url, timeout=BOUND) as client:
                client.put("/ship-nodes/DC1", json=node_body(), headers=ADMIN).raise_for_status()
            yield reg, handle, server, clock
    finally:
        server.kill()


class Reader(threading.Thread):
    """Storefront reads in a loop, counting statuses, until stopped."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.statuses: Counter[int] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=BOUND) as client:
            while not self.stop.is_set():
                self.statuses[client.get(f"/availability/{SKU}").status_code] += 1
                self.statuses[client.post("/graphql", json={"query": QUERY}).status_code] += 1


def written(i: int) -> tuple[str, int]:
    """What step ``i`` writes: the product's name and the SKU's quantity at DC1."""
    return f"Glow Lip Balm {i}", i % 40 + 1


def reads(client: httpx.Client, i: int) -> list[str]:
    """What a shopper reads must be what step ``i`` wrote (and was acknowledged)."""
    name, quantity = written(i)
    wrong = []
    available = client.get(f"/availability/{SKU}")
    if available.status_code != 200 or available.json()["network"]["available"] != quantity:
        wrong.append(f"{i}: availability {available.status_code} {available.text}")
    answer: dict[str, Any] = client.post("/graphql", json={"query": QUERY}).json()
    product = (answer.get("data") or {}).get("product") or {}
    variants = product.get("variants", [])
    seen = (product.get("name"), [v["availability"]["available"] for v in variants])
    if seen != (name, [quantity]) or answer.get("errors"):
        wrong.append(f"{i}: graphql {seen} {answer.get('errors')}, wrote {(name, quantity)}")
    return wrong


def step(client: httpx.Client, i: int) -> list[str]:
    """The last step's writes still read back (after whatever Redis did since), then
    one acknowledged write of each kind, and they read back at once."""
    wrong = reads(client, i - 1) if i else []
    name, quantity = written(i)
    put = client.put(f"/inventory/{SKU}/nodes/DC1", json={"quantity": quantity}, headers=ADMIN)
    renamed = client.put("/products/prod-000001", json={**DRAFT, "name": name}, headers=ADMIN)
    wrong += [f"{i}: {r.status_code} {r.text}" for r in (put, renamed) if r.status_code >= 300]
    return wrong + reads(client, i)


def test_no_5xx_and_no_stale_read_while_redis_stops_and_comes_back(
    served: tuple[Registry, DevHostHandle, RedisProcess, ManualClock],
) -> None:
    reg, host, server, clock = served
    reader = Reader(host.base_url)
    reader.start()
    outage: dict[int, Any] = {
        4: server.kill,
        8: server.start,
        10: lambda: clock.advance(RESET),
        14: server.pause,
        18: server.resume,
        20: lambda: clock.advance(RESET),
    }
    wrong: list[str] = []
    try:
        with httpx.Client(base_url=host.base_url, timeout=BOUND) as client:
            for i in range(26):
                if i in outage:
                    outage[i]()
                wrong += step(client, i)
    finally:
        reader.stop.set()
        reader.join(BOUND)
    assert wrong == []
    assert sorted(reader.statuses) == [200]
    assert reg.health()["cache"] == (True, "redis")
