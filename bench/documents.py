"""DocumentStore adapters: what one operation costs, and how a hot stock item behaves.

Prints the median microseconds per operation on the embedded SQLite store and on
cosmosdb-server (started from node_modules through tests/cosmos_server.py, or
``TEST_COSMOS_ENDPOINT``), then the throughput of conditional decrements of one document
from 8 threads, the reservation hot path. cosmosdb-server is an in-memory Node server:
its figures show client overhead, not Cosmos DB latency.

    .venv/bin/python -m bench.documents
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shared.adapters.documents_cosmos import CosmosDocumentStore
from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.errors import PreconditionFailed
from shared.ports import ContainerSpec, DocumentStore, Filter, PatchOp, Query
from tests import cosmos_server

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
SPEC = ContainerSpec("inventory", "/sku")


def per_op_us(operation: Callable[[int], Any], rounds: int = ROUNDS) -> float:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        operation(i)
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def hot_item(store: DocumentStore, threads: int = 8, stock: int = 400) -> tuple[float, int]:
    """Conditional decrements per second on one document, and how many succeeded."""
    container = store.container(SPEC)
    container.upsert({"id": "hot", "sku": "HOT", "available": stock})
    done: list[int] = []

    def worker() -> None:
        ok = 0
        while True:
            try:
                container.patch(
                    "hot",
                    "HOT",
                    [PatchOp("incr", "available", -1)],
                    condition=(Filter("available", ">=", 1),),
                )
                ok += 1
            except PreconditionFailed:
                break
        done.append(ok)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return stock / (time.perf_counter() - start), sum(done)


def bench(name: str, store: DocumentStore) -> None:
    container = store.container(SPEC)
    doc = {"sku": "S", "available": 10, "nodes": [{"id": f"n{i}", "qty": i} for i in range(10)]}
    figures = {
        "create": per_op_us(
            lambda i: container.create({**doc, "id": f"c{i}", "sku": f"S{i % 20}"})
        ),
        "read": per_op_us(lambda i: container.read(f"c{i}", f"S{i % 20}")),
        "upsert": per_op_us(
            lambda i: container.upsert({**doc, "id": f"c{i}", "sku": f"S{i % 20}"})
        ),
        "conditional patch": per_op_us(
            lambda i: container.patch(
                f"c{i}",
                f"S{i % 20}",
                [PatchOp("incr", "available", -1)],
                condition=(Filter("available", ">=", 1),),
            )
        ),
        "read_many(20)": per_op_us(
            lambda i: container.read_many(
                [(f"c{j}", f"S{j % 20}") for j in range(i % 50, i % 50 + 20)]
            ),
            rounds=ROUNDS // 5,
        ),
        "query in partition": per_op_us(
            lambda i: container.query(
                Query(filters=(Filter("available", ">=", 5),), limit=10), partition_key=f"S{i % 20}"
            ),
            rounds=ROUNDS // 5,
        ),
    }
    for label, micros in figures.items():
        print(f"{name:>10}  {label:<20} {micros:10.0f} us/op")
    rate, succeeded = hot_item(store)
    print(f"{name:>10}  {'hot item, 8 threads':<20} {rate:10.0f} decrements/s ({succeeded} of 400)")


def per_query_ms(run: Callable[[], Any], rounds: int = 30) -> str:
    first = per_op_us(lambda _: run(), rounds=1) / 1000
    median = per_op_us(lambda _: run(), rounds=rounds) / 1000
    return f"first {first:7.2f} ms   median {median:7.2f} ms"


def bench_scale(store: DocumentStore, nodes: int = 46, items: int = 6700) -> None:
    """The queries the contexts run across partitions, at the size of the demo data."""
    supply = store.container(ContainerSpec("scale_supply", "/itemId"))
    for item in range(items):
        for k in range(5):
            node = (item * 7 + k) % nodes
            supply.upsert(
                {
                    "id": f"I{item:05d}:N{node}",
                    "docType": "supply",
                    "itemId": f"I{item:05d}",
                    "shipNode": f"N{node}",
                    "quantity": item % 13,
                    "reserved": 0,
                }
            )
    wanted = [f"I{item:05d}" for item in range(0, items, items // 200)][:200]
    batch = Query(filters=(Filter("docType", "=", "supply"), Filter("itemId", "in", wanted)))
    found = len(supply.query(batch))
    print(
        f"{'embedded':>10}  {'in 200 item ids':<20} {per_query_ms(lambda: supply.query(batch))}"
        f"   ({found} of {items * 5} documents)"
    )
    products = store.container(ContainerSpec("scale_products", "/pk"))
    for n in range(3000):
        products.upsert(
            {
                "id": f"P{n:05d}",
                "pk": f"P{n:05d}",
                "docType": "product",
                "categoryPath": ["cat-all", f"cat-{n % 7}"],
                "priceKey": {"USD": f"{(n * 7919) % 100000:012d}|P{n:05d}"},
            }
        )
    for offset in (0, 200, 400):
        page = Query(
            filters=(
                Filter("docType", "=", "product"),
                Filter("categoryPath", "array_contains", "cat-3"),
            ),
            order_by=(("priceKey.USD", False),),
            limit=50,
            offset=offset,
        )
        label = f"sorted page @{offset}"
        figures = per_query_ms(functools.partial(products.query, page))
        print(f"{'embedded':>10}  {label:<20} {figures}   (50 of 3000 documents, 429 match)")


def main(stores: Sequence[str]) -> None:
    warnings.simplefilter("ignore")
    if "embedded" in stores:
        with tempfile.TemporaryDirectory() as tmp:
            embedded = EmbeddedDocumentStore(Path(tmp) / "bench.db")
            bench("embedded", embedded)
            bench_scale(embedded)
            embedded.close()
    if "cosmos" not in stores:
        return
    problem = cosmos_server.missing_prerequisite()
    if problem is not None:
        print(f"cosmosdb-server skipped: {problem}")
        return
    with cosmos_server.running_cosmos_server() as endpoint:
        cosmos = CosmosDocumentStore(
            endpoint,
            credential=cosmos_server.EMULATOR_KEY,
            database=f"bench_{uuid.uuid4().hex[:8]}",
            verify_tls=False,
            create_containers=True,
        )
        bench("cosmos", cosmos)
        cosmos.close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["embedded", "cosmos"])
