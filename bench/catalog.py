"""Catalog GraphQL: latency of a product page and a listing page, and round trips.

Runs the ``graphql`` function in process on embedded documents, with the in-process
cache or, with ``--redis``, the local Redis. Seeds the demo catalog, inventory stock
for its SKUs and the sourcing demo, then prints p50/p99 for:

- product detail with 10 variants + availability + delivery options, cold (each
  product asked for the first time, nothing cached) and warm (asked again);
- a listing page of 50 products with a category and price filter, warm;
- listing pages of 50 products read for the first time (walking the price-sorted
  catalog with ``after``; the few products the rows above cached stay cached), cold;

each as a ratio to one raw ``get_many`` of the cache entries the query reads, timed in
the same run; and the backend round trips per query (document-store calls, cache
calls, inventory and sourcing lookups).

    python -m bench.catalog [--products 3000] [--rounds 200] [--redis]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import azure.functions as func

import function_app
from shared import bootstrap
from shared.bootstrap import Registry
from shared.catalog.cache import product_key
from shared.catalog.demo.generator import demo_skus, iter_products
from shared.catalog.demo.seed import seed_catalog_products
from shared.catalog.stock import availability_key, enterprise_mark_key, sku_mark_key
from shared.inventory.demo import seed_inventory_data
from shared.settings import Settings
from shared.sourcing.demo import seed_sourcing
from tests.counting import CallLog, Counted, CountedStore

ENTERPRISE = "BEAUTY_US"
DETAIL = """query($id: ID) @inContext(postalCode: "60601") { product(productId: $id) {
  productId name slug brand { name } category { name ancestors { slug } }
  priceRange { min { amount } max { amount } } media { url }
  variants { sku shade size price { amount currency } hazmat
    availability { status available } deliveryOptions { levelOfService deliveryDate } } } }"""
LISTING = """query { products(first: 50, sort: PRICE_ASC,
  filter: { categoryId: "cat-makeup", minPrice: "5", maxPrice: "200" }) {
  pageInfo { hasNextPage endCursor }
  edges { node { productId name brand { name } priceRange { min { amount } }
    media { url } variants { sku availability { status } } } } } }"""
COLD_LISTING = """query($after: String) { products(first: 50, after: $after, sort: PRICE_ASC) {
  pageInfo { hasNextPage endCursor }
  edges { node { productId name brand { name } priceRange { min { amount } }
    media { url } variants { sku availability { status } } } } } }"""


class Quiet:
    def note(self, message: str) -> None:
        del message

    def track(self, items: Any, description: str, total: int | None = None) -> Any:
        del description, total
        return items


@functools.cache
def graphql_trigger() -> Callable[[func.HttpRequest], func.HttpResponse]:
    return next(
        f.get_user_function()
        for f in function_app.app.get_functions()
        if f.get_function_name() == "graphql"
    )


def call(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    trigger = graphql_trigger()
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = func.HttpRequest(
        method="POST",
        url="http://localhost/api/graphql",
        body=body,
        headers={"Content-Type": "application/json"},
    )
    resp = trigger(req)
    out: dict[str, Any] = json.loads(resp.get_body())
    if "errors" in out:
        raise RuntimeError(out["errors"])
    return out


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def row(label: str, samples: list[float], raw: list[float], trips: str) -> None:
    p50, p99 = pct(samples, 50), pct(samples, 99)
    r50, r99 = pct(raw, 50), pct(raw, 99)
    print(
        f"{label:<34} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms   "
        f"x raw cache p50 {p50 / r50:6.1f}  p99 {p99 / r99:6.1f}   {trips}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    values: dict[str, Any] = {
        "LOCAL_DATA_DIR": tmp,
        "DOCUMENTS_PATH": tmp / "documents.db",
        "SQL_URL": f"sqlite:///{tmp / 'c.db'}",
        "CATALOG_SEED_PRODUCTS": args.products,
    }
    if args.redis:
        values.update(
            REDIS_URL="redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX=f"bench:{uuid.uuid4().hex[:8]}:"
        )
    settings = Settings(**values)
    seeding = Registry(settings)
    started = time.perf_counter()
    with bootstrap.use_registry(seeding):
        seed_catalog_products(seeding.catalog(), args.products, Quiet())
        seed_inventory_data(seeding.inventory(), ENTERPRISE, demo_skus(args.products))
        seed_sourcing(seeding, Quiet())
        documents, cache = seeding.documents(), seeding.cache()
        seeded = time.perf_counter() - started
        counts = CallLog()
        reg = Registry(settings)
        reg.override(
            documents=CountedStore(documents, counts),
            cache=Counted(cache, "cache", log=counts),
        )
    ten = [p for p in iter_products(args.products) if len(p.variants) == 10]
    cold_ids = [p.product_id for p in ten[: args.rounds]]
    print(
        f"catalog bench: {args.products} products seeded in {seeded:.1f} s; "
        f"cache={'redis' if args.redis else 'memory'}; {len(ten)} products with 10 variants; "
        f"{len(cold_ids)} cold / {args.rounds} warm / {args.rounds} listing rounds"
    )

    with bootstrap.use_registry(reg):
        call(DETAIL, {"id": ten[-1].product_id})  # schema, taxonomy, persisted pieces
        counts.clear()
        cold = [timed(functools.partial(call, DETAIL, {"id": pid})) for pid in cold_ids]
        cold_trips = _per_query(counts, len(cold_ids))
        hot = cold_ids[0]
        counts.clear()
        warm = [timed(lambda: call(DETAIL, {"id": hot})) for _ in range(args.rounds)]
        warm_trips = _per_query(counts, args.rounds)
        hot_skus = next(p for p in ten if p.product_id == hot).skus
        detail_keys = [product_key(hot), *stock_keys(hot_skus)]
        raw_detail = [timed(lambda: cache.get_many(detail_keys)) for _ in range(args.rounds)]

        page = call(LISTING)["data"]["products"]["edges"]
        listing_keys = [
            *(product_key(e["node"]["productId"]) for e in page),
            *stock_keys([v["sku"] for e in page for v in e["node"]["variants"]]),
        ]
        counts.clear()
        listing = [timed(lambda: call(LISTING)) for _ in range(args.rounds)]
        listing_trips = _per_query(counts, args.rounds)
        raw_listing = [timed(lambda: cache.get_many(listing_keys)) for _ in range(args.rounds)]
        counts.clear()
        cold_listing = cold_pages(args.rounds)
        cold_listing_trips = _per_query(counts, len(cold_listing))

    print(f"{'query':<34} {'latency':<34} {'ratio to raw cache reads':<34} round trips/query")
    row("product detail, 10 variants, cold", cold, raw_detail, cold_trips)
    row("product detail, 10 variants, warm", warm, raw_detail, warm_trips)
    row(
        f"listing 50 products ({len(listing_keys)} keys), warm", listing, raw_listing, listing_trips
    )
    row(
        f"listing 50 products, cold ({len(cold_listing)} pages)",
        cold_listing,
        raw_listing,
        cold_listing_trips,
    )
    print(
        f"raw cache get_many: detail {len(detail_keys)} keys p50 {pct(raw_detail, 50):.3f} ms; "
        f"listing {len(listing_keys)} keys p50 {pct(raw_listing, 50):.3f} ms"
    )
    seeding.close()


def stock_keys(skus: Sequence[str]) -> list[str]:
    """What the catalog reads for the availability of ``skus``: each entry with its
    SKU's stock mark, and the enterprise's mark."""
    entries = [availability_key(ENTERPRISE, s) for s in skus]
    return [*entries, *(sku_mark_key(s) for s in skus), enterprise_mark_key(ENTERPRISE)]


def cold_pages(rounds: int) -> list[float]:
    """Latency of each page of the price-sorted catalog, each read once."""
    samples: list[float] = []
    after: str | None = None
    for _ in range(rounds):
        start = time.perf_counter()
        page = call(COLD_LISTING, {"after": after})["data"]["products"]
        samples.append((time.perf_counter() - start) * 1000)
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    return samples


def _per_query(counts: CallLog, queries: int) -> str:
    calls = counts.calls
    store = sum(1 for c in calls if c.target != "cache")
    reads = sum(1 for c in calls if c.target == "cache" and c.method in ("get", "get_many"))
    writes = sum(1 for c in calls if c.target == "cache" and c.method.startswith("set"))
    return (
        f"store {store / queries:.1f}, cache reads {reads / queries:.1f}, "
        f"cache writes {writes / queries:.1f}"
    )


if __name__ == "__main__":
    main()
