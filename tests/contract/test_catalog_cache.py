"""The catalog's read-through cache on both Cache adapters (in-process and Redis)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.catalog.cache import CacheTtls, CatalogCache, product_key
from shared.catalog.generator import build_brands, build_categories, build_product, iter_products
from shared.catalog.local_source import LocalCatalogSource
from shared.catalog.source import StockLevel
from shared.ports import Cache
from tests.functions.catalog_helpers import Counting


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Counting]:
    store = EmbeddedDocumentStore(tmp_path / "docs.db")
    local = LocalCatalogSource(store, "products")
    local.upsert_categories(build_categories())
    local.upsert_brands(build_brands())
    local.upsert_products(list(iter_products(10)))
    yield Counting(local)
    store.close()


def test_read_through_asks_the_source_once(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    ids = ["prod-000001", "prod-000002", "nope"]
    first = catalog.get_products(ids)
    second = catalog.get_products(ids)
    assert sorted(first) == sorted(second) == ["prod-000001", "prod-000002"]
    assert first == second
    assert source.calls["get_products"] == 2  # the unknown id is asked again, never cached


def test_an_older_version_never_overwrites_a_newer_one(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    v1 = build_product(1)
    v2 = v1.model_copy(update={"name": "Newer", "version": 2})
    assert catalog.put_product(v2) is True
    assert catalog.put_product(v1) is False
    assert catalog.put_product(v2) is False
    assert catalog.get_products(["prod-000001"])["prod-000001"].name == "Newer"
    assert cache.get_versioned(product_key("prod-000001"))[1] == 2  # type: ignore[index]


def test_put_products_guards_each_version_in_one_write(cache: Cache, source: Counting) -> None:
    counted = Counting(cache)
    catalog = CatalogCache(counted, source, CacheTtls())  # type: ignore[arg-type]
    one, two, three = build_product(1), build_product(2), build_product(3)
    assert catalog.put_product(one.model_copy(update={"name": "Newer", "version": 2})) is True
    assert catalog.put_product(three) is True
    counted.calls.clear()
    assert catalog.put_products([one, two, three.model_copy(update={"version": 5})]) == {
        "prod-000002",
        "prod-000003",
    }
    assert dict(counted.calls) == {"set_many_if_newer": 1}
    stored = [cache.get_versioned(product_key(p.product_id)) for p in (one, two, three)]
    assert [(v[0]["name"], v[1]) if v else None for v in stored] == [
        ("Newer", 2),
        (two.name, 1),
        (three.name, 5),
    ]
    assert catalog.put_products([]) == set()
    assert dict(counted.calls) == {"set_many_if_newer": 1}


def test_cold_reads_write_back_in_one_call_each(cache: Cache, source: Counting) -> None:
    counted = Counting(cache)
    catalog = CatalogCache(counted, source, CacheTtls())  # type: ignore[arg-type]
    ids = [f"prod-00000{n}" for n in range(1, 7)]
    assert sorted(catalog.get_products(ids)) == ids
    assert catalog.stock_levels(Stock(), "E", ["A", "B", "C"]) == {
        "A": StockLevel("IN_STOCK", 9),
        "B": None,
        "C": None,
    }
    assert dict(counted.calls) == {"get_many": 2, "set_many_if_newer": 2}
    assert cache.get_many(["catalog:availability:E:A", "catalog:availability:E:B"]) == {
        "catalog:availability:E:A": {"known": True, "status": "IN_STOCK", "available": 9},
        "catalog:availability:E:B": {"known": False},
    }


def test_refresh_evicts_what_the_source_lost(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    ghost = build_product(99)
    catalog.put_product(ghost)
    assert catalog.refresh_product("prod-000099") is None
    assert cache.get(product_key("prod-000099")) is None


def test_slug_lookup_is_cached(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    slug = build_product(3).slug
    assert catalog.find_product_id(slug=slug) == "prod-000003"
    assert catalog.find_product_id(slug=slug) == "prod-000003"
    assert source.calls["find_product_id"] == 1


def test_taxonomy_is_one_entry_each(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    assert catalog.categories() == catalog.categories() == source.list_categories()
    assert catalog.brands() == catalog.brands()
    assert (source.calls["list_categories"], source.calls["list_brands"]) == (2, 1)


class Stock:
    def __init__(self) -> None:
        self.levels = {"A": StockLevel("IN_STOCK", 9)}
        self.calls = 0

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        self.calls += 1
        return {s: self.levels[s] for s in skus if s in self.levels}


def test_stock_levels_cache_unknown_skus_and_refresh(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls())  # type: ignore[arg-type]
    stock = Stock()
    assert catalog.stock_levels(stock, "E", ["A", "B"]) == {
        "A": StockLevel("IN_STOCK", 9),
        "B": None,
    }
    assert catalog.stock_levels(stock, "E", ["A", "B"]) == {
        "A": StockLevel("IN_STOCK", 9),
        "B": None,
    }
    assert stock.calls == 1
    stock.levels["A"] = StockLevel("OUT_OF_STOCK", 0)
    catalog.refresh_stock_levels(stock, "E", ["A"])
    assert catalog.stock_levels(stock, "E", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert catalog.stock_levels(stock, "OTHER", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert stock.calls == 3


def test_availability_ttl_zero_keeps_no_copy(cache: Cache, source: Counting) -> None:
    catalog = CatalogCache(cache, source, CacheTtls(availability=0))  # type: ignore[arg-type]
    stock = Stock()
    assert catalog.stock_levels(stock, "E", ["A", "B"]) == {
        "A": StockLevel("IN_STOCK", 9),
        "B": None,
    }
    stock.levels["A"] = StockLevel("LOW_STOCK", 1)
    assert catalog.stock_levels(stock, "E", ["A"]) == {"A": StockLevel("LOW_STOCK", 1)}
    assert stock.calls == 2
    assert cache.get_many(["catalog:availability:E:A", "catalog:availability:E:B"]) == {}
