"""Checkout's steps on a cart through their triggers: the destination and its options
from sourcing, the choice and its stock hold (expiry shown, extended while the shopper
is active, never silently lost). The card: test_checkout_payment.py."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from shared.checkout.requests import ChooseDelivery
from shared.checkout.service import Write
from shared.inventory.model import (
    Location,
    NodeType,
    ReservationLine,
    ReserveInventory,
    ShipNodeSpec,
    SupplySpec,
)
from tests.counting import Call
from tests.functions.checkout_client import (
    ADDRESS,
    ENTERPRISE,
    GROUND,
    NUDE,
    RED,
    START,
    VISITOR,
    checkout_over,
    on_hand,
    open_shop,
    raw,
    visitor,
)

T0 = START.timestamp()


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def option(
    option_id: str, level: str, carrier: str, date_type: str, delivered: str, charge: str
) -> dict[str, Any]:
    return {
        "optionId": option_id,
        "levelOfService": level,
        "carrierServiceCode": carrier,
        "deliveryDate": delivered,
        "deliveryDateType": date_type,
        "charge": {"amount": charge, "currency": "USD"},
        "shipments": [
            {
                "shipNode": "DC-NJ",
                "quantities": {RED: 2},
                "shipDate": "2026-03-03",
                "deliveryDate": delivered,
            }
        ],
    }


def started(me: Any, *lines: tuple[str, int]) -> str:
    cart = me.new_cart()
    for sku, quantity in lines or ((RED, 2),):
        assert me.add(cart, sku, quantity).status == 200
    assert me.destination(cart).status == 200
    return str(cart)


def hold_of(resp: Any) -> dict[str, Any] | None:
    held: dict[str, Any] | None = resp.json["checkout"]["hold"]
    return held


def test_the_destination_offers_every_option_for_the_whole_cart(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 2)
    resp = me.destination(cart)
    co = resp.json["checkout"]
    assert (resp.status, co["destination"], co["unavailableSkus"], co["ready"]) == (
        200,
        ADDRESS | {"line2": None, "country": "US"},
        [],
        False,
    )
    # from New Jersey ground arrives next day as air does, for less: air is dominated
    assert co["options"] == [
        option(GROUND, "STANDARD", "UPS_GROUND", "ESTIMATED", "2026-03-04", "11.10"),
    ]


@pytest.mark.parametrize(
    ("address", "status", "code"),
    [
        (ADDRESS | {"postalCode": "1000"}, 400, "VALIDATION_FAILED"),
        (ADDRESS | {"country": "CA"}, 400, "VALIDATION_FAILED"),
        ({k: v for k, v in ADDRESS.items() if k != "line1"}, 400, "VALIDATION_FAILED"),
        (ADDRESS | {"phone": "555"}, 400, "VALIDATION_FAILED"),
    ],
    ids=["bad-zip", "not-us", "no-street", "unknown-field"],
)
def test_a_bad_destination_is_400(
    shop: ManualClock, address: dict[str, Any], status: int, code: str
) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    resp = me.destination(cart, address)
    assert (resp.status, resp.code) == (status, code)


def test_an_empty_cart_cannot_be_checked_out(shop: ManualClock) -> None:
    me = visitor()
    resp = me.destination(me.new_cart())
    assert (resp.status, resp.code) == (409, "CART_EMPTY")


def test_choosing_holds_every_line_and_shows_the_expiry(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = started(me)
    resp = me.delivery(cart)
    co = resp.json["checkout"]
    assert (resp.status, co["choice"]["optionId"], hold_of(resp)) == (
        200,
        GROUND,
        {"status": "ACTIVE", "expiresAt": "2026-03-03T15:15:00Z"},
    )
    assert on_hand(registry, RED) == (10, 2)
    reservation = registry.inventory().reservations.get(_reservation(registry))
    assert [(a.item_id, a.ship_node, a.quantity) for a in reservation.allocations] == [
        (RED, "DC-NJ", 2)
    ]


def test_choosing_again_keeps_the_live_hold(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = started(me)
    first = me.delivery(cart)
    again = me.delivery(cart)
    assert hold_of(again) == hold_of(first)
    assert on_hand(registry, RED) == (10, 2)


LOS_ANGELES = ADDRESS | {"city": "Los Angeles", "state": "CA", "postalCode": "90012"}
"""Across the country from New Jersey each level of service is worth offering."""


def test_another_option_replaces_the_hold(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = me.new_cart()
    assert me.add(cart, RED, 2).status == 200
    offered = me.destination(cart, LOS_ANGELES).json["checkout"]["options"]
    assert [o["levelOfService"] for o in offered] == ["NEXT_DAY", "TWO_DAY", "STANDARD"]
    me.delivery(cart, "TWO_DAY:UPS_2ND_DAY_AIR")
    first = _reservation(registry)
    resp = me.delivery(cart, "STANDARD:UPS_GROUND")
    assert resp.json["checkout"]["choice"]["optionId"] == "STANDARD:UPS_GROUND"
    assert registry.inventory().reservations.get(first).status == "RELEASED"
    assert on_hand(registry, RED) == (10, 2)


@pytest.mark.parametrize(
    ("steps", "choice", "code"),
    [
        ((), GROUND, "CHECKOUT_NOT_STARTED"),
        (("destination",), "RUSH:DRONE", "OPTION_UNAVAILABLE"),
    ],
    ids=["no-destination", "not-offered"],
)
def test_a_choice_needs_a_destination_and_an_offered_option(
    shop: ManualClock, steps: tuple[str, ...], choice: str, code: str
) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    for step in steps:
        getattr(me, step)(cart)
    resp = me.delivery(cart, choice)
    assert (resp.status, resp.code) == (409, code)


def test_an_active_shopper_keeps_the_hold_up_to_its_longest(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = started(me)
    me.delivery(cart)
    version = me.cart(cart).json["version"]
    shop.advance(400)
    quiet = me.cart(cart)
    assert (quiet.json["version"], hold_of(quiet)) == (
        version,
        {"status": "ACTIVE", "expiresAt": "2026-03-03T15:15:00Z"},
    )
    shop.advance(100)
    read = me.cart(cart)
    assert (read.json["version"], hold_of(read)) == (
        version + 1,
        {"status": "ACTIVE", "expiresAt": "2026-03-03T15:23:20Z"},
    )
    assert (
        registry.inventory().reservations.get(_reservation(registry)).expires_at.timestamp()
        == T0 + 1400
    )
    for _ in range(6):
        shop.advance(450)
        me.cart(cart)
    assert shop.time() == T0 + 3200
    assert hold_of(me.cart(cart)) == {"status": "ACTIVE", "expiresAt": "2026-03-03T16:00:00Z"}
    shop.advance(T0 + 3601 - shop.time())
    assert hold_of(me.cart(cart)) == {"status": "EXPIRED", "expiresAt": "2026-03-03T16:00:00Z"}


def test_an_idle_hold_expires_and_the_answer_says_so(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = started(me)
    me.delivery(cart)
    me.pay(cart)
    shop.advance(901)
    read = me.cart(cart).json["checkout"]
    assert (read["hold"]["status"], read["ready"]) == ("EXPIRED", False)
    placed = me.place(cart)
    assert (placed.status, placed.code) == (409, "HOLD_EXPIRED")
    assert on_hand(registry, RED)[0] == 10
    again = me.delivery(cart, headers={"Idempotency-Key": "again"})
    assert hold_of(again) == {"status": "ACTIVE", "expiresAt": "2026-03-03T15:30:01Z"}


def test_changing_the_lines_drops_the_choice_and_gives_the_hold_back(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = started(me)
    me.delivery(cart)
    changed = me.add(cart, NUDE, 1).json["checkout"]
    assert (changed["choice"], changed["hold"], changed["options"]) == (None, None, [])
    assert changed["destination"]["postalCode"] == "10001"
    assert on_hand(registry, RED) == (10, 0)


def test_the_last_unit_goes_to_one_hold_and_the_other_is_told_which_line(
    registry: Registry,
) -> None:
    open_shop(registry, {RED: 1, NUDE: 4})
    first, second = visitor(), visitor("visitor-second-shopper-000000")
    carts = [started(first, (RED, 1)), started(second, (RED, 1), (NUDE, 1))]
    assert first.delivery(carts[0]).status == 200
    refused = second.delivery(carts[1])
    assert (refused.status, refused.json["error"]) == (
        409,
        {
            "code": "INSUFFICIENT_STOCK",
            "message": f"not enough stock to hold: {RED} (1 asked, 0 left)",
            "details": {"lines": [{"sku": RED, "requested": 1, "available": 0}]},
        },
    )
    assert (on_hand(registry, RED), on_hand(registry, NUDE)) == ((1, 1), (4, 0))


def test_a_hold_that_loses_its_race_is_planned_again_at_another_node(
    shop: ManualClock, registry: Registry
) -> None:
    """Someone takes the NJ stock between the options and the hold: the same option is
    served from the Pennsylvania DC instead of failing the shopper."""
    pa = ShipNodeSpec(
        name="Allentown DC",
        enterprise_code=ENTERPRISE,
        node_type=NodeType.DC,
        time_zone="America/New_York",
        location=Location(latitude=40.6, longitude=-75.5, postal_code="18101", state="PA"),
        cutoff_time=time(14, 0),
    )
    registry.inventory().nodes.put_node("DC-PA", pa, "test")
    registry.inventory().supply.set_supply(NUDE, "DC-PA", SupplySpec(quantity=5), "test")
    me = visitor()
    cart = started(me, (NUDE, 3))
    taken = False

    def thief(c: Call) -> None:
        nonlocal taken
        if c.target == "reservations" and c.method == "create" and not taken:
            taken = True
            lines = (ReservationLine(item_id=NUDE, quantity=4, ship_node="DC-NJ"),)
            registry.inventory().reservations.reserve(
                ReserveInventory(reservation_id="thief", enterprise_code=ENTERPRISE, lines=lines)
            )

    service, _ = checkout_over(registry, thief)
    shopper = ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR)
    answer = service.steps.choose_delivery(
        cart, shopper, ChooseDelivery(option_id=GROUND), write=Write(key="w", fingerprint="f")
    )
    assert answer.cart.checkout is not None and answer.cart.checkout.choice is not None
    shipments = answer.cart.checkout.choice.shipments
    assert [(s.ship_node, s.quantities) for s in shipments] == [("DC-PA", {NUDE: 3})]
    assert (on_hand(registry, NUDE, "DC-NJ"), on_hand(registry, NUDE, "DC-PA")) == ((4, 4), (5, 3))


def _reservation(registry: Registry) -> str:
    (doc,) = raw(registry, "carts")
    rid: str = doc["checkout"]["hold"]["reservationId"]
    return rid


def test_more_of_a_held_line_counts_the_carts_own_hold(registry: Registry) -> None:
    """Four on hand, two of them held by this cart: asking for four is fine (the write
    gives the hold back), asking for five is not."""
    open_shop(registry, {NUDE: 4})
    me = visitor()
    cart = started(me, (NUDE, 2))
    me.delivery(cart)
    assert on_hand(registry, NUDE) == (4, 2)
    refused = me.set(cart, NUDE, 5)
    assert (refused.status, refused.json["error"]["details"]) == (
        409,
        {"lines": [{"sku": NUDE, "requested": 5, "available": 4}]},
    )
    more = me.set(cart, NUDE, 4)
    assert (more.status, more.json["checkout"]["hold"]) == (200, None)
    assert on_hand(registry, NUDE) == (4, 0)
