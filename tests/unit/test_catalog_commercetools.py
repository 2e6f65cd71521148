"""The commercetools adapter and mapping against recorded-shape HTTP responses.

``httpx.MockTransport`` stands in for commercetools (no local server exists for it);
the fixtures are trimmed copies of real API response shapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from shared.adapters.cache_memory import MemoryCache
from shared.adapters.commercetools import CommercetoolsClient
from shared.catalog.model import Attribute, Media, Money, ProductSearch, ProductSort
from shared.catalog.sources.commercetools import CommercetoolsSource
from shared.errors import NotFound, Unavailable

FIXTURES = Path(__file__).with_name("fixtures")
SECRET = "ctp-secret-do-not-leak"
AUTH = "https://auth.example.commercetools.com"
API = "https://api.example.commercetools.com"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


class FakeCommercetools:
    """Records requests; answers the token endpoint and scripted API responses."""

    def __init__(self, api: list[httpx.Response] | Callable[[httpx.Request], httpx.Response]):
        self.api = api
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.token_status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_client"})
            self.tokens_issued += 1
            return httpx.Response(
                200,
                json={
                    "access_token": f"token-{self.tokens_issued}",
                    "token_type": "Bearer",
                    "expires_in": 172800,
                    "scope": "view_products:shop",
                },
            )
        if callable(self.api):
            return self.api(request)
        return self.api.pop(0)

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]


def client(
    fake: FakeCommercetools, cache: MemoryCache | None = None, **kw: Any
) -> CommercetoolsClient:
    sleeps: list[float] = []
    c = CommercetoolsClient(
        project_key="shop",
        client_id="cid",
        client_secret=SECRET,
        auth_url=AUTH,
        api_url=API,
        cache=cache if cache is not None else MemoryCache(),
        transport=httpx.MockTransport(fake),
        sleep=sleeps.append,
        **kw,
    )
    c.sleeps = sleeps  # type: ignore[attr-defined]
    return c


def ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body)


def test_projection_maps_to_the_catalog_model() -> None:
    fake = FakeCommercetools([ok(fixture("commercetools_projections.json"))])
    source = CommercetoolsSource(client(fake))
    [product] = source.get_products(["a1b2c3d4-0000-4000-8000-000000000001"])
    assert product.product_id == "a1b2c3d4-0000-4000-8000-000000000001"
    assert (product.name, product.slug, product.description) == (
        "Velvet Matte Lipstick",
        "velvetine-velvet-matte-lipstick",
        "Soft-matte colour that lasts.",
    )
    assert product.brand_id == "brand-velvetine"
    assert product.category_ids == ("cat-lipstick-id", "cat-bestsellers-id")
    assert product.version == 7
    assert product.created_date == datetime(2025, 11, 3, 8, 30, tzinfo=UTC)
    assert product.media == (
        Media(url="https://images.example.com/ruby-1.jpg", alt_text="Ruby bullet", sort_order=1),
        Media(url="https://images.example.com/ruby-2.jpg", alt_text="", sort_order=2),
    )
    ruby, nude = product.variants
    assert (ruby.sku, ruby.variant_id, ruby.hazmat) == (
        "CT-1001-RUBY",
        "a1b2c3d4-0000-4000-8000-000000000001-v1",
        False,
    )
    assert ruby.attributes == (Attribute(name="shade", value="Ruby"),)
    assert ruby.prices == (
        Money(amount=Decimal("24.00"), currency="USD"),
        Money(amount=Decimal("32.99"), currency="CAD"),
    )
    assert (nude.sku, nude.hazmat, nude.price("USD")) == (
        "CT-1001-NUDE",
        True,
        Money(amount=Decimal("26.00"), currency="USD"),
    )
    [request] = fake.api_requests
    assert request.url.path == "/shop/product-projections"
    assert dict(parse_qsl(request.url.query.decode())) == {
        "where": 'id in ("a1b2c3d4-0000-4000-8000-000000000001")',
        "limit": "1",
    }
    assert request.headers["Authorization"] == "Bearer token-1"


def test_categories_and_brands_map() -> None:
    brands = {
        "results": [
            {
                "container": "brands",
                "key": "velvetine",
                "version": 2,
                "value": {"name": "Velvetine", "logoUrl": "https://x/logo.svg"},
            }
        ]
    }
    fake = FakeCommercetools([ok(fixture("commercetools_categories.json")), ok(brands)])
    source = CommercetoolsSource(client(fake))
    makeup, lipstick = source.list_categories()
    assert (makeup.category_id, makeup.parent_id, makeup.sort_order) == ("cat-makeup-id", None, 0)
    assert (lipstick.slug, lipstick.parent_id, lipstick.description, lipstick.version) == (
        "lipstick",
        "cat-makeup-id",
        "Bullets and liquids.",
        5,
    )
    [brand] = source.list_brands()
    assert (brand.brand_id, brand.name, brand.slug, brand.logo_url, brand.version) == (
        "brand-velvetine",
        "Velvetine",
        "velvetine",
        "https://x/logo.svg",
        2,
    )
    assert [r.url.path for r in fake.api_requests] == [
        "/shop/categories",
        "/shop/custom-objects/brands",
    ]


def test_missing_brand_container_is_no_brands() -> None:
    fake = FakeCommercetools([httpx.Response(404, json={"statusCode": 404})])
    assert CommercetoolsSource(client(fake)).list_brands() == []


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (ProductSearch(), [("sort", "id asc")]),
        (
            ProductSearch(category_id="c1", sort=ProductSort.NAME_ASC),
            [("filter.query", 'categories.id: subtree("c1")'), ("sort", "name.en-US asc")],
        ),
        (
            ProductSearch(brand_ids=("brand-velvetine",), sort=ProductSort.PRICE_DESC),
            [("filter.query", 'variants.attributes.brand: "velvetine"'), ("sort", "price desc")],
        ),
        (
            ProductSearch(min_price=Decimal("10"), max_price=Decimal("25.5"), currency="CAD"),
            [
                ("filter.query", "variants.price.centAmount: range(1000 to 2550)"),
                ("priceCurrency", "CAD"),
                ("sort", "id asc"),
            ],
        ),
        (ProductSearch(text="matte lip"), [("text.en-US", "matte lip"), ("sort", "score desc")]),
        (ProductSearch(sort=ProductSort.NEWEST), [("sort", "createdAt desc")]),
    ],
    ids=["default", "category-subtree", "brand", "price", "text-relevance", "newest"],
)
def test_search_parameters(search: ProductSearch, expected: list[tuple[str, str]]) -> None:
    fake = FakeCommercetools([ok({"results": [{"id": "p1"}, {"id": "p2"}]})])
    page = CommercetoolsSource(client(fake)).search_products(search, offset=40, limit=21)
    assert page.product_ids == ("p1", "p2")
    [request] = fake.api_requests
    assert request.url.path == "/shop/product-projections/search"
    params = parse_qsl(request.url.query.decode())
    assert params == [
        ("markMatchingVariants", "false"),
        *expected,
        ("sort", "id asc"),
        ("offset", "40"),
        ("limit", "21"),
        ("withTotal", "false"),
    ]


def test_count_asks_for_the_total_only() -> None:
    fake = FakeCommercetools([ok({"results": [], "total": 1234})])
    assert CommercetoolsSource(client(fake)).count_products(ProductSearch()) == 1234
    params = dict(parse_qsl(fake.api_requests[0].url.query.decode()))
    assert (params["limit"], params["withTotal"]) == ("0", "true")


def test_find_by_slug_and_sku() -> None:
    fake = FakeCommercetools([ok({"results": [{"id": "p9"}]}), ok({"results": []})])
    source = CommercetoolsSource(client(fake))
    assert source.find_product_id(slug="velvet") == "p9"
    assert source.find_product_id(sku="CT-1") is None
    wheres = [dict(parse_qsl(r.url.query.decode()))["where"] for r in fake.api_requests]
    assert wheres == ['slug(en-US="velvet")', 'masterVariant(sku="CT-1") or variants(sku="CT-1")']


def test_token_is_shared_through_the_cache() -> None:
    cache = MemoryCache()
    fake = FakeCommercetools(lambda _: ok({"results": []}))
    first, second = client(fake, cache), client(fake, cache)
    first.get("categories")
    second.get("categories")
    first.get("categories")
    assert fake.tokens_issued == 1
    token_request = fake.requests[0]
    assert dict(parse_qsl(token_request.content.decode())) == {
        "grant_type": "client_credentials",
        "scope": "view_products:shop view_categories:shop",
    }
    assert all(SECRET not in key for key in cache._entries)


def test_expired_token_is_renewed_once() -> None:
    fake = FakeCommercetools([httpx.Response(401, json={"error": "invalid_token"}), ok({"n": 1})])
    assert client(fake).get("categories") == {"n": 1}
    assert fake.tokens_issued == 2
    assert [r.headers["Authorization"] for r in fake.api_requests] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_transient_failures_are_retried_with_backoff() -> None:
    fake = FakeCommercetools([httpx.Response(503), httpx.Response(429), ok({"n": 1})])
    c = client(fake)
    assert c.get("categories") == {"n": 1}
    assert len(fake.api_requests) == 3
    assert len(c.sleeps) == 2  # type: ignore[attr-defined]
    assert all(0 < s <= 2.0 for s in c.sleeps)  # type: ignore[attr-defined]


def test_timeouts_are_retried_then_unavailable() -> None:
    def timeout(_: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out talking to 10.9.8.7")

    with pytest.raises(Unavailable) as err:
        client(FakeCommercetools(timeout)).get("categories")
    assert (err.value.code, err.value.message) == (
        "CATALOG_SOURCE_UNAVAILABLE",
        "the catalog source is unavailable",
    )


def test_breaker_opens_and_fails_fast() -> None:
    fake = FakeCommercetools(lambda _: httpx.Response(502))
    c = client(fake, breaker_fail_max=2)
    for _ in range(2):
        with pytest.raises(Unavailable):
            c.get("categories")
    calls = len(fake.api_requests)
    assert calls == 6
    with pytest.raises(Unavailable) as err:
        c.get("categories")
    assert err.value.message == "the catalog source is unavailable (circuit open)"
    assert len(fake.api_requests) == calls


def test_not_found_does_not_trip_the_breaker() -> None:
    fake = FakeCommercetools(lambda _: httpx.Response(404, json={"statusCode": 404}))
    c = client(fake, breaker_fail_max=1)
    for _ in range(3):
        with pytest.raises(NotFound):
            c.get("custom-objects/brands")
    assert c.breaker.current_state == "closed"


def test_refused_credentials_never_leak_the_secret() -> None:
    fake = FakeCommercetools([])
    fake.token_status = 401
    with pytest.raises(Unavailable) as err:
        client(fake).get("categories")
    assert err.value.code == "CATALOG_SOURCE_ERROR"
    assert SECRET not in repr(err.value) and SECRET not in str(err.value.details)


class SlowClock:
    """The deadline's clock: every request the transport answers takes 2 s of it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_retries_stay_within_one_deadline_and_each_attempt_gets_what_is_left() -> None:
    clock = SlowClock()
    timeouts: list[float | None] = []

    def slow_503(request: httpx.Request) -> httpx.Response:  # the API; tokens come free
        timeouts.append(request.extensions["timeout"]["read"])
        clock.now += 2.0
        return httpx.Response(503)

    fake = FakeCommercetools(slow_503)
    c = client(fake, timeout=3.0, attempts=5, monotonic=clock)
    with pytest.raises(Unavailable):
        c.get("categories")
    assert timeouts == [3.0, 1.0]


def test_check_says_commercetools_is_down_while_its_circuit_is_open() -> None:
    c = client(FakeCommercetools(lambda _: httpx.Response(502)), breaker_fail_max=1)
    assert c.check() == "commercetools"
    with pytest.raises(Unavailable):
        c.get("categories")
    with pytest.raises(Unavailable) as err:
        c.check()
    assert err.value.message == (
        "commercetools is unavailable (circuit open): products are served from the cache "
        "past their lifetime"
    )
