"""The local CatalogSource on both DocumentStore adapters (embedded and cosmosdb-server).

Every filter and sort runs inside the store, so the same answers on both prove the
structured queries mean the same thing on Cosmos DB.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.catalog.demo.generator import (
    build_brands,
    build_categories,
    build_product,
    iter_products,
)
from shared.catalog.model import ProductSearch, ProductSort
from shared.catalog.sources.local import LocalCatalogSource
from shared.errors import PreconditionFailed
from shared.ports import DocumentStore
from shared.preconditions import IfMatch

COUNT = 40
PRODUCTS = list(iter_products(COUNT))
MAKEUP = {
    "cat-lipstick",
    "cat-lip-gloss",
    "cat-lip-liner",
    "cat-foundation",
    "cat-concealer",
    "cat-powder",
    "cat-blush",
    "cat-highlighter",
    "cat-mascara",
    "cat-eyeliner",
    "cat-eyeshadow",
    "cat-brows",
    "cat-nail-polish",
    "cat-nail-care",
}


@pytest.fixture
def source(document_store: DocumentStore) -> LocalCatalogSource:
    s = LocalCatalogSource(document_store, "catalog_products")
    s.upsert_categories(build_categories())
    s.upsert_brands(build_brands())
    assert len(s.upsert_products(PRODUCTS)) == COUNT
    return s


def search_all(source: LocalCatalogSource, search: ProductSearch) -> list[str]:
    return list(source.search_products(search, offset=0, limit=100).product_ids)


def test_reads_by_id_slug_and_sku(source: LocalCatalogSource) -> None:
    got = source.get_products(["prod-000003", "nope", "prod-000001"])
    assert got == [PRODUCTS[2], PRODUCTS[0]]
    assert source.find_product_id(slug=PRODUCTS[4].slug) == "prod-000005"
    assert source.find_product_id(sku=PRODUCTS[6].skus[-1]) == "prod-000007"
    assert source.find_product_id(sku="SKU-999999-01") is None


def test_taxonomy(source: LocalCatalogSource) -> None:
    key = lambda c: (c.sort_order, c.category_id)  # noqa: E731
    assert source.list_categories() == sorted(build_categories(), key=key)
    assert source.list_brands() == sorted(build_brands(), key=lambda b: b.name)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (
            ProductSearch(brand_ids=("brand-kiln-studio", "brand-rosebay")),
            [p for p in PRODUCTS if p.brand_id in {"brand-kiln-studio", "brand-rosebay"}],
        ),
        (
            ProductSearch(category_id="cat-makeup"),
            [p for p in PRODUCTS if p.category_ids[0] in MAKEUP],
        ),
        (
            ProductSearch(min_price=Decimal("20"), max_price=Decimal("30")),
            [
                p
                for p in PRODUCTS
                if p.price_range("USD")[1].amount >= 20 and p.price_range("USD")[0].amount <= 30
            ],
        ),  # type: ignore[index]
        (
            ProductSearch(text="GLOW"),
            [p for p in PRODUCTS if "glow" in f"{p.name} {p.description}".lower()],
        ),
    ],
    ids=["brands", "category-subtree", "price", "text-any-case"],
)
def test_filters(source: LocalCatalogSource, search: ProductSearch, expected: list) -> None:  # type: ignore[type-arg]
    assert expected
    assert sorted(search_all(source, search)) == sorted(p.product_id for p in expected)
    assert source.count_products(search) == len(expected)


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        (ProductSort.NAME_ASC, lambda p: (p.name.lower(), p.product_id), False),
        (ProductSort.PRICE_DESC, lambda p: (p.price_range("USD")[0].amount, p.product_id), True),
        (ProductSort.NEWEST, lambda p: (p.created_date, p.product_id), True),
    ],
    ids=["name", "price-desc", "newest"],
)
def test_sorts_and_offsets(source: LocalCatalogSource, sort: ProductSort, key, reverse) -> None:  # type: ignore[no-untyped-def]
    expected = [p.product_id for p in sorted(PRODUCTS, key=key, reverse=reverse)]
    search = ProductSearch(sort=sort)
    assert search_all(source, search) == expected
    page = source.search_products(search, offset=10, limit=5)
    assert list(page.product_ids) == expected[10:15]


def test_upsert_versions_and_if_match(source: LocalCatalogSource) -> None:
    renamed = build_product(2).model_copy(update={"name": "Renamed"})
    saved = source.upsert_product(renamed, if_match=IfMatch.version(1))
    assert saved.version == 2
    assert source.get_products(["prod-000002"])[0].name == "Renamed"
    assert source.upsert_product(renamed).version == 2
    with pytest.raises(PreconditionFailed) as stale:
        source.upsert_product(
            renamed.model_copy(update={"name": "Again"}), if_match=IfMatch.version(1)
        )
    assert (stale.value.code, stale.value.details) == ("ETAG_MISMATCH", {"currentVersion": 2})
    assert source.get_products(["prod-000002"])[0].name == "Renamed"
    assert source.upsert_products(PRODUCTS[:3]) == [PRODUCTS[1].model_copy(update={"version": 3})]
