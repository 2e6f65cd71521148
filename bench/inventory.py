"""Inventory figures the issue asks for, on the embedded store and on cosmosdb-server.

- availability read p50/p99, cached and uncached, and their ratio to one raw point read;
- batch availability for 200 items: store and cache round trips, cold and warm;
- reservation throughput with 16 concurrent clients on one hot SKU, and units oversold;
- change-feed processing rate for a batch of 1,000 changed documents.

cosmosdb-server is an in-memory Node server (started from node_modules through
tests/cosmos_server.py, or ``TEST_COSMOS_ENDPOINT``): its figures show client and
protocol overhead, not Cosmos DB latency. The cache is the in-process one unless
``REDIS_URL`` is set.

    .venv/bin/python -m bench.inventory [embedded|cosmos ...]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.bootstrap import Registry
from shared.errors import Conflict
from shared.inventory.model import (
    Location,
    NodeType,
    ReservationLine,
    ReserveInventory,
    ShipNodeSpec,
    SupplySpec,
)
from shared.inventory.rules import supply_id
from shared.inventory.service import InventoryService, supply_cache_key
from shared.inventory.stored import SUPPLY_PARTITION
from shared.ports import ContainerSpec, DocumentContainer
from tests import cosmos_server
from tests.conftest import embedded_settings
from tests.counting import CallLog, Counted, CountedStore

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
ENTERPRISE = "BEAUTY_US"
LOC = Location(latitude=40.5, longitude=-74.4, postal_code="08817", state="NJ")


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(operation: Callable[[int], Any], rounds: int = ROUNDS) -> list[float]:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        operation(i)
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


@contextmanager
def registry_for(store: str, tmp: Path) -> Iterator[Registry]:
    overrides: dict[str, object] = {}
    if os.environ.get("REDIS_URL"):
        overrides["REDIS_URL"] = os.environ["REDIS_URL"]
        overrides["REDIS_KEY_PREFIX"] = f"bench:{uuid.uuid4().hex[:8]}:"
    if store == "embedded":
        reg = Registry(embedded_settings(tmp, **overrides))
        yield reg
        reg.close()
        return
    with cosmos_server.running_cosmos_server() as endpoint:
        reg = Registry(
            embedded_settings(
                tmp,
                COSMOS_ENDPOINT=endpoint,
                COSMOS_KEY=cosmos_server.EMULATOR_KEY,
                COSMOS_VERIFY_TLS=False,
                COSMOS_CREATE_CONTAINERS=True,
                COSMOS_DATABASE=f"bench{uuid.uuid4().hex[:8]}",
                **overrides,
            )
        )
        yield reg
        reg.close()


def counted_service(reg: Registry) -> tuple[InventoryService, CallLog, CallLog]:
    """A second inventory built by the composition root over counted store and cache."""
    store_calls, cache_calls = CallLog(), CallLog()
    counted = Registry(reg.settings)
    counted.override(
        documents=CountedStore(reg.documents(), store_calls),
        cache=Counted(reg.cache(), "cache", log=cache_calls),
        events=reg.events(),
        clock=reg.clock(),
    )
    return counted.inventory(), store_calls, cache_calls


def supply_container(reg: Registry) -> DocumentContainer:
    """The raw ``inventory`` container: the baseline reads and the bulk seeding."""
    spec = ContainerSpec(reg.settings.cosmos_container_inventory, SUPPLY_PARTITION)
    return reg.documents().container(spec)


def seed(reg: Registry, items: int) -> list[str]:
    svc = reg.inventory()
    for node, kind in (("DC1", NodeType.DC), ("DC2", NodeType.DC), ("S1", NodeType.STORE)):
        spec = ShipNodeSpec(
            name=node,
            enterprise_code=ENTERPRISE,
            node_type=kind,
            time_zone="America/New_York",
            location=LOC,
        )
        svc.nodes.put_node(node, spec, "bench")
    ids = [f"B{n:05d}" for n in range(items)]
    container = supply_container(reg)
    for item in ids:
        for node in ("DC1", "DC2", "S1"):
            container.create(
                {
                    "id": supply_id(item, node),
                    "docType": "supply",
                    "itemId": item,
                    "shipNode": node,
                    "enterpriseCode": ENTERPRISE,
                    "quantity": 40,
                    "reserved": 0,
                    "safetyStock": 0,
                    "threshold": 5,
                    "infinite": False,
                    "holds": {},
                    "version": 1,
                }
            )
    return ids


def bench_reads(reg: Registry, ids: list[str]) -> None:
    svc = reg.inventory()
    container = supply_container(reg)
    cache = reg.cache()
    raw = timed(lambda i: container.read(supply_id(ids[i % len(ids)], "DC1"), ids[i % len(ids)]))
    cold = timed(
        lambda i: (
            cache.delete(supply_cache_key(ids[i % len(ids)])),
            svc.availability.get_views([ids[i % len(ids)]]),
        )
    )
    svc.availability.get_views(ids[:50])
    warm = timed(lambda i: svc.availability.get_views([ids[i % 50]]))
    raw50, raw99 = percentiles(raw)
    print(f"  raw point read            p50 {raw50:8.0f} us   p99 {raw99:8.0f} us")
    for label, samples in (("uncached", cold), ("cached", warm)):
        p50, p99 = percentiles(samples)
        print(
            f"  availability {label:<12} p50 {p50:8.0f} us   p99 {p99:8.0f} us"
            f"   ({p50 / raw50:.2f}x a raw read)"
        )


def bench_batch(reg: Registry, ids: list[str]) -> None:
    svc, store_calls, cache_calls = counted_service(reg)
    batch = ids[:200]
    reg.cache().delete_many([supply_cache_key(i) for i in batch])
    reg.cache().delete(f"inventory:nodes:{ENTERPRISE}")
    store_calls.clear()
    cache_calls.clear()
    start = time.perf_counter()
    answers = svc.availability.get_views(batch)
    cold_ms = (time.perf_counter() - start) * 1e3
    cold_store, cold_cache = store_calls.total, cache_calls.total
    cold_kinds = dict(store_calls.by_method())
    store_calls.clear()
    cache_calls.clear()
    start = time.perf_counter()
    svc.availability.get_views(batch)
    warm_ms = (time.perf_counter() - start) * 1e3
    assert len(answers) == 200
    print(
        f"  batch of 200 items, cold  {cold_ms:7.1f} ms   store round trips {cold_store}"
        f" {cold_kinds}, cache round trips {cold_cache}"
    )
    print(
        f"  batch of 200 items, warm  {warm_ms:7.1f} ms   store round trips"
        f" {store_calls.total}, cache round trips {cache_calls.total}"
    )


def bench_reservations(reg: Registry, clients: int = 16, stock: int = 400) -> None:
    svc = reg.inventory()
    svc.supply.set_supply("HOT", "DC1", SupplySpec(quantity=stock), "bench")
    attempts = stock * 2
    outcome: Counter[str] = Counter()
    lock = threading.Lock()

    def one(n: int) -> None:
        qty = 1 + n % 3
        request = ReserveInventory(
            reservation_id=f"hot-{n}",
            enterprise_code=ENTERPRISE,
            lines=(ReservationLine(item_id="HOT", quantity=qty, ship_node="DC1"),),
        )
        try:
            svc.reservations.reserve(request)
            key = "held"
        except Conflict:
            key, qty = "rejected", 0
        with lock:
            outcome[key] += 1
            outcome["units"] += qty

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(attempts)))
    elapsed = time.perf_counter() - start
    record = svc.supply.get_supply("HOT", "DC1")
    held_in_doc = sum(h.quantity for h in record.holds.values())
    oversold = max(0, outcome["units"] - stock) + max(0, record.reserved - stock)
    print(
        f"  {clients} clients, one hot SKU  {attempts / elapsed:7.0f} reservations/s"
        f"   ({outcome['held']} held, {outcome['rejected']} rejected,"
        f" {outcome['units']}/{stock} units held, reserved {record.reserved},"
        f" holds {held_in_doc})   oversold: {oversold}"
    )


def bench_change_feed(reg: Registry, count: int = 1000) -> None:
    svc = reg.inventory()
    container = supply_container(reg)
    docs = []
    for n in range(count):
        item = f"CF{n:05d}"
        docs.append(
            container.create(
                {
                    "id": supply_id(item, "DC1"),
                    "docType": "supply",
                    "itemId": item,
                    "shipNode": "DC1",
                    "enterpriseCode": ENTERPRISE,
                    "quantity": 3 + n % 7,
                    "reserved": 0,
                    "safetyStock": 0,
                    "threshold": 4,
                    "infinite": False,
                    "holds": {},
                    "version": 1,
                }
            )
        )
    svc.feed.process(docs)
    changed = [
        container.replace(
            {k: v for k, v in d.items() if not k.startswith("_")} | {"quantity": 0, "version": 2}
        )
        for d in docs
    ]
    start = time.perf_counter()
    result = svc.feed.process(changed)
    elapsed = time.perf_counter() - start
    print(
        f"  change feed, {count} docs      {count / elapsed:7.0f} docs/s   ({elapsed * 1e3:.0f} ms;"
        f" {result.published} events of which {result.boundaries} OutOfStock)"
    )


def main(stores: Sequence[str]) -> None:
    warnings.filterwarnings("ignore")
    for store in stores:
        if store == "cosmos" and cosmos_server.missing_prerequisite():
            print(f"cosmos: skipped ({cosmos_server.missing_prerequisite()})")
            continue
        with tempfile.TemporaryDirectory() as tmp, registry_for(store, Path(tmp)) as reg:
            print(f"{store} store, {type(reg.cache()).__name__}, {ROUNDS} rounds:")
            ids = seed(reg, 250)
            bench_reads(reg, ids)
            bench_batch(reg, ids)
            bench_reservations(reg)
            bench_change_feed(reg)


if __name__ == "__main__":
    main(sys.argv[1:] or ["embedded", "cosmos"])
