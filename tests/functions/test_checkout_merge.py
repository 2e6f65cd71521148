"""Signing in: the anonymous cart merges into the customer's (quantities added, capped by
availability, one line per SKU), and the anonymous cart is closed."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.tokens import mint_local_token
from shared.bootstrap import Registry
from tests.conftest import TEST_SIGNING_KEY
from tests.functions.checkout_client import (
    ALICE,
    BOB,
    GLOSS,
    NUDE,
    OTHER_VISITOR,
    RED,
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


def test_sign_in_merges_the_anonymous_cart_into_the_customers(
    shop: ManualClock, registry: Registry
) -> None:
    anon, alice = visitor(), customer(ALICE)
    mine = alice.new_cart()
    alice.add(mine, NUDE, 3)
    alice.add(mine, GLOSS, 1)
    cart = anon.new_cart()
    anon.add(cart, NUDE, 2)
    anon.add(cart, RED, 1)
    signed_in = customer(ALICE, visitor_id=VISITOR)
    merged = signed_in.send("merge_cart", "POST", f"carts/{cart}/merge", route={"cartId": cart})
    assert (merged.status, merged.json.get("cartId")) == (200, mine), merged.json
    assert lines(merged) == [(NUDE, 4, "18.50"), (GLOSS, 1, "12.00"), (RED, 1, "24.00")]
    again = signed_in.send("merge_cart", "POST", f"carts/{cart}/merge", route={"cartId": cart})
    assert (again.headers["Idempotent-Replayed"], lines(again)) == ("true", lines(merged))
    closed = anon.cart(cart).json
    assert (closed["status"], closed["mergedInto"]) == ("MERGED", mine)
    refused = anon.add(cart, RED, 1)
    assert (refused.status, refused.code) == (409, "CART_CLOSED")


def test_merge_caps_at_availability_and_makes_a_customer_cart(shop: ManualClock) -> None:
    anon = visitor()
    cart = anon.new_cart()
    anon.add(cart, NUDE, 4)
    signed_in = customer(BOB, visitor_id=VISITOR)
    merged = signed_in.send("merge_cart", "POST", f"carts/{cart}/merge", route={"cartId": cart})
    assert (merged.status, merged.json["owner"], lines(merged)) == (
        200,
        "CUSTOMER",
        [(NUDE, 4, "18.50")],
    )
    other = visitor(OTHER_VISITOR)
    second = other.new_cart()
    other.add(second, NUDE, 3)
    bob = customer(BOB, visitor_id=OTHER_VISITOR)
    capped = bob.send("merge_cart", "POST", f"carts/{second}/merge", route={"cartId": second})
    assert (capped.json["cartId"], lines(capped)) == (merged.json["cartId"], [(NUDE, 4, "18.50")])


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        (Shopper(visitor=VISITOR), 401, "UNAUTHORIZED"),
        (Shopper(visitor=OTHER_VISITOR, token=ALICE), 404, "CART_NOT_FOUND"),
        (
            Shopper(
                visitor=VISITOR,
                token=mint_local_token(TEST_SIGNING_KEY, subject="x", roles=["Order.Admin"]),
            ),
            403,
            "FORBIDDEN",
        ),
    ],
    ids=["no-token", "someone-elses-cart", "not-a-customer"],
)
def test_merge_needs_the_customer_and_the_carts_visitor(
    shop: ManualClock, who: Shopper, status: int, code: str
) -> None:
    anon = visitor()
    cart = anon.new_cart()
    resp = who.send("merge_cart", "POST", f"carts/{cart}/merge", route={"cartId": cart})
    assert (resp.status, resp.code) == (status, code)
