"""Carts through their HTTP triggers: every write answers the whole cart with its version,
each write is idempotent by its key, If-Match guards it, another shopper's cart does not
exist for you (test_checkout_identity.py), and bad input is a 4xx with the envelope."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from shared.checkout.requests import AddLine
from shared.checkout.service import Write
from tests.counting import Call
from tests.functions.checkout_client import (
    GLOSS,
    NUDE,
    RED,
    VISITOR,
    checkout_over,
    open_shop,
    raw,
    set_price,
    visitor,
)


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def lines(resp: Any) -> list[tuple[str, int, str]]:
    return [(ln["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in resp.json["lines"]]


def test_a_new_cart_is_empty_and_versioned(shop: ManualClock) -> None:
    created = visitor().create()
    assert (created.status, created.headers["ETag"]) == (201, '"1"')
    body = created.json
    assert created.headers["Location"] == f"/api/carts/{body['cartId']}"
    assert (body["status"], body["owner"], body["currency"], body["lines"], body["version"]) == (
        "OPEN",
        "VISITOR",
        "USD",
        [],
        1,
    )
    assert body["totals"] == {
        "subtotal": {"amount": "0.00", "currency": "USD"},
        "delivery": {"amount": "0.00", "currency": "USD"},
        "total": {"amount": "0.00", "currency": "USD"},
    }


def test_creating_twice_with_one_key_makes_one_cart(shop: ManualClock, registry: Registry) -> None:
    first = visitor().create(headers={"Idempotency-Key": "same"})
    again = visitor().create(headers={"Idempotency-Key": "same"})
    assert (again.status, again.headers["Idempotent-Replayed"]) == (201, "true")
    assert again.json["cartId"] == first.json["cartId"]
    assert len(raw(registry, "carts")) == 1


def test_every_write_answers_the_whole_cart_with_its_version(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    added = me.add(cart, RED, 2)
    assert (added.status, added.headers["ETag"], lines(added)) == (200, '"2"', [(RED, 2, "24.00")])
    me.add(cart, NUDE, 1)
    more = me.add(cart, RED, 1)
    assert lines(more) == [(RED, 3, "24.00"), (NUDE, 1, "18.50")]
    changed = me.set(cart, NUDE, 3)
    assert lines(changed) == [(RED, 3, "24.00"), (NUDE, 3, "18.50")]
    removed = me.remove(cart, RED)
    assert (removed.headers["ETag"], lines(removed)) == ('"6"', [(NUDE, 3, "18.50")])
    assert removed.json["totals"]["total"] == {"amount": "55.50", "currency": "USD"}
    assert (removed.json["itemCount"], me.cart(cart).json) == (3, removed.json)


def test_a_repeated_key_adds_once_and_answers_the_current_cart(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    first = me.add(cart, RED, 1, headers={"Idempotency-Key": "click-1"})
    me.add(cart, GLOSS, 1)
    again = me.add(cart, RED, 1, headers={"Idempotency-Key": "click-1"})
    assert (again.status, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert "Idempotent-Replayed" not in first.headers
    assert (lines(again), again.headers["ETag"]) == (
        [(RED, 1, "24.00"), (GLOSS, 1, "12.00")],
        '"3"',
    )


def test_a_key_reused_for_another_request_is_422(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1, headers={"Idempotency-Key": "k"})
    reused = me.add(cart, RED, 2, headers={"Idempotency-Key": "k"})
    assert (reused.status, reused.code) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert lines(me.cart(cart)) == [(RED, 1, "24.00")]


def test_the_cart_remembers_a_bounded_list_of_keys(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = me.new_cart()
    for n in range(55):
        me.set(cart, RED, 1 + n % 2) if n else me.add(cart, RED, 1)
    (doc,) = raw(registry, "carts")
    assert len(doc["applied"]) == 50
    assert doc["applied"][-1]["key"] == f"k{me.keys}"


def test_a_stale_if_match_is_412_and_a_current_one_writes(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    stale = me.add(cart, NUDE, 1, headers={"If-Match": '"1"'})
    assert (stale.status, stale.code, stale.json["error"]["details"]) == (
        412,
        "ETAG_MISMATCH",
        {"currentVersion": 2},
    )
    weak = me.add(cart, NUDE, 1, headers={"If-Match": 'W/"2"'})
    assert weak.status == 412
    current = me.add(cart, NUDE, 1, headers={"If-Match": '"2"'})
    assert (current.status, current.headers["ETag"]) == (200, '"3"')


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"sku": RED, "quantity": 0}, 400, "VALIDATION_FAILED"),
        ({"sku": RED, "quantity": 10_000}, 400, "VALIDATION_FAILED"),
        ({"sku": RED, "quantity": -1}, 400, "VALIDATION_FAILED"),
        ({"sku": "NOPE-1", "quantity": 1}, 422, "UNKNOWN_SKU"),
        ({"sku": "bad sku", "quantity": 1}, 400, "VALIDATION_FAILED"),
        ({"sku": RED, "quantity": 1, "price": "1.00"}, 400, "VALIDATION_FAILED"),
        ({"sku": RED, "quantity": 11}, 409, "INSUFFICIENT_STOCK"),
    ],
    ids=[
        "zero",
        "ten-thousand",
        "negative",
        "unknown-sku",
        "bad-sku",
        "client-price",
        "more-than-stock",
    ],
)
def test_bad_lines_are_refused_with_the_envelope(
    shop: ManualClock, body: dict[str, Any], status: int, code: str
) -> None:
    me = visitor()
    cart = me.new_cart()
    resp = me.send(
        "add_cart_line", "POST", f"carts/{cart}/lines", body=body, route={"cartId": cart}
    )
    assert (resp.status, resp.code) == (status, code)
    assert set(resp.json["error"]) == {"code", "message", "details"}
    assert me.cart(cart).json["version"] == 1


def test_more_than_the_stock_names_the_line(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, NUDE, 3)
    resp = me.add(cart, NUDE, 2)
    assert (resp.status, resp.json["error"]) == (
        409,
        {
            "code": "INSUFFICIENT_STOCK",
            "message": f"not enough stock of {NUDE}: 5 asked, 4 left",
            "details": {"lines": [{"sku": NUDE, "requested": 5, "available": 4}]},
        },
    )


def test_a_discontinued_product_cannot_be_added(shop: ManualClock, registry: Registry) -> None:
    set_price(registry, GLOSS, "12.00", status="DISCONTINUED")
    me = visitor()
    resp = me.add(me.new_cart(), GLOSS, 1)
    assert (resp.status, resp.code) == (422, "NOT_SOLD")


def test_changing_or_removing_a_missing_line_is_404(shop: ManualClock) -> None:
    me = visitor()
    cart = me.new_cart()
    assert (me.set(cart, RED, 2).code, me.remove(cart, RED).code) == (
        "LINE_NOT_FOUND",
        "LINE_NOT_FOUND",
    )


def test_warnings_show_a_price_change_and_missing_stock(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 2)
    me.add(cart, NUDE, 3)
    set_price(registry, RED, "26.50")
    registry.inventory().supply.set_supply(NUDE, "DC-NJ", _spec(1), "test")
    read = me.cart(cart).json
    assert [(ln["sku"], ln["warnings"]) for ln in read["lines"]] == [
        (
            RED,
            [
                {
                    "code": "PRICE_CHANGED",
                    "message": f"the price of {RED} changed",
                    "was": {"amount": "24.00", "currency": "USD"},
                    "now": {"amount": "26.50", "currency": "USD"},
                    "available": None,
                }
            ],
        ),
        (
            NUDE,
            [
                {
                    "code": "NOT_ENOUGH_STOCK",
                    "message": f"only 1 of {NUDE} left",
                    "was": None,
                    "now": None,
                    "available": 1,
                }
            ],
        ),
    ]
    assert read["totals"]["subtotal"]["amount"] == "103.50"


def test_concurrent_adds_to_one_cart_never_lose_a_line(reg: Registry) -> None:
    """Another tab adds GLOSS between this add's read and its replace: the replace
    fails on the etag, the add reads again and both lines are there (both stores)."""
    open_shop(reg)
    me = visitor()
    cart = me.new_cart()
    raced = False

    def other_tab(c: Call) -> None:
        nonlocal raced
        if c.target == "carts" and c.method == "replace" and not raced:
            raced = True
            assert me.add(cart, GLOSS, 1).status == 200

    service, log = checkout_over(reg, other_tab)
    shopper = ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR)
    answer = service.carts.add_line(
        cart, shopper, AddLine(sku=RED, quantity=2), write=Write(key="tab-1", fingerprint="f")
    )
    assert [(ln.sku, ln.quantity) for ln in answer.cart.lines] == [(GLOSS, 1), (RED, 2)]
    assert answer.cart.version == 3
    assert log.by_target()["carts.replace"] == 2


def test_an_abandoned_cart_expires_by_its_own_ttl(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = me.new_cart()
    me.add(cart, RED, 1)
    (doc,) = raw(registry, "carts")
    assert (doc["ttl"], doc["owner"]["kind"]) == (2_592_000, "VISITOR")
    assert VISITOR not in str(doc)


def _spec(quantity: int) -> Any:
    from shared.inventory.model import SupplySpec

    return SupplySpec(quantity=quantity)
