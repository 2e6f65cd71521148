"""Real GraphQL documents through the ``graphql`` function, on embedded adapters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from shared.bootstrap import Registry
from shared.catalog.demo.generator import LEAVES, TREE, build_brands, iter_products
from shared.catalog.graphql.listing import ScanLimits
from shared.catalog.lookups import StockLevel
from shared.catalog.service import CatalogOptions
from tests.functions.catalog_helpers import Harness, build_harness, default_levels, gql

COUNT = 60
PRODUCTS = list(iter_products(COUNT))
MAKEUP_LEAVES = {f"cat-{leaf}" for _, _, leaves in TREE[0][2] for leaf in leaves}


@pytest.fixture
def h(registry: Registry) -> Iterator[Harness]:
    yield build_harness(registry, COUNT)


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("errors") is None, result.get("errors")
    assert result["_status"] == 200
    data: dict[str, Any] = result["data"]
    return data


def ids_of(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["productId"] for e in connection["edges"]]


def all_ids(filter_: dict[str, Any] | None = None, sort: str = "RELEVANCE") -> list[str]:
    data = ok(
        gql(
            "query($f: ProductFilter, $s: ProductSort) { products(first: 100, filter: $f, sort: $s)"
            " { totalCount edges { node { productId } } } }",
            {"f": filter_, "s": sort},
        )
    )
    assert data["products"]["totalCount"] == len(data["products"]["edges"])
    return ids_of(data["products"])


# --- single product -------------------------------------------------------------------
PRODUCT_FIELDS = """
  productId name slug description status version createdDate modifiedDate
  brand { brandId name slug logo { url type } }
  category { categoryId slug level parent { slug } ancestors { slug } }
  categories { slug }
  attributes { name value }
  media { type url altText sortOrder }
  priceRange { min { amount currency } max { amount currency } }
  variants { variantId sku name shade size hazmat attributes { name value }
             price { amount currency } media { type url } }
"""


@pytest.mark.parametrize(
    "args",
    ['productId: "prod-000001"', 'slug: "kiln-studio-glow-lip-balm-1"', 'sku: "SKU-000001-01"'],
    ids=["by-id", "by-slug", "by-sku"],
)
def test_product_by_each_key_returns_every_field(h: Harness, args: str) -> None:
    data = ok(gql(f"{{ product({args}) {{ {PRODUCT_FIELDS} }} }}"))
    p = PRODUCTS[0]
    assert data["product"] == {
        "productId": "prod-000001",
        "name": "Glow Lip Balm",
        "slug": "kiln-studio-glow-lip-balm-1",
        "description": p.description,
        "status": "ACTIVE",
        "version": 1,
        "createdDate": p.created_date.isoformat(),
        "modifiedDate": p.modified_date.isoformat(),
        "brand": {
            "brandId": "brand-kiln-studio",
            "name": "Kiln Studio",
            "slug": "kiln-studio",
            "logo": {
                "url": "https://media.example.com/brands/kiln-studio/logo.svg",
                "type": "IMAGE",
            },
        },
        "category": {
            "categoryId": "cat-lipstick",
            "slug": "lipstick",
            "level": 2,
            "parent": {"slug": "lips"},
            "ancestors": [{"slug": "makeup"}, {"slug": "lips"}],
        },
        "categories": [{"slug": "lipstick"}],
        "attributes": [{"name": a.name, "value": a.value} for a in p.attributes],
        "media": [
            {"type": "IMAGE", "url": m.url, "altText": m.alt_text, "sortOrder": m.sort_order}
            for m in p.media
        ],
        "priceRange": {
            "min": {"amount": "28.99", "currency": "USD"},
            "max": {"amount": "28.99", "currency": "USD"},
        },
        "variants": [
            {
                "variantId": "prod-000001-v01",
                "sku": "SKU-000001-01",
                "name": "Glow Lip Balm - Caramel",
                "shade": "Caramel",
                "size": None,
                "hazmat": False,
                "attributes": [{"name": "shade", "value": "Caramel"}],
                "price": {"amount": "28.99", "currency": "USD"},
                "media": [
                    {
                        "type": "SWATCH",
                        "url": "https://media.example.com/products/prod-000001/swatch-caramel.jpg",
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ('productId: "prod-000001", slug: "x"', "INVALID_ARGUMENT"),
        ("", "INVALID_ARGUMENT"),
    ],
    ids=["two-keys", "no-key"],
)
def test_product_needs_exactly_one_key(h: Harness, args: str, code: str) -> None:
    query = f"{{ product({args}) {{ productId }} }}" if args else "{ product { productId } }"
    result = gql(query)
    assert result["data"] == {"product": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == [code]
    assert result["errors"][0]["message"] == "give exactly one of productId, slug, sku"
    assert result["errors"][0]["path"] == ["product"]


@pytest.mark.parametrize(
    "args", ['productId: "prod-999999"', 'slug: "nope"', 'sku: "SKU-999999-01"'], ids=str
)
def test_unknown_product_is_null_without_error(h: Harness, args: str) -> None:
    assert gql(f"{{ product({args}) {{ productId }} }}") == {
        "data": {"product": None},
        "_status": 200,
    }


def test_products_by_ids_keeps_order_and_nulls_unknown(h: Harness) -> None:
    data = ok(gql('{ productsByIds(ids: ["prod-000003", "nope", "prod-000001"]) { productId } }'))
    assert data["productsByIds"] == [
        {"productId": "prod-000003"},
        None,
        {"productId": "prod-000001"},
    ]


def test_currency_context_prices_in_cad(h: Harness) -> None:
    data = ok(
        gql(
            'query @inContext(currency: "CAD") { product(productId: "prod-000001")'
            " { priceRange { min { amount currency } } variants { price { amount currency } } } }"
        )
    )
    assert data["product"] == {
        "priceRange": {"min": {"amount": "38.99", "currency": "CAD"}},
        "variants": [{"price": {"amount": "38.99", "currency": "CAD"}}],
    }


def test_unpriced_currency_gives_null_prices(h: Harness) -> None:
    data = ok(
        gql(
            'query @inContext(currency: "EUR") { product(productId: "prod-000001")'
            " { priceRange { min { amount } } variants { price { amount } } } }"
        )
    )
    assert data["product"] == {"priceRange": None, "variants": [{"price": None}]}


@pytest.mark.parametrize(
    "currency", ["US Dollars", "US", "$", ""], ids=["words", "two-letters", "symbol", "empty"]
)
def test_a_currency_that_is_not_a_code_is_refused_before_anything_runs(
    h: Harness, currency: str
) -> None:
    result = gql(
        'query($c: String) @inContext(currency: $c) { product(productId: "prod-000001") { name } }',
        {"c": currency},
    )
    if currency == "":
        assert ok(result) == {"product": {"name": "Glow Lip Balm"}}
        return
    assert result == {
        "errors": [
            {
                "message": "@inContext currency must be an ISO 4217 code such as USD, "
                f"got {currency!r}",
                "extensions": {"code": "INVALID_ARGUMENT"},
            }
        ],
        "_status": 400,
    }
    assert h.source.total == 0


# --- pagination -----------------------------------------------------------------------
PAGE = """query($first: Int, $after: String) { products(first: $first, after: $after) {
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { productId } } } }"""


def test_paging_walks_every_product_once(h: Harness) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = ok(gql(PAGE, {"first": 7, "after": after}))["products"]
        pages += 1
        seen += ids_of(data)
        info = data["pageInfo"]
        assert info["hasPreviousPage"] is (pages > 1)
        assert info["startCursor"] == data["edges"][0]["cursor"]
        assert info["endCursor"] == data["edges"][-1]["cursor"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == 9
    assert seen == [p.product_id for p in PRODUCTS]


def test_empty_page_and_last_page(h: Harness) -> None:
    empty = ok(gql(PAGE, {"first": 0}))["products"]
    assert empty == {
        "pageInfo": {
            "hasNextPage": True,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
    }
    first = ok(gql(PAGE, {"first": 59}))["products"]
    last = ok(gql(PAGE, {"first": 5, "after": first["pageInfo"]["endCursor"]}))["products"]
    assert ids_of(last) == ["prod-000060"]
    assert last["pageInfo"]["hasNextPage"] is False


def test_total_count_is_not_computed_unless_asked(h: Harness) -> None:
    ok(gql("{ products(first: 5) { edges { cursor } } }"))
    assert h.source.calls["count_products"] == 0
    data = ok(gql("{ products(first: 5) { totalCount } }"))
    assert data["products"]["totalCount"] == COUNT
    assert h.source.calls["count_products"] == 1


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        ({"first": 101}, "INVALID_ARGUMENT", "first must be between 0 and 100, got 101"),
        ({"first": -1}, "INVALID_ARGUMENT", "first must be between 0 and 100, got -1"),
        (
            {"first": 5, "after": "garbage!"},
            "INVALID_CURSOR",
            "the cursor is not one this API issued",
        ),
        ({"first": 5, "after": "eDox"}, "INVALID_CURSOR", "the cursor is not one this API issued"),
    ],
    ids=["first-101", "first-negative", "garbage-cursor", "foreign-cursor"],
)
def test_bad_paging_arguments(
    h: Harness, variables: dict[str, Any], code: str, message: str
) -> None:
    result = gql(PAGE, variables)
    assert result["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in result["errors"]] == [(code, message)]


# --- filters and sorts -----------------------------------------------------------------
def _leaf(p: Any) -> str:
    return str(p.category_ids[0])


def _min_usd(p: Any) -> Decimal:
    rng = p.price_range("USD")
    return Decimal(rng[0].amount)


def _max_usd(p: Any) -> Decimal:
    return Decimal(p.price_range("USD")[1].amount)


BRAND = PRODUCTS[0].brand_id
FILTER_CASES = [
    pytest.param({"brandIds": [BRAND]}, [p for p in PRODUCTS if p.brand_id == BRAND], id="brand"),
    pytest.param(
        {"categoryId": "cat-makeup"},
        [p for p in PRODUCTS if _leaf(p) in MAKEUP_LEAVES],
        id="category-with-descendants",
    ),
    pytest.param(
        {"categoryId": "cat-lips"},
        [p for p in PRODUCTS if _leaf(p) in {"cat-lipstick", "cat-lip-gloss", "cat-lip-liner"}],
        id="category-group",
    ),
    pytest.param(
        {"minPrice": "20", "maxPrice": "40"},
        [p for p in PRODUCTS if _max_usd(p) >= 20 and _min_usd(p) <= 40],
        id="price-range",
    ),
    pytest.param(
        {"search": "serum"},
        [p for p in PRODUCTS if "serum" in f"{p.name} {p.description}".lower()],
        id="text",
    ),
    pytest.param(
        {"search": "kiln studio"},
        [p for p in PRODUCTS if p.brand_id == "brand-kiln-studio"],
        id="text-brand",
    ),
    pytest.param(
        {"inStock": True},
        [p for p in PRODUCTS if int(p.product_id[-6:]) % 3 != 0],
        id="in-stock",
    ),
    pytest.param(
        {"inStock": True, "categoryId": "cat-makeup"},
        [p for p in PRODUCTS if int(p.product_id[-6:]) % 3 != 0 and _leaf(p) in MAKEUP_LEAVES],
        id="in-stock-and-category",
    ),
]


@pytest.mark.parametrize(("filter_", "expected"), FILTER_CASES)
def test_filters(h: Harness, filter_: dict[str, Any], expected: list[Any]) -> None:
    got = all_ids(filter_, "NAME_ASC" if "search" not in filter_ else "RELEVANCE")
    assert expected, "the case must select something to prove anything"
    assert sorted(got) == sorted(p.product_id for p in expected)


def test_in_stock_pages_resume_after_the_cursor(h: Harness) -> None:
    first = ok(
        gql(
            "{ products(first: 4, filter: {inStock: true}) { pageInfo { endCursor hasNextPage }"
            " edges { node { productId } } } }"
        )
    )["products"]
    assert ids_of(first) == ["prod-000001", "prod-000002", "prod-000004", "prod-000005"]
    after = first["pageInfo"]["endCursor"]
    second = ok(
        gql(
            "query($a: String) { products(first: 3, after: $a, filter: {inStock: true})"
            " { edges { node { productId } } } }",
            {"a": after},
        )
    )["products"]
    assert ids_of(second) == ["prod-000007", "prod-000008", "prod-000010"]


def _by(key: Any, reverse: bool = False) -> list[str]:
    return [p.product_id for p in sorted(PRODUCTS, key=key, reverse=reverse)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("NAME_ASC", _by(lambda p: (p.name.lower(), p.product_id))),
        ("NAME_DESC", _by(lambda p: (p.name.lower(), p.product_id), reverse=True)),
        ("PRICE_ASC", _by(lambda p: (_min_usd(p), p.product_id))),
        ("PRICE_DESC", _by(lambda p: (_min_usd(p), p.product_id), reverse=True)),
        ("NEWEST", _by(lambda p: (p.created_date, p.product_id), reverse=True)),
        ("RELEVANCE", [p.product_id for p in PRODUCTS]),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_sorts(h: Harness, sort: str, expected: list[str]) -> None:
    assert all_ids(None, sort) == expected


def test_relevance_ranks_name_hits_before_description_hits(h: Harness) -> None:
    got = all_ids({"search": "glow"})
    in_name = [p.product_id for p in PRODUCTS if "glow" in p.name.lower()]
    assert in_name
    assert got[: len(in_name)] == sorted(in_name)


# --- taxonomy ---------------------------------------------------------------------------
def test_category_tree_depths(h: Harness) -> None:
    one = ok(gql("{ categoryTree(depth: 1) { slug children { slug } } }"))["categoryTree"]
    assert one == [{"slug": s, "children": []} for s, _, _ in TREE]
    three = ok(
        gql(
            "{ categoryTree { slug level children { slug level"
            " children { slug level children { slug } } } } }"
        )
    )["categoryTree"]
    assert [d["slug"] for d in three] == [s for s, _, _ in TREE]
    makeup = three[0]
    assert [g["slug"] for g in makeup["children"]] == ["face", "eyes", "lips", "nails"]
    lips = makeup["children"][2]
    assert lips["level"] == 1
    assert lips["children"] == [
        {"slug": "lipstick", "level": 2, "children": []},
        {"slug": "lip-gloss", "level": 2, "children": []},
        {"slug": "lip-liner", "level": 2, "children": []},
    ]


def test_category_tree_depth_out_of_range(h: Harness) -> None:
    result = gql("{ categoryTree(depth: 0) { slug } }")
    assert result["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    assert result["errors"][0]["message"] == "depth must be between 1 and 10, got 0"


def test_category_by_slug_with_products_of_descendants(h: Harness) -> None:
    data = ok(
        gql(
            '{ category(slug: "lips") { categoryId name slug description level parent { slug }'
            " ancestors { slug }"
            " children { slug } products(first: 100, sort: NAME_ASC)"
            " { totalCount edges { node { productId } } } } }"
        )
    )["category"]
    expected = sorted(
        (p for p in PRODUCTS if _leaf(p) in {"cat-lipstick", "cat-lip-gloss", "cat-lip-liner"}),
        key=lambda p: (p.name.lower(), p.product_id),
    )
    assert (data["categoryId"], data["slug"], data["description"]) == ("cat-lips", "lips", "")
    assert (data["name"], data["level"], data["parent"], data["ancestors"]) == (
        "Lips",
        1,
        {"slug": "makeup"},
        [{"slug": "makeup"}],
    )
    assert data["children"] == [{"slug": "lipstick"}, {"slug": "lip-gloss"}, {"slug": "lip-liner"}]
    assert ids_of(data["products"]) == [p.product_id for p in expected]
    assert data["products"]["totalCount"] == len(expected)


def test_brands_and_brand_products(h: Harness) -> None:
    brands = ok(gql("{ brands { slug } }"))["brands"]
    assert [b["slug"] for b in brands] == sorted(b.slug for b in build_brands())
    data = ok(
        gql(
            '{ brand(slug: "kiln-studio") { brandId name slug description'
            " logo { type url altText sortOrder }"
            " products(first: 100) { edges { node { productId } } } } }"
        )
    )["brand"]
    assert {k: v for k, v in data.items() if k != "products"} == {
        "brandId": "brand-kiln-studio",
        "name": "Kiln Studio",
        "slug": "kiln-studio",
        "description": "Professional tools for artists.",
        "logo": {
            "type": "IMAGE",
            "url": "https://media.example.com/brands/kiln-studio/logo.svg",
            "altText": "Kiln Studio logo",
            "sortOrder": 0,
        },
    }
    assert ids_of(data["products"]) == [
        p.product_id for p in PRODUCTS if p.brand_id == "brand-kiln-studio"
    ]
    assert ok(
        gql('{ brand(brandId: "brand-none") { name } category(categoryId: "x") { name } }')
    ) == {
        "brand": None,
        "category": None,
    }


def test_every_leaf_category_exists(h: Harness) -> None:
    for leaf in LEAVES:
        data = ok(gql("query($s: String) { category(slug: $s) { categoryId } }", {"s": leaf}))
        assert data["category"] == {"categoryId": f"cat-{leaf}"}


# --- availability and delivery ---------------------------------------------------------
AVAILABILITY = """query($first: Int) @inContext(enterprise: "BEAUTY_CA", postalCode: "10001") {
  products(first: $first) { edges { node { productId variants { sku hazmat
    availability { status inStock available }
    deliveryOptions { levelOfService carrierServiceCode deliveryDate deliveryDateType } } } } } }"""


def test_availability_and_delivery_values(h: Harness) -> None:
    data = ok(gql(AVAILABILITY, {"first": 6}))
    levels = default_levels(COUNT)
    for edge in data["products"]["edges"]:
        for v in edge["node"]["variants"]:
            level = levels[v["sku"]]
            assert v["availability"] == {
                "status": level.status,
                "inStock": level.status != "OUT_OF_STOCK",
                "available": level.available,
            }
            expected = [
                {
                    "levelOfService": "STANDARD",
                    "carrierServiceCode": "UPS_GROUND",
                    "deliveryDate": "2026-03-07",
                    "deliveryDateType": "ESTIMATED",
                }
            ]
            if not v["hazmat"]:
                expected.append(
                    {
                        "levelOfService": "NEXT_DAY",
                        "carrierServiceCode": "UPS_NDA",
                        "deliveryDate": "2026-03-03",
                        "deliveryDateType": "GUARANTEED",
                    }
                )
            assert v["deliveryOptions"] == expected
    assert set(h.memory_stock.enterprises) == {"BEAUTY_CA"}
    assert {(q.postal_code, q.quantity) for q in h.memory_promises.seen} == {("10001", 1)}


def test_unknown_sku_is_out_of_stock(h: Harness) -> None:
    h.memory_stock.levels.pop("SKU-000001-01")
    data = ok(
        gql(
            '{ product(productId: "prod-000001")'
            " { variants { availability { status inStock available } } } }"
        )
    )
    assert data["product"]["variants"] == [
        {"availability": {"status": "OUT_OF_STOCK", "inStock": False, "available": 0}}
    ]


@pytest.mark.parametrize("first", [10, 25, 50], ids=lambda n: f"page-{n}")
def test_round_trips_do_not_grow_with_page_size(h: Harness, first: int) -> None:
    data = ok(gql(AVAILABILITY, {"first": first}))
    variants = sum(len(e["node"]["variants"]) for e in data["products"]["edges"])
    assert len(data["products"]["edges"]) == first
    assert variants > first
    assert dict(h.stock.calls) == {"get_stock_levels": 1}
    assert dict(h.promises.calls) == {"get_delivery_promises": 1}
    assert dict(h.source.calls) == {"search_products": 1, "get_products": 1}
    h.reset_counts()
    ok(gql(AVAILABILITY, {"first": first}))
    assert dict(h.source.calls) == {"search_products": 1}
    assert dict(h.stock.calls) == {}
    assert dict(h.promises.calls) == {"get_delivery_promises": 1}


def test_delivery_options_with_own_arguments_batch_per_argument_set(h: Harness) -> None:
    data = ok(
        gql(
            "{ products(first: 20) { edges { node { variants {"
            ' a: deliveryOptions(postalCode: "94105") { levelOfService }'
            ' b: deliveryOptions(postalCode: "94105", quantity: 3) { levelOfService } } } } } }'
        )
    )
    assert len(data["products"]["edges"]) == 20
    assert h.promises.calls["get_delivery_promises"] == 2
    assert {(q.postal_code, q.quantity) for q in h.memory_promises.seen} == {
        ("94105", 1),
        ("94105", 3),
    }


def test_delivery_options_need_a_postal_code(h: Harness) -> None:
    result = gql(
        '{ product(productId: "prod-000001")'
        " { name variants { deliveryOptions { levelOfService } } } }"
    )
    assert result["data"] == {
        "product": {"name": "Glow Lip Balm", "variants": [{"deliveryOptions": None}]}
    }
    assert [e["extensions"]["code"] for e in result["errors"]] == ["POSTAL_CODE_REQUIRED"]


def test_failing_inventory_degrades_only_availability(h: Harness) -> None:
    h.memory_stock.failing = True
    result = gql(AVAILABILITY, {"first": 3})
    edges = result["data"]["products"]["edges"]
    assert [e["node"]["productId"] for e in edges] == ["prod-000001", "prod-000002", "prod-000003"]
    variants = [v for e in edges for v in e["node"]["variants"]]
    assert all(v["availability"] is None for v in variants)
    assert all(v["deliveryOptions"] for v in variants)
    assert len(result["errors"]) == len(variants)
    assert {(e["message"], e["extensions"]["code"]) for e in result["errors"]} == {
        ("availability is temporarily unavailable", "AVAILABILITY_UNAVAILABLE")
    }
    assert "hunter2" not in str(result) and "10.1.2.3" not in str(result)
    assert h.stock.calls["get_stock_levels"] == 1


def test_failing_sourcing_degrades_only_delivery(h: Harness) -> None:
    h.memory_promises.failing = True
    result = gql(AVAILABILITY, {"first": 2})
    variants = [v for e in result["data"]["products"]["edges"] for v in e["node"]["variants"]]
    assert all(v["deliveryOptions"] is None and v["availability"] for v in variants)
    assert {e["extensions"]["code"] for e in result["errors"]} == {"DELIVERY_UNAVAILABLE"}
    assert result["errors"][0]["path"][-1] == "deliveryOptions"


SPARSE = """query($a: String) { products(first: 3, after: $a, filter: {inStock: true}) {
  pageInfo { hasNextPage endCursor } edges { node { productId } } } }"""


def test_sparse_in_stock_scan_is_bounded_and_resumes(registry: Registry) -> None:
    h = build_harness(
        registry,
        COUNT,
        replace(
            CatalogOptions.from_settings(registry.settings),
            scan=ScanLimits(chunk=10, chunks_per_page=2, count_candidates=50),
        ),
    )
    h.memory_stock.levels = {
        sku: StockLevel("OUT_OF_STOCK", 0) for p in PRODUCTS for sku in p.skus
    } | {sku: StockLevel("IN_STOCK", 5) for p in PRODUCTS[44:47] for sku in p.skus}
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = ok(gql(SPARSE, {"a": after}))["products"]
        pages += 1
        seen += ids_of(page)
        assert len(page["edges"]) <= 3
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["prod-000045", "prod-000046", "prod-000047"]
    assert pages == 4
    assert h.source.calls["search_products"] == 7
    too_many = gql("{ products(filter: {inStock: true}) { totalCount } }")
    assert too_many["data"] is None
    assert [e["extensions"]["code"] for e in too_many["errors"]] == ["TOTAL_COUNT_TOO_EXPENSIVE"]
    narrow = ok(
        gql('{ products(filter: {inStock: true, categoryId: "cat-makeup"}) { totalCount } }')
    )
    makeup_in_stock = [p for p in PRODUCTS[44:47] if p.category_ids[0] in MAKEUP_LEAVES]
    assert narrow["products"]["totalCount"] == len(makeup_in_stock)
