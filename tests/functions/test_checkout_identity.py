"""Who is shopping, checked on every cart route: a visitor id or a customer token (401,
400, 403 otherwise), an Idempotency-Key on every write, and another shopper's cart that
does not exist for you."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from tests.functions.checkout_client import (
    ALICE,
    BOB,
    GLOSS,
    OTHER_VISITOR,
    RED,
    STOCKIST,
    VISITOR,
    Shopper,
    customer,
    open_shop,
    visitor,
)


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def lines(resp: Any) -> list[tuple[str, int, str]]:
    return [(ln["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in resp.json["lines"]]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Shopper(visitor=OTHER_VISITOR), 404),
        (Shopper(visitor=None, token=ALICE), 404),
    ],
    ids=["another-visitor", "a-customer"],
)
def test_another_shoppers_cart_does_not_exist_for_you(
    shop: ManualClock, other: Shopper, expected: int
) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    for resp in (other.cart(cart), other.add(cart, RED, 1), other.remove(cart, RED)):
        assert (resp.status, resp.code) == (expected, "CART_NOT_FOUND")
    missing = me.cart("0" * 32)
    assert (missing.status, missing.json["error"]["message"]) == (
        404,
        f"cart {'0' * 32!r} does not exist",
    )
    assert lines(me.cart(cart)) == [(RED, 1, "24.00")]


def test_customers_see_only_their_own_carts(shop: ManualClock) -> None:
    alice, bob = customer(ALICE), customer(BOB)
    cart = alice.new_cart()
    alice.add(cart, GLOSS, 2)
    assert (bob.cart(cart).status, alice.cart(cart).json["owner"]) == (404, "CUSTOMER")
    current = alice.send("get_current_cart", "GET", "carts/current", key=False)
    assert (current.status, current.json["cartId"]) == (200, cart)
    none = bob.send("get_current_cart", "GET", "carts/current", key=False)
    assert (none.status, none.code) == (404, "CART_NOT_FOUND")


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "SHOPPER_REQUIRED"),
        ({"X-Visitor-Id": "short"}, 400, "INVALID_VISITOR_ID"),
        ({"X-Visitor-Id": "x" * 21}, 400, "INVALID_VISITOR_ID"),
        ({"X-Visitor-Id": "not/plain" + "x" * 20}, 400, "INVALID_VISITOR_ID"),
        ({"Authorization": "Bearer nope"}, 401, "UNAUTHORIZED"),
        ({"Authorization": f"Bearer {STOCKIST}"}, 403, "FORBIDDEN"),
    ],
    ids=["nobody", "short-visitor", "21-chars", "not-plain", "bad-token", "wrong-role"],
)
def test_who_is_shopping_is_checked(
    shop: ManualClock, headers: dict[str, str], status: int, code: str
) -> None:
    nobody = Shopper(visitor=None)
    resp = nobody.create(headers=headers)
    assert (resp.status, resp.code) == (status, code)


@pytest.mark.parametrize(
    ("key", "code"),
    [(None, "IDEMPOTENCY_KEY_REQUIRED"), ("has space", "INVALID_IDEMPOTENCY_KEY")],
    ids=["missing", "malformed"],
)
def test_a_write_needs_a_well_formed_key(shop: ManualClock, key: str | None, code: str) -> None:
    me = visitor()
    cart = me.new_cart()
    headers = {"X-Visitor-Id": VISITOR} | ({"Idempotency-Key": key} if key else {})
    from tests.http_client import call

    resp = call(
        "add_cart_line",
        "POST",
        f"carts/{cart}/lines",
        body={"sku": RED, "quantity": 1},
        route={"cartId": cart},
        headers=headers,
    )
    assert (resp.status, resp.code) == (400, code)
