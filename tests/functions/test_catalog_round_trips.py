"""Round trips per port for a listing page with availability and delivery promises,
through the real inventory and sourcing services: they must not grow with the page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from shared import bootstrap
from shared.bootstrap import Registry
from shared.catalog.demo.generator import demo_skus
from shared.catalog.demo.seed import seed_catalog_products
from shared.inventory.demo import seed_inventory_data
from shared.inventory.service import supply_cache_key
from shared.sourcing.demo import seed_sourcing
from tests.conftest import embedded_settings
from tests.counting import CallLog, Counted, CountedStore
from tests.functions.catalog_helpers import gql

PAGE = """query($n: Int) @inContext(postalCode: "60601") { products(first: $n) { edges { node {
  productId variants { sku availability { status } deliveryOptions { levelOfService } } } } } }"""
WRITES = {"cache.set_many_if_newer": 3, "cache.set": 4}
"""A cold page writes its products, the catalog's availability entries and inventory's
supply entries in one batch each, whatever the page size; plus inventory's node list, and
the Spring environment sourcing reads its free-shipping thresholds from (the entry and
the generation stamps of its two applications)."""


class Quiet:
    def note(self, message: str) -> None:
        del message


def round_trips(tmp_path: Path, first: int) -> tuple[Counter[str], Counter[str], int]:
    reg = Registry(embedded_settings(tmp_path))
    with bootstrap.use_registry(reg):
        seed_catalog_products(reg.catalog(), 60)
        seed_inventory_data(reg.inventory(), "BEAUTY_US", demo_skus(60))
        seed_sourcing(reg, Quiet())
        # the seed's writes left inventory's records cached; the page is measured cold
        reg.cache().delete_many([supply_cache_key(sku) for sku in demo_skus(60)])
        store_log, cache_log = CallLog(), CallLog()
        fresh = Registry(embedded_settings(tmp_path))
        fresh.override(
            documents=CountedStore(reg.documents(), store_log),
            cache=Counted(reg.cache(), "cache", log=cache_log),
        )
    with bootstrap.use_registry(fresh):
        result = gql(PAGE, {"n": first})
        assert "errors" not in result, result.get("errors")
        edges = result["data"]["products"]["edges"]
        variants = sum(len(e["node"]["variants"]) for e in edges)
        assert len(edges) == first
        assert all(v["availability"] for e in edges for v in e["node"]["variants"])
    return store_log.by_target(), cache_log.by_target(), variants


@pytest.mark.parametrize("first", [10, 50], ids=lambda n: f"page-{n}")
def test_store_round_trips_are_the_same_for_10_and_50_products(tmp_path: Path, first: int) -> None:
    small, small_cache, small_variants = round_trips(tmp_path / "a", 10)
    large, large_cache, large_variants = round_trips(tmp_path / "b", first)
    assert large_variants >= small_variants
    assert large == small
    assert dict(large) == {
        "products.query": 1,
        "products.read_many": 1,
        "ship_nodes.query": 1,
        "inventory.query": 1,
        "carrier_services.query": 1,
        "sourcing_rules.query": 1,
        "node_capacity.query": 1,
    }
    reads = ("get", "get_many", "get_versioned")
    assert {k: v for k, v in large_cache.items() if k.split(".")[1] in reads} == {
        k: v for k, v in small_cache.items() if k.split(".")[1] in reads
    }
    writes = [
        {k: v for k, v in counts.items() if k.split(".")[1].startswith("set")}
        for counts in (small_cache, large_cache)
    ]
    assert writes == [WRITES, WRITES]
