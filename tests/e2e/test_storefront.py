"""A storefront developer building a product listing and a product page over GraphQL,
checking it against the availability and sourcing APIs the same system serves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import SEED_PRODUCTS, LiveSystem

CAP = 50  # INVENTORY_DISPLAY_CAP default: the API never shows more
ZIP = "10001"
SERVICES = {
    "NEXT_DAY": ("UPS_NEXT_DAY_AIR", "GUARANTEED"),
    "TWO_DAY": ("UPS_2ND_DAY_AIR", "GUARANTEED"),
    "STANDARD": ("UPS_GROUND", "ESTIMATED"),
}

LISTING = """
query Listing($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { productId slug name brand { brandId name }
                   priceRange { min { amount currency } max { amount currency } }
                   variants { sku hazmat } } }
  }
}
"""

PRODUCT_PAGE = """
query Page($slug: String)
@inContext(enterprise: "BEAUTY_US", currency: "USD", postalCode: "10001") {
  product(slug: $slug) {
    productId name slug
    brand { name }
    category { name ancestors { slug } }
    priceRange { min { amount currency } max { amount currency } }
    variants {
      sku hazmat price { amount currency }
      availability { status inStock available }
      deliveryOptions(quantity: 1) {
        levelOfService carrierServiceCode deliveryDate deliveryDateType
      }
    }
  }
}
"""


def data_of(system: LiveSystem, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = system.graphql(query, variables)
    body = response.json()
    assert (response.status_code, body.get("errors")) == (200, None), body
    return body["data"]


def whole_catalog(system: LiveSystem) -> list[dict[str, Any]]:
    """Every product, paging as a client does."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = data_of(system, LISTING, {"first": 100, "after": after, "sort": "NAME_ASC"})
        nodes += [e["node"] for e in page["products"]["edges"]]
        if not page["products"]["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["products"]["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def catalog(system: LiveSystem) -> list[dict[str, Any]]:
    return whole_catalog(system)


def test_the_listing_pages_through_the_whole_seeded_catalog(
    catalog: list[dict[str, Any]],
) -> None:
    ids = [p["productId"] for p in catalog]
    assert sorted(ids) == [f"prod-{n:06d}" for n in range(1, SEED_PRODUCTS + 1)]
    names = [p["name"] for p in catalog]
    assert names == sorted(names, key=str.casefold)


def _pick(catalog: list[dict[str, Any]], which: str) -> dict[str, Any]:
    if which == "first-by-name":
        return catalog[0]
    return next(p for p in catalog if any(v["hazmat"] for v in p["variants"]))


@pytest.mark.parametrize("which", ["first-by-name", "with-hazmat-variant"])
def test_product_page_agrees_with_availability_and_sourcing(
    system: LiveSystem, catalog: list[dict[str, Any]], which: str
) -> None:
    listed = _pick(catalog, which)
    product = data_of(system, PRODUCT_PAGE, {"slug": listed["slug"]})["product"]
    assert (product["productId"], product["slug"], product["name"]) == (
        listed["productId"],
        listed["slug"],
        listed["name"],
    )
    assert [v["sku"] for v in product["variants"]] == [v["sku"] for v in listed["variants"]]
    assert product["category"]["ancestors"], product["category"]
    prices = [Decimal(v["price"]["amount"]) for v in product["variants"]]
    assert {v["price"]["currency"] for v in product["variants"]} == {"USD"}
    assert product["priceRange"] == {
        "min": {"amount": str(min(prices)), "currency": "USD"},
        "max": {"amount": str(max(prices)), "currency": "USD"},
    }
    for variant in product["variants"]:
        _check_variant(system, variant)


def _check_variant(system: LiveSystem, variant: dict[str, Any]) -> None:
    sku = variant["sku"]
    network = system.http.get(f"/availability/{sku}").json()["network"]
    infinite = variant["availability"]["available"] is None
    shown = CAP if infinite else variant["availability"]["available"]
    assert (shown, variant["availability"]["status"]) == (
        network["available"],
        network["status"],
    ), sku
    assert variant["availability"]["inStock"] == (network["status"] != "OUT_OF_STOCK")
    assert shown <= CAP

    options = variant["deliveryOptions"]
    for option in options:
        assert (option["carrierServiceCode"], option["deliveryDateType"]) == SERVICES[
            option["levelOfService"]
        ]
    if variant["hazmat"]:
        assert {o["levelOfService"] for o in options} <= {"STANDARD"}, sku
    if network["status"] == "OUT_OF_STOCK":
        assert options == [], sku
    else:
        assert options != [], sku
    assert [o["deliveryDate"] for o in options] == sorted(o["deliveryDate"] for o in options)

    cart = {
        "enterpriseCode": "BEAUTY_US",
        "destination": {"postalCode": ZIP, "country": "US"},
        "lines": [{"lineId": "1", "itemId": sku, "quantity": 1, "hazmat": variant["hazmat"]}],
    }
    sourced = system.http.post("/sourcing/options", json=cart)
    assert sourced.status_code == 200, sourced.text
    assert options == [
        {k: o[k] for k in ("levelOfService", "carrierServiceCode", "deliveryDate")}
        | {"deliveryDateType": o["deliveryDateType"]}
        for o in sourced.json()["options"]
    ], sku


def _brand_with_most_products(catalog: list[dict[str, Any]]) -> tuple[str, int]:
    counts: dict[str, int] = {}
    for p in catalog:
        counts[p["brand"]["brandId"]] = counts.get(p["brand"]["brandId"], 0) + 1
    brand = max(sorted(counts), key=lambda b: counts[b])
    return brand, counts[brand]


def _min_price(p: dict[str, Any]) -> Decimal:
    return Decimal(p["priceRange"]["min"]["amount"])


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("NAME_ASC", lambda p: p["name"].casefold(), False),
        ("NAME_DESC", lambda p: p["name"].casefold(), True),
        ("PRICE_ASC", _min_price, False),
        ("PRICE_DESC", _min_price, True),
    ],
    ids=["name-asc", "name-desc", "price-asc", "price-desc"],
)
def test_listing_filtered_by_brand_and_sorted(
    system: LiveSystem, catalog: list[dict[str, Any]], sort: str, key: Any, reverse: bool
) -> None:
    brand, count = _brand_with_most_products(catalog)
    page = data_of(system, LISTING, {"first": 100, "filter": {"brandIds": [brand]}, "sort": sort})
    products = page["products"]
    nodes = [e["node"] for e in products["edges"]]
    assert (products["totalCount"], len(nodes), products["pageInfo"]["hasNextPage"]) == (
        count,
        count,
        False,
    )
    assert {n["brand"]["brandId"] for n in nodes} == {brand}
    assert sorted(n["productId"] for n in nodes) == sorted(
        p["productId"] for p in catalog if p["brand"]["brandId"] == brand
    )
    assert [key(n) for n in nodes] == sorted((key(n) for n in nodes), reverse=reverse)


def test_a_query_over_the_cost_limit_is_rejected_before_it_runs(system: LiveSystem) -> None:
    page = (
        "products(first: 100) { edges { node { variants { availability { available } "
        'deliveryOptions(postalCode: "10001") { deliveryDate } } } } }'
    )
    response = system.graphql(f"{{ a: {page} b: {page} c: {page} }}")
    assert (response.status_code, response.json()) == (
        400,
        {
            "errors": [
                {
                    "message": "The query exceeds the maximum cost of 1000. Actual cost is 1500",
                    "extensions": {
                        "cost": {"requestedQueryCost": 1500, "maximumAvailable": 1000},
                        "code": "QUERY_TOO_COSTLY",
                    },
                }
            ]
        },
    )


@pytest.mark.parametrize(
    ("query", "status", "error"),
    [
        (
            '{ product(slug: "x") { nope } }',
            400,
            {
                "message": "Cannot query field 'nope' on type 'Product'. Did you mean 'name'?",
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                "locations": [{"line": 1, "column": 24}],
            },
        ),
        (
            '{ product(slug: "x" ',
            400,
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
                "locations": [{"line": 1, "column": 21}],
            },
        ),
        (
            '{ product(slug: "x", sku: "y") { name } }',
            200,
            {
                "message": "give exactly one of productId, slug, sku",
                "extensions": {"code": "INVALID_ARGUMENT"},
                "locations": [{"line": 1, "column": 3}],
                "path": ["product"],
            },
        ),
        (
            '{ product(sku: "SKU-000001-01") { variants { deliveryOptions(postalCode: "00000") '
            "{ deliveryDate } } } }",
            200,
            {
                "message": "postal code '00000' is not a known US ZIP code",
                "extensions": {
                    "code": "UNKNOWN_POSTAL_CODE",
                    "details": {"field": "destination.postalCode"},
                },
                "locations": [{"line": 1, "column": 46}],
                "path": ["product", "variants", 0, "deliveryOptions"],
            },
        ),
    ],
    ids=["unknown-field", "syntax", "two-lookups", "unknown-zip"],
)
def test_a_bad_query_answers_a_coded_error_without_a_trace(
    system: LiveSystem, query: str, status: int, error: dict[str, Any]
) -> None:
    response = system.graphql(query)
    assert (response.status_code, response.json()["errors"][0]) == (status, error)
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    assert " ERROR catalog.graphql " not in system.output()  # a client's mistake is no incident


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/no-such-route", 404, None),
        ("GET", "/graphql/extra", 404, None),
        ("DELETE", "/health", 405, "GET"),
        ("POST", "/availability/SKU-000001-01", 405, "GET"),
        ("PATCH", "/configs/1", 405, "DELETE, GET, PUT"),
    ],
    ids=["unknown", "below-a-route", "delete-health", "post-availability", "patch-config"],
)
def test_unknown_routes_and_wrong_methods(
    system: LiveSystem, method: str, path: str, status: int, allow: str | None
) -> None:
    response = system.http.request(method, path)
    assert (response.status_code, response.headers.get("allow")) == (status, allow)
