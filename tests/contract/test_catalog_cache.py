"""The catalog's read-through cache on both Cache adapters (in-process and Redis)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.documents_embedded import EmbeddedDocumentStore
from shared.catalog.cache import CacheTtls, CatalogCache, product_key
from shared.catalog.demo.generator import (
    build_brands,
    build_categories,
    build_product,
    iter_products,
)
from shared.catalog.lookups import StockLevel
from shared.catalog.sources.local import LocalCatalogSource
from shared.catalog.stock import MARK_GRACE_SECONDS, StockCache, StockMarks
from shared.ports import Cache
from tests.counting import Counted

CLOCK = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
"""Stands still: stamps still order (they are a sequence), and expiries are exact."""
TTLS = CacheTtls(
    products=3600, taxonomy=3600, lookups=3600, misses=60, availability=30, stale_if_error=600
)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Counted]:
    store = EmbeddedDocumentStore(tmp_path / "docs.db")
    local = LocalCatalogSource(store, "products")
    local.upsert_categories(build_categories())
    local.upsert_brands(build_brands())
    local.upsert_products(list(iter_products(10)))
    yield Counted(local)
    store.close()


def test_read_through_asks_the_source_once(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    ids = ["prod-000001", "prod-000002", "nope"]
    first = catalog.get_products(ids)
    second = catalog.get_products(ids)
    assert sorted(first) == sorted(second) == ["prod-000001", "prod-000002"]
    assert first == second
    assert source.calls["get_products"] == 2  # the unknown id is asked again, never cached


def test_an_older_version_never_overwrites_a_newer_one(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    v1 = build_product(1)
    v2 = v1.model_copy(update={"name": "Newer", "version": 2})
    assert catalog.put_product(v2) is True
    assert catalog.put_product(v1) is False
    assert catalog.put_product(v2) is False
    assert catalog.get_products(["prod-000001"])["prod-000001"].name == "Newer"
    assert cache.get_versioned(product_key("prod-000001"))[1] == 2  # type: ignore[index]


def test_put_products_guards_each_version_in_one_write(cache: Cache, source: Counted) -> None:
    counted = Counted(cache)
    catalog = CatalogCache(counted, source, TTLS, CLOCK)  # type: ignore[arg-type]
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


def test_cold_reads_write_back_in_one_call_each(cache: Cache, source: Counted) -> None:
    counted = Counted(cache)
    catalog = CatalogCache(counted, source, TTLS, CLOCK)  # type: ignore[arg-type]
    ids = [f"prod-00000{n}" for n in range(1, 7)]
    assert sorted(catalog.get_products(ids)) == ids
    assert StockCache(counted, 30, CLOCK).levels(Stock(), "E", ["A", "B", "C"]) == {
        "A": StockLevel("IN_STOCK", 9),
        "B": None,
        "C": None,
    }
    assert dict(counted.calls) == {"get_many": 2, "set_many_if_newer": 2}
    stored = cache.get_many(["catalog:availability:E:A", "catalog:availability:E:B"])
    assert {k: {f: v for f, v in e.items() if f != "at"} for k, e in stored.items()} == {
        "catalog:availability:E:A": {"known": True, "status": "IN_STOCK", "available": 9},
        "catalog:availability:E:B": {"known": False},
    }


def test_refresh_evicts_what_the_source_lost(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    ghost = build_product(99)
    catalog.put_product(ghost)
    assert catalog.refresh_product("prod-000099") is None
    assert cache.get(product_key("prod-000099")) is None


def test_slug_lookup_is_cached(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    slug = build_product(3).slug
    assert catalog.find_product_id(slug=slug) == "prod-000003"
    assert catalog.find_product_id(slug=slug) == "prod-000003"
    assert source.calls["find_product_id"] == 1


@pytest.mark.parametrize("key", ["slug", "sku"])
def test_an_unknown_slug_or_sku_is_asked_once(cache: Cache, source: Counted, key: str) -> None:
    """A crawler walking unknown URLs costs one source lookup per name, not one each."""
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    assert catalog.find_product_id(**{key: "nope"}) is None
    assert catalog.find_product_id(**{key: "nope"}) is None
    assert catalog.hazmat_skus(["nope"]) == frozenset()
    assert source.calls["find_product_id"] == (1 if key == "sku" else 2)
    assert cache.get_versioned(f"catalog:{key}:nope") is not None


def test_a_product_written_here_replaces_cached_misses(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    new = build_product(42).model_copy(update={"version": 1})
    assert catalog.find_product_id(slug=new.slug) is None
    assert catalog.find_product_id(sku=new.skus[0]) is None
    catalog.put_product(new, with_lookups=True)
    assert catalog.find_product_id(slug=new.slug) == "prod-000042"
    assert [catalog.find_product_id(sku=s) for s in new.skus] == ["prod-000042"] * len(new.skus)
    assert source.calls["find_product_id"] == 2


def test_lookups_follow_products_refreshed_by_events(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    new = build_product(43)
    assert catalog.find_product_id(slug=new.slug) is None
    catalog.put_products([new], with_lookups=True)
    assert catalog.find_product_id(slug=new.slug) == "prod-000043"
    assert source.calls["find_product_id"] == 1


def test_taxonomy_is_one_entry_each(cache: Cache, source: Counted) -> None:
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
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


def test_stock_levels_cache_unknown_skus_and_refresh(cache: Cache) -> None:
    stocks = StockCache(cache, 30, CLOCK)
    stock = Stock()
    assert stocks.levels(stock, "E", ["A", "B"]) == {"A": StockLevel("IN_STOCK", 9), "B": None}
    assert stocks.levels(stock, "E", ["A", "B"]) == {"A": StockLevel("IN_STOCK", 9), "B": None}
    assert stock.calls == 1
    stock.levels["A"] = StockLevel("OUT_OF_STOCK", 0)
    assert stocks.refresh_held(stock, "E", ["A", "Z"]) == 1
    assert stocks.levels(stock, "E", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert stocks.levels(stock, "OTHER", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert stock.calls == 3


def test_availability_ttl_zero_keeps_no_copy(cache: Cache) -> None:
    stocks = StockCache(cache, 0, CLOCK)
    stock = Stock()
    assert stocks.levels(stock, "E", ["A", "B"]) == {"A": StockLevel("IN_STOCK", 9), "B": None}
    stock.levels["A"] = StockLevel("LOW_STOCK", 1)
    StockMarks(cache, 0, CLOCK).items_changed(["A"])
    assert stocks.levels(stock, "E", ["A"]) == {"A": StockLevel("LOW_STOCK", 1)}
    assert stocks.refresh_held(stock, "E", ["A"]) == 0
    assert stock.calls == 2
    assert (
        cache.get_many(
            ["catalog:availability:E:A", "catalog:availability:E:B", "catalog:stock-mark:sku:A"]
        )
        == {}
    )


class SlowStock(Stock):
    """A reader whose inventory read answers the old level, and then, before the reader
    stores it, lets ``meanwhile`` run (the write that changes the stock)."""

    def __init__(self, meanwhile: Callable[[], None]) -> None:
        super().__init__()
        self.meanwhile = meanwhile

    def get_stock_levels(
        self, enterprise_code: str, skus: Sequence[str]
    ) -> Mapping[str, StockLevel]:
        old = super().get_stock_levels(enterprise_code, skus)
        self.meanwhile()
        return old


@pytest.mark.parametrize(
    "mark",
    [
        lambda marks: marks.items_changed(["A"]),
        lambda marks: marks.enterprise_changed("E"),
    ],
    ids=["sku", "enterprise"],
)
def test_a_mark_outranks_entries_read_before_it(
    cache: Cache, mark: Callable[[StockMarks], None]
) -> None:
    """An acknowledged write leaves a mark; an entry whose read began earlier, even one
    stored after the mark, is never trusted again; a read after the mark is."""
    stocks, marks, fresh = StockCache(cache, 30, CLOCK), StockMarks(cache, 30, CLOCK), Stock()
    fresh.levels["A"] = StockLevel("OUT_OF_STOCK", 0)
    assert stocks.levels(Stock(), "E", ["A", "B"]) == {"A": StockLevel("IN_STOCK", 9), "B": None}
    racing = SlowStock(lambda: mark(marks))
    assert stocks.refresh(racing, "E", ["A"]) == {"A": StockLevel("IN_STOCK", 9)}
    assert stocks.levels(fresh, "E", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert fresh.calls == 1
    assert stocks.levels(fresh, "E", ["A"]) == {"A": StockLevel("OUT_OF_STOCK", 0)}
    assert fresh.calls == 1
    assert stocks.levels(fresh, "OTHER", ["B"]) == {"B": None}


def test_marks_are_one_write_and_outlive_the_entries(cache: Cache) -> None:
    counted = Counted(cache)
    marks = StockMarks(counted, 30, CLOCK)  # type: ignore[arg-type]
    marks.items_changed(["A", "B", "A"])
    marks.items_changed([])
    assert dict(counted.calls) == {"set_many_if_newer": 1}
    assert marks.ttl == 30 + MARK_GRACE_SECONDS
    assert sorted(cache.get_many(["catalog:stock-mark:sku:A", "catalog:stock-mark:sku:B"])) == [
        "catalog:stock-mark:sku:A",
        "catalog:stock-mark:sku:B",
    ]


@pytest.mark.parametrize(
    ("valid_for", "elapsed", "inventory_calls"),
    [
        pytest.param(None, 0.0, 1, id="no-hold-trusted"),
        pytest.param(60.0, 59.999, 1, id="hold-trusted-until-just-before-it-expires"),
        pytest.param(60.0, 60.0, 2, id="hold-expired-asked-again"),
        pytest.param(-1.0, 0.0, 2, id="hold-expired-before-it-was-stored"),
    ],
)
def test_a_level_is_not_trusted_past_its_valid_until(
    cache: Cache, valid_for: float | None, elapsed: float, inventory_calls: int
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    stocks = StockCache(cache, 30, clock)
    stock = Stock()
    until = None if valid_for is None else clock.time() + valid_for
    stock.levels["A"] = StockLevel("OUT_OF_STOCK", 0, valid_until=until)
    assert stocks.levels(stock, "E", ["A"]) == {"A": stock.levels["A"]}
    clock.advance(elapsed)
    assert stocks.levels(stock, "E", ["A"]) == {"A": stock.levels["A"]}
    assert stock.calls == inventory_calls


def test_variants_by_sku_answer_the_known_skus_in_request_order(
    cache: Cache, source: Counted
) -> None:
    """Checkout prices a cart from this: one product read per product, however many of
    its SKUs are asked, the lookups cached for the next cart."""
    catalog = CatalogCache(cache, source, TTLS, CLOCK)  # type: ignore[arg-type]
    two, three = build_product(2), build_product(4)
    skus = [three.skus[0], "nope", two.skus[-1], three.skus[-1]]
    found = catalog.variants_by_sku(skus)
    assert list(found) == [three.skus[0], two.skus[-1], three.skus[-1]]
    assert {s: (p.product_id, v.sku, v.prices) for s, (p, v) in found.items()} == {
        three.skus[0]: ("prod-000004", three.skus[0], three.variants[0].prices),
        two.skus[-1]: ("prod-000002", two.skus[-1], two.variants[-1].prices),
        three.skus[-1]: ("prod-000004", three.skus[-1], three.variants[-1].prices),
    }
    assert (source.calls["find_product_id"], source.calls["get_products"]) == (4, 1)
    assert catalog.variants_by_sku(skus) == found
    assert (source.calls["find_product_id"], source.calls["get_products"]) == (4, 1)
