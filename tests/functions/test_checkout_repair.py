"""A process dying at each step of placing an order: the repair timer finishes it exactly
once (one authorization, captured once, stock deducted once, the cart closed), or undoes
it when the hold is gone; a live placement is left to the request running it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.payments_sandbox import SandboxGateway
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from tests.counting import Call
from tests.functions.checkout_client import (
    NUDE,
    RED,
    VISITOR,
    checkout_over,
    on_hand,
    open_shop,
    raw,
    repair,
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


# --- a process dying at each step ---------------------------------------------------------
CRASHES = {
    "before-order": lambda c: c.target == "orders" and c.method == "create",
    "before-authorize": lambda c: c.target == "payments" and c.method == "authorize",
    "authorized": lambda c: _order_replace(c, step="CONFIRMING"),
    "mid-confirm": lambda c: (
        c.target == "reservations"
        and c.method == "replace"
        and c.args[0].get("status") == "CONFIRMED"
    ),
    "confirmed": lambda c: _order_replace(c, step="CAPTURING"),
    "before-capture": lambda c: c.target == "payments" and c.method == "capture",
    "captured": lambda c: _order_replace(c, status="PLACED"),
    "before-cart-closed": lambda c: (
        c.target == "carts" and c.method == "replace" and c.args[0].get("status") == "ORDERED"
    ),
}


def _order_replace(c: Call, **fields: str) -> bool:
    return (
        c.target == "orders"
        and c.method == "replace"
        and all(c.args[0].get(k) == v for k, v in fields.items())
    )


@pytest.mark.parametrize("crash", list(CRASHES))
def test_a_crash_at_each_step_is_finished_by_the_repair_timer_exactly_once(
    shop: ManualClock, registry: Registry, crash: str
) -> None:
    me = visitor()
    cart = ready_cart(me)

    def die(c: Call) -> None:
        if CRASHES[crash](c):
            raise RuntimeError("process died")

    service, _ = checkout_over(registry, die)
    with pytest.raises(RuntimeError, match="process died"):
        service.placement.place(cart, ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR))
    shop.advance(31)
    repair()
    orders = raw(registry, "orders")
    if crash == "before-order":
        assert (orders, on_hand(registry, RED)) == ([], (10, 2))
        assert me.place(cart).status == 201
        orders = raw(registry, "orders")
    (order,) = orders
    assert (order["status"], order["step"], order["payment"]["status"]) == (
        "PLACED",
        None,
        "CAPTURED",
    )
    assert (on_hand(registry, RED), on_hand(registry, NUDE)) == ((8, 0), (3, 0))
    sandbox = gateway(registry)
    assert [sandbox.state(a) for a in sandbox.authorization_ids()] == [
        ("CAPTURED", Decimal("77.60"), Decimal(0))
    ]
    assert (me.cart(cart).json["status"], me.place(cart).headers["Idempotent-Replayed"]) == (
        "ORDERED",
        "true",
    )


def test_a_crashed_placement_whose_hold_expired_is_undone_by_the_repair(
    shop: ManualClock, registry: Registry
) -> None:
    """Authorized, then the process died and nobody came back until the hold was gone:
    the repair voids the authorization and deletes the order; the cart opens again."""
    me = visitor()
    cart = ready_cart(me)

    def die(c: Call) -> None:
        if CRASHES["authorized"](c):
            raise RuntimeError("process died")

    service, _ = checkout_over(registry, die)
    with pytest.raises(RuntimeError):
        service.placement.place(cart, ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR))
    shop.advance(901)
    repair()
    assert raw(registry, "orders") == []
    sandbox = gateway(registry)
    assert [sandbox.state(a)[0] for a in sandbox.authorization_ids()] == ["VOIDED"]
    assert on_hand(registry, RED) == (10, 0)
    read = me.cart(cart).json
    assert (read["status"], read["checkout"]["hold"]["status"]) == ("OPEN", "EXPIRED")
    assert me.add(cart, RED, 1).status == 200


def test_a_live_placement_by_another_request_is_409_in_progress(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = ready_cart(me)

    def die(c: Call) -> None:
        if CRASHES["before-authorize"](c):
            raise RuntimeError("process died")

    service, _ = checkout_over(registry, die)
    with pytest.raises(RuntimeError):
        service.placement.place(cart, ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR))
    resp = me.place(cart)
    assert (resp.status, resp.code) == (409, "ORDER_IN_PROGRESS")
    shop.advance(31)
    assert me.place(cart).json["status"] == "PLACED"
