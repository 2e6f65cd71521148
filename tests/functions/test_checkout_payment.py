"""The payment step: the card is turned into the gateway's token and dropped; only the
token, brand, last four digits and expiry are kept, and bad cards are 4xx."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from tests.functions.checkout_client import (
    RED,
    open_shop,
    raw,
    visitor,
)


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def started(me: Any, *lines: tuple[str, int]) -> str:
    cart = me.new_cart()
    for sku, quantity in lines or ((RED, 2),):
        assert me.add(cart, sku, quantity).status == 200
    assert me.destination(cart).status == 200
    return str(cart)


def test_the_card_is_kept_as_a_token_and_its_last_digits(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = started(me)
    me.delivery(cart)
    resp = me.pay(cart)
    co = resp.json["checkout"]
    assert (co["payment"], co["ready"]) == (
        {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030},
        True,
    )
    (doc,) = raw(registry, "carts")
    assert "4242424242424242" not in str(doc) and "4242 4242 4242 4242" not in str(doc)
    assert doc["checkout"]["payment"]["token"].startswith("tok_sandbox_")


@pytest.mark.parametrize(
    ("card", "status", "code"),
    [
        ({"number": "4111111111111111"}, 422, "UNKNOWN_TEST_CARD"),
        ({"expYear": 2025}, 422, "INVALID_EXPIRY"),
        ({"number": "4242-4242"}, 400, "VALIDATION_FAILED"),
        ({"cvc": "12"}, 400, "VALIDATION_FAILED"),
        ({"expMonth": 13}, 400, "VALIDATION_FAILED"),
    ],
    ids=["not-a-test-card", "expired", "not-digits", "short-cvc", "month-13"],
)
def test_a_card_the_gateway_will_not_take_is_refused(
    shop: ManualClock, card: dict[str, Any], status: int, code: str
) -> None:
    me = visitor()
    cart = started(me)
    body = {
        "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"} | card
    }
    resp = me.send(
        "set_payment", "PUT", f"carts/{cart}/checkout/payment", body=body, route={"cartId": cart}
    )
    assert (resp.status, resp.code) == (status, code)
    assert "4111111111111111" not in str(resp.json)


def test_payment_needs_a_started_checkout(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    resp = me.pay(cart)
    assert (resp.status, resp.code) == (409, "CHECKOUT_NOT_STARTED")
