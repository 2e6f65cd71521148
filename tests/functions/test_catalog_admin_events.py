"""PUT /api/products/{productId}, and the two cache-invalidation Event Hub triggers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from shared.catalog.demo.generator import build_product
from shared.catalog.lookups import StockLevel
from shared.events import new_event
from shared.security import CATALOG_ADMIN, INVENTORY_ADMIN
from tests.conftest import TEST_SIGNING_KEY, embedded_settings
from tests.functions.catalog_helpers import FUNCTIONS, Harness, build_harness, gql, http


@pytest.fixture
def h(registry: Registry) -> Iterator[Harness]:
    yield build_harness(registry, 20)


def token(*roles: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_local_token(TEST_SIGNING_KEY, subject='ana', roles=roles)}"
    }


def draft(n: int = 1, **changes: Any) -> dict[str, Any]:
    body = build_product(n).model_dump(
        mode="json",
        by_alias=True,
        exclude={"product_id", "created_date", "modified_date", "version"},
    )
    body.update(changes)
    return body


def put(product_id: str, body: Any, headers: dict[str, str]) -> func.HttpResponse:
    return http(
        "PUT",
        f"products/{product_id}",
        body=body,
        headers=headers,
        function="put_product",
        route_params={"productId": product_id},
    )


NAME = '{ product(productId: "prod-000001") { name version } }'


def test_upsert_is_visible_to_the_next_query(h: Harness) -> None:
    """Before any event: the write path refreshed the cache (the announcement comes from
    the change feed, tests/functions/test_catalog_change_feed.py)."""
    assert gql(NAME)["data"] == {"product": {"name": "Glow Lip Balm", "version": 1}}
    resp = put("prod-000001", draft(name="Glow Lip Balm SPF 15"), token(CATALOG_ADMIN))
    assert resp.status_code == 200
    assert resp.headers["ETag"] == '"2"'
    assert json.loads(resp.get_body())["version"] == 2
    assert gql(NAME)["data"] == {"product": {"name": "Glow Lip Balm SPF 15", "version": 2}}


def test_media_come_in_sort_order_whatever_order_they_were_sent(h: Harness) -> None:
    def media(*orders: int) -> list[dict[str, Any]]:
        return [
            {"type": "IMAGE", "url": f"https://m.example/{n}.jpg", "sortOrder": n} for n in orders
        ]

    body = draft(1, media=media(3, 1, 2))
    body["variants"][0]["media"] = media(2, 1)
    assert put("prod-000001", body, token(CATALOG_ADMIN)).status_code == 200
    data = gql(
        '{ product(productId: "prod-000001") { media { sortOrder } variants { media { url } } } }'
    )["data"]["product"]
    assert data == {
        "media": [{"sortOrder": 1}, {"sortOrder": 2}, {"sortOrder": 3}],
        "variants": [
            {"media": [{"url": "https://m.example/1.jpg"}, {"url": "https://m.example/2.jpg"}]}
        ],
    }


def test_a_product_created_after_a_miss_is_found_by_the_next_query(h: Harness) -> None:
    """Misses are cached (a crawler walking dead links asks the source once per name),
    yet the admin write replaces them before it answers."""
    query = '{ a: product(slug: "lumen-tint") { name } b: product(sku: "SKU-900000-01") { name } }'
    assert gql(query)["data"] == {"a": None, "b": None}
    assert gql(query)["data"] == {"a": None, "b": None}
    assert h.source.calls["find_product_id"] == 2
    body = draft(
        1,
        name="Lumen Tint",
        slug="lumen-tint",
        variants=[{**draft(1)["variants"][0], "sku": "SKU-900000-01", "variantId": "p9-v1"}],
    )
    assert put("prod-900000", body, token(CATALOG_ADMIN)).status_code == 200
    h.reset_counts()
    assert gql(query)["data"] == {"a": {"name": "Lumen Tint"}, "b": {"name": "Lumen Tint"}}
    assert h.source.calls["find_product_id"] == 0


def test_a_renamed_product_frees_its_old_slug_and_slugs_stay_unique(h: Harness) -> None:
    old = build_product(2).slug
    by_slug = "query($s: String) { product(slug: $s) { productId } }"
    assert gql(by_slug, {"s": old})["data"] == {"product": {"productId": "prod-000002"}}
    assert (
        put("prod-000002", draft(2, slug="renamed-balm"), token(CATALOG_ADMIN)).status_code == 200
    )
    assert gql(by_slug, {"s": old})["data"] == {"product": None}
    assert gql(by_slug, {"s": "renamed-balm"})["data"] == {"product": {"productId": "prod-000002"}}
    assert put("prod-000003", draft(3, slug=old), token(CATALOG_ADMIN)).status_code == 200
    assert gql(by_slug, {"s": old})["data"] == {"product": {"productId": "prod-000003"}}
    taken = put("prod-000004", draft(4, slug="renamed-balm"), token(CATALOG_ADMIN))
    assert (taken.status_code, json.loads(taken.get_body())["error"]) == (
        409,
        {
            "code": "SLUG_TAKEN",
            "message": "slug 'renamed-balm' belongs to product 'prod-000002'",
            "details": {"slug": "renamed-balm", "productId": "prod-000002"},
        },
    )


@pytest.mark.parametrize(
    ("status", "visible"),
    [("DRAFT", False), ("DISCONTINUED", True), ("ACTIVE", True)],
    ids=["draft-hidden", "discontinued-shown", "active-shown"],
)
def test_the_storefront_never_sees_a_draft(h: Harness, status: str, visible: bool) -> None:
    """As with commercetools, where only published projections are read: a draft is no
    product yet, by any key; a discontinued one is still a page (its status says so)."""
    assert put("prod-000002", draft(2, status=status), token(CATALOG_ADMIN)).status_code == 200
    sku, slug = build_product(2).skus[0], build_product(2).slug
    result = gql(
        "query($sku: String, $slug: String) {"
        ' a: product(productId: "prod-000002") { status } b: product(sku: $sku) { status }'
        " c: product(slug: $slug) { status }"
        ' d: productsByIds(ids: ["prod-000002"]) { status } }',
        {"sku": sku, "slug": slug},
    )
    shown = {"status": status} if visible else None
    assert result["data"] == {"a": shown, "b": shown, "c": shown, "d": [shown]}


def lumen_tint(**changes: Any) -> dict[str, Any]:
    """A product no other one shares a slug or SKU with."""
    fields: dict[str, Any] = {
        "name": "Lumen Tint",
        "slug": "lumen-tint",
        "variants": [{**draft(1)["variants"][0], "sku": "SKU-900000-01", "variantId": "p9-v1"}],
    }
    return draft(1, **(fields | changes))


@pytest.fixture
def lumen(h: Harness) -> Harness:
    created = put("prod-900000", lumen_tint(), token(CATALOG_ADMIN))
    assert (created.status_code, created.headers["ETag"]) == (200, '"1"')
    assert gql('{ product(sku: "SKU-900000-01") { productId name } }')["data"] == {
        "product": {"productId": "prod-900000", "name": "Lumen Tint"}
    }
    return h


LUMEN = '{ product(productId: "prod-900000") { name version } }'


@pytest.mark.parametrize(
    "if_match", ['"1"', '"7", "1"', "*"], ids=["strong", "one-of-a-list", "any"]
)
def test_an_if_match_that_holds_writes(lumen: Harness, if_match: str) -> None:
    resp = put(
        "prod-900000", lumen_tint(name="Other"), {**token(CATALOG_ADMIN), "If-Match": if_match}
    )
    assert (resp.status_code, resp.headers["ETag"]) == (200, '"2"')
    assert gql(LUMEN)["data"] == {"product": {"name": "Other", "version": 2}}


CHANGED = {
    "code": "ETAG_MISMATCH",
    "message": "product 'prod-900000' changed since you read it",
    "details": {"currentVersion": 1},
}


@pytest.mark.parametrize(
    ("if_match", "status", "error"),
    [
        ('W/"1"', 412, CHANGED),
        ('"7"', 412, CHANGED),
        (
            "1",
            400,
            {
                "code": "BAD_ETAG",
                "message": 'If-Match and If-None-Match take entity tags, such as "7" or *',
                "details": None,
            },
        ),
    ],
    ids=["weak-never-matches", "stale", "unparseable"],
)
def test_an_if_match_that_fails_writes_nothing(
    lumen: Harness, if_match: str, status: int, error: dict[str, Any]
) -> None:
    """RFC 9110 compares If-Match strongly: a weak tag of the current version fails."""
    resp = put(
        "prod-900000", lumen_tint(name="Other"), {**token(CATALOG_ADMIN), "If-Match": if_match}
    )
    assert (resp.status_code, json.loads(resp.get_body())["error"]) == (status, error)
    assert "ETag" not in resp.headers
    assert gql(LUMEN)["data"] == {"product": {"name": "Lumen Tint", "version": 1}}


def test_an_if_match_on_a_product_that_does_not_exist_is_412(h: Harness) -> None:
    resp = put("prod-900000", lumen_tint(), {**token(CATALOG_ADMIN), "If-Match": '"1"'})
    assert (resp.status_code, json.loads(resp.get_body())["error"]) == (
        412,
        {
            "code": "ETAG_MISMATCH",
            "message": "product 'prod-900000' does not exist",
            "details": {"currentVersion": None},
        },
    )
    assert gql(LUMEN)["data"] == {"product": None}


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({}, draft(), 401, "UNAUTHORIZED"),
        (token(INVENTORY_ADMIN), draft(), 403, "FORBIDDEN"),
        (token(CATALOG_ADMIN), {**draft(), "slug": "Not A Slug"}, 400, "VALIDATION_FAILED"),
        (token(CATALOG_ADMIN), {**draft(), "variants": []}, 400, "VALIDATION_FAILED"),
        (token(CATALOG_ADMIN), {**draft(), "colour": "red"}, 400, "VALIDATION_FAILED"),
        (token(CATALOG_ADMIN), draft(2, slug="fresh-slug"), 409, "SKU_TAKEN"),
        (token(CATALOG_ADMIN), draft(1, slug=build_product(2).slug), 409, "SLUG_TAKEN"),
    ],
    ids=[
        "no-token",
        "wrong-role",
        "bad-slug",
        "no-variants",
        "unknown-field",
        "sku-of-another",
        "slug-of-another",
    ],
)
def test_upsert_rejections(
    h: Harness, headers: dict[str, str], body: Any, status: int, code: str
) -> None:
    resp = put("prod-000001", body, headers)
    assert (resp.status_code, json.loads(resp.get_body())["error"]["code"]) == (status, code)


# --- Event Hub triggers -----------------------------------------------------------------
def deliver(function: str, envelopes: list[dict[str, Any]]) -> None:
    events = [func.EventHubEvent(body=json.dumps(e).encode()) for e in envelopes]
    FUNCTIONS[function](events)


def product_changed(product_id: str, version: int) -> dict[str, Any]:
    return new_event(
        "ProductChanged",
        service_id="t",
        subject=product_id,
        version=version,
        payload={"productId": product_id, "version": version},
    ).to_wire()


def test_product_changed_refreshes_the_cache_and_replays_are_free(h: Harness) -> None:
    assert gql(NAME)["data"]["product"]["version"] == 1
    writable = h.service.source
    changed = build_product(1).model_copy(update={"name": "Renamed Elsewhere"})
    writable.upsert_product(changed)
    assert gql(NAME)["data"]["product"] == {"name": "Glow Lip Balm", "version": 1}
    h.reset_counts()
    deliver("refresh_catalog_cache", [product_changed("prod-000001", 2)])
    assert h.source.calls["get_products"] == 1
    assert gql(NAME)["data"]["product"] == {"name": "Renamed Elsewhere", "version": 2}
    h.reset_counts()
    deliver(
        "refresh_catalog_cache",
        [product_changed("prod-000001", 2), product_changed("prod-000001", 1)],
    )
    assert h.source.calls["get_products"] == 0


def test_non_envelopes_are_skipped(h: Harness) -> None:
    events = [func.EventHubEvent(body=b"not json"), func.EventHubEvent(body=b'{"x": 1}')]
    FUNCTIONS["refresh_catalog_cache"](events)
    assert h.source.total == 0


AVAIL = '{ product(productId: "prod-000001") { variants { availability { status available } } } }'


def inventory_changed(sku: str, version: int) -> dict[str, Any]:
    return new_event(
        "InventoryChanged",
        service_id="t",
        subject=sku,
        version=version,
        payload={"itemId": sku, "enterpriseCode": "BEAUTY_US"},
    ).to_wire()


def test_inventory_changed_refreshes_held_availability_only(h: Harness) -> None:
    assert gql(AVAIL)["data"]["product"]["variants"] == [
        {"availability": {"status": "IN_STOCK", "available": 50}}
    ]
    h.memory_stock.levels["SKU-000001-01"] = StockLevel("LOW_STOCK", 1)
    assert gql(AVAIL)["data"]["product"]["variants"][0]["availability"]["available"] == 50
    h.reset_counts()
    deliver(
        "refresh_catalog_availability",
        [inventory_changed("SKU-000001-01", 9), inventory_changed("SKU-000002-01", 4)],
    )
    assert h.stock.calls["get_stock_levels"] == 1
    assert gql(AVAIL)["data"]["product"]["variants"] == [
        {"availability": {"status": "LOW_STOCK", "available": 1}}
    ]


def test_commercetools_source_is_read_only_here(tmp_path: Path) -> None:
    reg = Registry(
        embedded_settings(
            tmp_path, CTP_PROJECT_KEY="shop", CTP_CLIENT_ID="cid", CTP_CLIENT_SECRET="s3cret"
        )
    )
    with bootstrap.use_registry(reg):
        resp = put("prod-000001", draft(), token(CATALOG_ADMIN))
        assert reg.catalog_source().check() == "commercetools"
    body = json.loads(resp.get_body())
    assert (resp.status_code, body["error"]["code"]) == (422, "CATALOG_READ_ONLY")
    assert "s3cret" not in resp.get_body().decode()


def test_commercetools_without_credentials_names_the_settings(tmp_path: Path) -> None:
    reg = Registry(embedded_settings(tmp_path, CTP_PROJECT_KEY="shop"))
    with bootstrap.use_registry(reg):
        result = gql("{ brands { slug } }")
    assert result["_status"] == 503
    assert result["error"]["code"] == "CONFIGURATION_ERROR"
    assert "CTP_CLIENT_ID" in result["error"]["message"]
