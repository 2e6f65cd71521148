"""The generator is a pure function of (n, seed): other contexts seed stock for its SKUs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.catalog.demo.generator import (
    LEAVES,
    build_catalog,
    build_categories,
    build_product,
    demo_skus,
    hazmat_skus,
    iter_products,
)


def test_product_depends_only_on_its_number() -> None:
    small = build_catalog(20)
    large = list(iter_products(5, start=16))
    assert small.products[15:] == large


def test_first_product_is_stable() -> None:
    p = build_product(1)
    assert (p.product_id, p.name, p.slug, p.brand_id, p.category_ids) == (
        "prod-000001",
        "Glow Lip Balm",
        "kiln-studio-glow-lip-balm-1",
        "brand-kiln-studio",
        ("cat-lipstick",),
    )
    assert p.skus == ("SKU-000001-01",)
    assert p.variants[0].price("USD") is not None
    assert p.variants[0].price("USD").amount == Decimal("28.99")  # type: ignore[union-attr]


def test_demo_skus_follow_the_scheme_and_are_unique() -> None:
    skus = demo_skus(200)
    assert skus[:3] == ["SKU-000001-01", "SKU-000002-01", "SKU-000003-01"]
    assert len(skus) == len(set(skus))
    assert all(s.startswith("SKU-") and len(s) == 13 for s in skus)
    assert skus == demo_skus(200)


@pytest.mark.parametrize(
    "leaf", ["nail-polish", "eau-de-parfum", "hairspray", "dry-shampoo", "deodorant"], ids=str
)
def test_hazmat_leaves(leaf: str) -> None:
    assert LEAVES[leaf].hazmat is True


def test_hazmat_variants_are_in_hazmat_categories() -> None:
    catalog = build_catalog(300)
    hazmat = set(hazmat_skus(300))
    assert hazmat
    for product in catalog.products:
        leaf = LEAVES[product.category_ids[0].removeprefix("cat-")]
        assert all((v.sku in hazmat) == leaf.hazmat for v in product.variants)


def test_category_tree_is_consistent() -> None:
    categories = build_categories()
    ids = {c.category_id for c in categories}
    roots = [c.slug for c in categories if c.parent_id is None]
    assert roots == ["makeup", "skincare", "fragrance", "hair", "tools", "bath-body"]
    assert all(c.parent_id in ids for c in categories if c.parent_id is not None)
    assert {f"cat-{slug}" for slug in LEAVES} <= ids


def test_catalog_has_ten_variant_products_and_unique_slugs() -> None:
    products = build_catalog(500).products
    assert any(len(p.variants) == 10 for p in products)
    assert len({p.slug for p in products}) == 500
