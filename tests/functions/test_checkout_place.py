"""Placing an order through its trigger: the saga's happy path, its refusals (declined
card, no funds, a gateway timeout, a moved price, an incomplete checkout) and the last
unit between two shoppers. Crashes at each step: test_checkout_repair.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.payments_sandbox import SandboxGateway
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from shared.checkout.requests import ChooseDelivery
from shared.checkout.service import Write
from shared.errors import Conflict
from tests.counting import Call
from tests.functions.checkout_client import (
    DECLINED,
    GROUND,
    NO_FUNDS,
    NUDE,
    RED,
    TIMES_OUT,
    VISITOR,
    checkout_over,
    on_hand,
    open_shop,
    raw,
    set_price,
    visitor,
)


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def ready_cart(me: Any, *lines: tuple[str, int], card: str = "4242424242424242") -> str:
    cart = me.new_cart()
    resp = me.ready(cart, *(lines or ((RED, 2), (NUDE, 1))), card=card)
    assert resp.status == 200, resp.json
    return str(cart)


def gateway(reg: Registry) -> SandboxGateway:
    found = reg.payments()
    assert isinstance(found, SandboxGateway)
    return found


def test_placing_answers_the_order_deducts_stock_captures_and_closes_the_cart(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = ready_cart(me)
    placed = me.place(cart)
    order = placed.json
    assert (placed.status, placed.headers["Location"], placed.headers["ETag"]) == (
        201,
        f"/api/orders/{order['orderId']}",
        '"4"',
    )
    assert (order["status"], order["owner"], order["customerId"]) == ("PLACED", "VISITOR", None)
    assert order["orderNumber"].startswith("20260303-") and len(order["orderNumber"]) == 17
    assert [
        (
            ln["sku"],
            ln["quantity"],
            ln["unitPrice"]["amount"],
            ln["lineTotal"]["amount"],
            ln["shipNode"],
        )
        for ln in order["lines"]
    ] == [
        (RED, 2, "24.00", "48.00", "DC-NJ"),
        (NUDE, 1, "18.50", "18.50", "DC-NJ"),
    ]
    # three units of the default 250 g: a 2-pound zone-2 ground parcel, 10.20 + 0.90
    assert order["delivery"] == {
        "optionId": "STANDARD:UPS_GROUND",
        "levelOfService": "STANDARD",
        "carrierServiceCode": "UPS_GROUND",
        "promisedDate": "2026-03-04",
        "dateType": "ESTIMATED",
        "charge": {"amount": "11.10", "currency": "USD"},
        "shipments": [
            {
                "shipNode": "DC-NJ",
                "quantities": {RED: 2, NUDE: 1},
                "shipDate": "2026-03-03",
                "deliveryDate": "2026-03-04",
            }
        ],
    }
    assert order["totals"] == {
        "subtotal": {"amount": "66.50", "currency": "USD"},
        "delivery": {"amount": "11.10", "currency": "USD"},
        "total": {"amount": "77.60", "currency": "USD"},
    }
    assert order["payment"] == {
        "brand": "visa",
        "last4": "4242",
        "amount": {"amount": "77.60", "currency": "USD"},
        "status": "CAPTURED",
    }
    assert (order["placedAt"], order["cancelledAt"]) == ("2026-03-03T15:00:00Z", None)
    assert (on_hand(registry, RED), on_hand(registry, NUDE)) == ((8, 0), (3, 0))
    (doc,) = raw(registry, "orders")
    auth = doc["payment"]["authorizationId"]
    assert gateway(registry).state(auth) == ("CAPTURED", Decimal("77.60"), Decimal(0))
    closed = me.cart(cart).json
    assert (closed["status"], closed["orderId"]) == ("ORDERED", order["orderId"])
    assert me.order(order["orderId"]).json == order


def test_placing_again_answers_the_same_order_and_charges_once(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = ready_cart(me)
    first = me.place(cart)
    again = me.place(cart)
    assert (again.status, again.headers["Idempotent-Replayed"], again.json) == (
        201,
        "true",
        first.json,
    )
    assert len(raw(registry, "orders")) == 1
    assert on_hand(registry, RED) == (8, 0)


@pytest.mark.parametrize(
    ("card", "code"), [(DECLINED, "CARD_DECLINED"), (NO_FUNDS, "INSUFFICIENT_FUNDS")]
)
def test_a_refused_card_makes_no_order_and_keeps_the_hold_for_a_retry(
    shop: ManualClock, registry: Registry, card: str, code: str
) -> None:
    me = visitor()
    cart = ready_cart(me, card=card)
    refused = me.place(cart)
    assert (refused.status, refused.code) == (402, code)
    assert raw(registry, "orders") == []
    assert on_hand(registry, RED) == (10, 2)
    read = me.cart(cart).json
    assert (read["status"], read["checkout"]["hold"]["status"]) == ("OPEN", "ACTIVE")
    assert me.pay(cart).status == 200
    placed = me.place(cart)
    assert (placed.status, placed.json["status"]) == (201, "PLACED")
    assert on_hand(registry, RED) == (8, 0)


def test_a_declined_card_leaves_the_hold_to_expire_by_rule(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = ready_cart(me, card=DECLINED)
    me.place(cart)
    shop.advance(901)
    from tests.http_client import function

    function("inventory_expire_reservations")(None)
    assert on_hand(registry, RED) == (10, 0)
    assert (me.place(cart).code, raw(registry, "orders")) == ("HOLD_EXPIRED", [])


def test_a_gateway_timeout_is_503_and_a_retry_places_the_order_once(
    shop: ManualClock, registry: Registry
) -> None:
    """The timeout card's first answer is lost after it authorized: the retry (at once:
    the failed request gave its lease up) finds that authorization, never a second."""
    me = visitor()
    cart = ready_cart(me, card=TIMES_OUT)
    timed_out = me.place(cart)
    assert (timed_out.status, timed_out.code) == (503, "PAYMENT_GATEWAY_TIMEOUT")
    (pending,) = raw(registry, "orders")
    assert (pending["status"], pending["step"], pending["leaseUntil"]) == (
        "PENDING",
        "AUTHORIZING",
        0.0,
    )
    busy = me.add(cart, RED, 1)
    assert (busy.status, busy.code) == (409, "ORDER_IN_PROGRESS")
    assert me.orders().status == 401
    placed = me.place(cart)
    assert (placed.status, placed.json["status"]) == (201, "PLACED")
    assert len(gateway(registry).authorization_ids()) == 1
    assert on_hand(registry, RED) == (8, 0)


def test_a_moved_price_is_written_into_the_line_and_the_shopper_asked_again(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = ready_cart(me)
    set_price(registry, RED, "22.00")
    refused = me.place(cart)
    assert (refused.status, refused.json["error"]) == (
        409,
        {
            "code": "PRICE_CHANGED",
            "message": "prices changed since they were added: review the cart and place the "
            "order again",
            "details": {
                "lines": [
                    {
                        "sku": RED,
                        "was": {"amount": "24.00", "currency": "USD"},
                        "now": {"amount": "22.00", "currency": "USD"},
                    }
                ]
            },
        },
    )
    read = me.cart(cart).json
    assert [
        (ln["sku"], ln["unitPrice"]["amount"], [w["code"] for w in ln["warnings"]])
        for ln in read["lines"]
    ] == [
        (RED, "22.00", ["PRICE_UPDATED"]),
        (NUDE, "18.50", []),
    ]
    assert (read["totals"]["total"]["amount"], read["checkout"]["ready"]) == ("73.60", True)
    placed = me.place(cart)
    assert (placed.status, placed.json["totals"]["total"]["amount"]) == (201, "73.60")


def test_a_stale_cart_version_is_412(shop: ManualClock) -> None:
    me = visitor()
    cart = ready_cart(me)
    resp = me.place(cart, headers={"If-Match": '"2"'})
    assert (resp.status, resp.code) == (412, "ETAG_MISMATCH")


@pytest.mark.parametrize(
    ("steps", "missing"),
    [
        ((), ["destination", "delivery", "payment"]),
        (("destination",), ["delivery", "payment"]),
        (("destination", "delivery"), ["payment"]),
    ],
    ids=["nothing", "destination", "no-card"],
)
def test_an_incomplete_checkout_names_what_is_missing(
    shop: ManualClock, steps: tuple[str, ...], missing: list[str]
) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    for step in steps:
        getattr(me, step)(cart)
    resp = me.place(cart)
    assert (resp.status, resp.code, resp.json["error"]["details"]) == (
        409,
        "CHECKOUT_INCOMPLETE",
        {"missing": missing},
    )


def test_another_shopper_cannot_place_your_cart(shop: ManualClock) -> None:
    cart = ready_cart(visitor())
    resp = visitor("visitor-nosy-neighbour-000000").place(cart)
    assert (resp.status, resp.code) == (404, "CART_NOT_FOUND")


def test_two_shoppers_and_the_last_unit_make_exactly_one_order(registry: Registry) -> None:
    """Both reach payment; the second's hold was refused at the delivery step, so it
    never gets that far: one order, and a 409 naming the line."""
    open_shop(registry, {RED: 1})
    first, second = visitor(), visitor("visitor-second-shopper-000000")
    carts = [first.new_cart(), second.new_cart()]
    for me, cart in zip((first, second), carts, strict=True):
        me.add(cart, RED, 1)
        me.destination(cart)
    assert first.delivery(carts[0]).status == 200
    lost = second.delivery(carts[1])
    assert (lost.status, lost.code, lost.json["error"]["details"]) == (
        409,
        "INSUFFICIENT_STOCK",
        {"lines": [{"sku": RED, "requested": 1, "available": 0}]},
    )
    first.pay(carts[0])
    assert first.place(carts[0]).status == 201
    assert second.pay(carts[1]).status == 200
    assert (second.place(carts[1]).code, len(raw(registry, "orders"))) == ("CHECKOUT_INCOMPLETE", 1)
    assert on_hand(registry, RED) == (0, 0)


def test_two_shoppers_at_once_the_one_whose_hold_lands_second_is_told_which_line(
    registry: Registry,
) -> None:
    """The second shopper's hold lands between the first's options and the first's hold:
    the first is the one refused, by name, and only the second places an order."""
    open_shop(registry, {RED: 1})
    first, second = visitor(), visitor("visitor-second-shopper-000000")
    carts = [first.new_cart(), second.new_cart()]
    for me, cart in zip((first, second), carts, strict=True):
        me.add(cart, RED, 1)
        me.destination(cart)
    overtaken = False

    def overtake(c: Call) -> None:
        nonlocal overtaken
        if c.target == "reservations" and c.method == "create" and not overtaken:
            overtaken = True
            assert second.delivery(carts[1]).status == 200

    service, _ = checkout_over(registry, overtake)
    with pytest.raises(Conflict) as err:
        service.steps.choose_delivery(
            carts[0],
            ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR),
            ChooseDelivery(option_id=GROUND),
            write=Write(key="w", fingerprint="f"),
        )
    assert (err.value.code, err.value.details) == (
        "INSUFFICIENT_STOCK",
        {"lines": [{"sku": RED, "requested": 1, "available": 0}]},
    )
    second.pay(carts[1])
    assert second.place(carts[1]).status == 201
    assert (len(raw(registry, "orders")), on_hand(registry, RED)) == (1, (0, 0))
