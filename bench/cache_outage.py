"""Request latency with the cache up, down (bypassed) and absent, in one run.

Runs ``GET /availability/{sku}`` and a GraphQL product page (the product, its variants
and their availability) in process, on embedded documents seeded with the demo catalog
and its stock, against:

- ``redis up``: a redis-server this bench starts on a free port, warm;
- ``redis down``: the same server killed by its PID, the breaker open: every read a miss
  that goes to the store, every write skipped (the figure a Redis outage now costs);
- ``redis frozen, opening``: the server frozen (SIGSTOP): the first requests, whose cache
  calls each run into ``REDIS_TIMEOUT_SECONDS`` until the breaker opens (the worst a
  request pays in an outage), then the same as down;
- ``no cache``: a Cache that holds nothing (each read a miss, each write dropped): the
  floor the bypass is measured against;
- ``memory``: the in-process cache, for reference.

    python -m bench.cache_outage [--products 200] [--rounds 300]
"""

from __future__ import annotations

import argparse
import builtins
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import azure.functions as func

from shared import bootstrap
from shared.bootstrap import Registry
from shared.catalog.demo.generator import demo_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.inventory.demo import seed_inventory_data
from shared.settings import Settings
from tests.http_client import build_request, function
from tests.redis_server import RedisProcess

PRODUCT = """query($id: ID) { product(productId: $id) {
  productId name variants { sku price { amount } availability { status available } } } }"""


class NoCache:
    """The Cache port holding nothing: what the stores cost with no cache at all."""

    def get(self, key: str) -> Any | None:
        return None

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        return {}

    def get_versioned(self, key: str) -> tuple[Any, int | None] | None:
        return None

    def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        return None

    def set_many(self, entries: Mapping[str, Any], ttl_seconds: int | None = None) -> None:
        return None

    def set_if_newer(
        self, key: str, value: Any, version: int, ttl_seconds: int | None = None
    ) -> bool:
        return False

    def set_many_if_newer(
        self, entries: Mapping[str, tuple[Any, int]], ttl_seconds: int | None = None
    ) -> builtins.set[str]:
        return builtins.set()

    def delete(self, key: str) -> None:
        return None

    def delete_many(self, keys: Sequence[str]) -> None:
        return None

    def clear(self) -> None:
        return None

    def check(self) -> str:
        return "none"


def settings(root: Path, **values: object) -> Settings:
    return Settings(
        LOCAL_DATA_DIR=root,
        SQL_URL=f"sqlite:///{root / 'confighub.db'}",
        DOCUMENTS_PATH=root / "documents.db",
        AUTH_LOCAL_SIGNING_KEY="bench-signing-key-0123456789-abcdefghijklmnop",
        **values,  # type: ignore[arg-type]
    )


def requests(products: int) -> list[tuple[str, Callable[[], func.HttpResponse]]]:
    availability, graphql = function("get_availability"), function("graphql")
    skus = demo_skus(products)
    out: list[tuple[str, Callable[[], func.HttpResponse]]] = []
    for n, sku in enumerate(skus):
        req = build_request("GET", f"availability/{sku}", route={"itemId": sku})
        out.append(("availability", lambda r=req: availability(r)))
        body = {"query": PRODUCT, "variables": {"id": f"prod-{n % products + 1:06d}"}}
        gql = build_request("POST", "graphql", body=body)
        out.append(("product page", lambda r=gql: graphql(r)))
    return out


def timed(
    calls: list[tuple[str, Callable[[], func.HttpResponse]]], rounds: int
) -> dict[str, list[float]]:
    """Milliseconds per request, by route; every answer must be a 200."""
    times: dict[str, list[float]] = {}
    for i in range(rounds):
        name, call = calls[i % len(calls)]
        start = time.perf_counter()
        response = call()
        times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{name} answered {response.status_code}: {response.get_body()!r}")
    return times


def report(label: str, times: Mapping[str, list[float]]) -> None:
    for name, values in sorted(times.items()):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(
            f"{label:26} {name:13} p50 {statistics.median(ordered):7.2f} ms"
            f"  p95 {p95:7.2f} ms  max {ordered[-1]:7.2f} ms  (n={len(ordered)})"
        )


def scenario(reg: Registry, calls: Any, rounds: int) -> dict[str, list[float]]:
    with bootstrap.use_registry(reg):
        timed(calls, len(calls))  # warm: every key asked once
        return timed(calls, rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-cache-outage-"))
    seeder = Registry(settings(root))
    with bootstrap.use_registry(seeder):
        seed_catalog_products(seeder.catalog(), args.products)
        seed_inventory_data(seeder.inventory(), "BEAUTY_US", demo_skus(args.products))
    calls = requests(args.products)
    report("memory", scenario(Registry(settings(root)), calls, args.rounds))
    none = Registry(settings(root))
    none.override(cache=NoCache())
    report("no cache", scenario(none, calls, args.rounds))
    server = RedisProcess()
    server.start()
    try:
        up = Registry(settings(root, REDIS_URL=server.url))
        report("redis up", scenario(up, calls, args.rounds))
        frozen = Registry(settings(root, REDIS_URL=server.url))
        with bootstrap.use_registry(frozen):
            timed(calls, len(calls))
            server.pause()
            report("redis frozen, opening", timed(calls, 4))
        server.resume()
        server.kill()
        down = Registry(settings(root, REDIS_URL=server.url))
        report("redis down (bypassed)", scenario(down, calls, args.rounds))
    finally:
        server.kill()
    print(
        "redis down: a refused connection fails at once and the breaker opens after "
        f"{seeder.settings.cache_breaker_failures} failures; a frozen Redis costs "
        f"{seeder.settings.redis_timeout_seconds:g} s per cache call until it has opened"
    )


if __name__ == "__main__":
    main()
