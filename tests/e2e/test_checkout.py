"""Checkout: the storefront holds stock for a cart, confirms it, and every reader of
availability (the availability API at once, the GraphQL product API after the change
feed) shows the lower number; a cart asking for more than is left holds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import SETUPS, LiveSystem, eventually, system_for

CAP = 50
RESERVE = "Inventory.Reserve"
SKUS_QUERY = "{ products(first: 100, sort: NAME_ASC) { edges { node { variants { sku } } } } }"
STOCK_QUERY = (
    "query($sku: String) { product(sku: $sku) { variants { sku availability { available } } } }"
)


@pytest.fixture(scope="module", params=SETUPS)
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveSystem]:
    with system_for(request, tmp_path_factory) as live:
        yield live


def network(system: LiveSystem, sku: str) -> dict[str, Any]:
    response = system.http.get(f"/availability/{sku}")
    assert response.status_code == 200, response.text
    return dict(response.json()["network"])


def graphql_available(system: LiveSystem, sku: str) -> int | None:
    response = system.graphql(STOCK_QUERY, {"sku": sku})
    variants = response.json()["data"]["product"]["variants"]
    found: int | None = next(v for v in variants if v["sku"] == sku)["availability"]["available"]
    return found


@pytest.fixture(scope="module")
def low_stock_sku(system: LiveSystem) -> tuple[str, int]:
    """A SKU whose whole stock is below the display cap, so the API shows the real
    number: found as a client would, through the listing and the bulk availability API."""
    edges = system.graphql(SKUS_QUERY).json()["data"]["products"]["edges"]
    skus = [v["sku"] for e in edges for v in e["node"]["variants"]][:200]
    items = system.http.post("/availability", json={"itemIds": skus}).json()["items"]
    assert [i["itemId"] for i in items] == skus
    return next(
        (i["itemId"], i["network"]["available"])
        for i in items
        if 6 <= i["network"]["available"] < CAP
    )


def test_reserve_confirm_then_every_reader_shows_less(
    system: LiveSystem, low_stock_sku: tuple[str, int]
) -> None:
    sku, before = low_stock_sku
    assert graphql_available(system, sku) == before
    shopper = system.auth(RESERVE, sub="checkout-web")
    cart = {
        "reservationId": "order-1001",
        "enterpriseCode": "BEAUTY_US",
        "lines": [{"itemId": sku, "quantity": 2}],
    }
    held = system.http.post("/reservations", json=cart, headers=shopper)
    assert held.status_code == 201, held.text
    body = held.json()
    assert (held.headers["location"], held.headers.get("idempotent-replayed")) == (
        "/api/reservations/order-1001",
        None,
    )
    assert (body["reservationId"], body["status"], body["lines"]) == (
        "order-1001",
        "HELD",
        [{"itemId": sku, "quantity": 2, "shipNode": None}],
    )
    assert sum(a["quantity"] for a in body["allocations"]) == 2
    assert {a["itemId"] for a in body["allocations"]} == {sku}
    assert network(system, sku)["available"] == before - 2

    confirmed = system.http.post("/reservations/order-1001/confirm", headers=shopper)
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "CONFIRMED")
    assert confirmed.json()["allocations"] == body["allocations"]
    assert network(system, sku)["available"] == before - 2
    assert eventually(lambda: graphql_available(system, sku), before - 2) == before - 2

    replayed = system.http.post("/reservations", json=cart, headers=shopper)
    assert (
        replayed.status_code,
        replayed.headers.get("idempotent-replayed"),
        replayed.json()["status"],
    ) == (201, "true", "CONFIRMED")
    assert network(system, sku)["available"] == before - 2


def test_a_cart_for_more_than_is_left_is_refused_and_holds_nothing(
    system: LiveSystem, low_stock_sku: tuple[str, int]
) -> None:
    sku, _ = low_stock_sku
    left = network(system, sku)["available"]
    other = "SKU-000001-01"
    other_before = network(system, other)["available"]
    shopper = system.auth(RESERVE, sub="checkout-web")
    cart = {
        "reservationId": "order-1002",
        "enterpriseCode": "BEAUTY_US",
        "lines": [{"itemId": other, "quantity": 1}, {"itemId": sku, "quantity": left + 1}],
    }
    refused = system.http.post("/reservations", json=cart, headers=shopper)
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "error": {
                "code": "INSUFFICIENT_INVENTORY",
                "message": "some lines cannot be held; nothing was reserved",
                "details": {
                    "lines": [
                        {"itemId": sku, "shipNode": None, "requested": left + 1, "available": left}
                    ]
                },
            }
        },
    )
    missing = system.http.get("/reservations/order-1002", headers=shopper)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "RESERVATION_NOT_FOUND")
    assert (network(system, sku)["available"], network(system, other)["available"]) == (
        left,
        other_before,
    )


@pytest.mark.parametrize(
    ("roles", "status", "code"),
    [((), 401, "UNAUTHORIZED"), (("Inventory.Admin",), 403, "FORBIDDEN")],
    ids=["no-token", "admin-is-not-reserve"],
)
def test_reserving_needs_the_reserve_role(
    system: LiveSystem, roles: tuple[str, ...], status: int, code: str
) -> None:
    headers = system.auth(*roles, sub="ops") if roles else {}
    cart = {"reservationId": "order-x", "lines": [{"itemId": "SKU-000001-01", "quantity": 1}]}
    response = system.http.post("/reservations", json=cart, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
