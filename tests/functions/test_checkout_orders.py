"""Orders after placement, through their triggers: who may read them, a customer's list,
cancellation before shipment (stock back exactly once and audited, payment refunded,
finished by the repair timer after a crash), and the change feed that publishes
``OrderPlaced`` and ``OrderCancelled`` to the order hub."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.payments_sandbox import SandboxGateway
from shared.bootstrap import Registry
from shared.checkout.model import Shopper as ShopperModel
from shared.checkout.model import ShopperKind
from shared.checkout.rules import event_id
from tests.counting import Call
from tests.functions.checkout_client import (
    ALICE,
    BOB,
    NUDE,
    RED,
    STOCKIST,
    SUPPORT,
    VISITOR,
    Shopper,
    checkout_over,
    customer,
    feed_orders,
    on_hand,
    open_shop,
    raw,
    repair,
    visitor,
)

HUB = "order-updates"


@pytest.fixture
def shop(registry: Registry) -> ManualClock:
    return open_shop(registry)


def place(me: Shopper, *lines: tuple[str, int]) -> dict[str, Any]:
    cart = me.new_cart()
    assert me.ready(cart, *(lines or ((RED, 2),))).status == 200
    placed = me.place(cart)
    assert placed.status == 201, placed.json
    order: dict[str, Any] = placed.json
    return order


def published(reg: Registry, start: int = 0) -> list[Any]:
    bus: Any = reg.events()
    return list(bus.read(HUB, start, 1000))


def refunds(reg: Registry) -> list[tuple[str, Decimal, Decimal]]:
    sandbox = reg.payments()
    assert isinstance(sandbox, SandboxGateway)
    return [sandbox.state(a) for a in sandbox.authorization_ids()]


@pytest.mark.parametrize(
    ("reader", "status", "code"),
    [
        (Shopper(visitor="visitor-nosy-neighbour-000000"), 404, "ORDER_NOT_FOUND"),
        (Shopper(visitor=None, token=BOB), 404, "ORDER_NOT_FOUND"),
        (Shopper(visitor=None, token=STOCKIST), 403, "FORBIDDEN"),
        (Shopper(visitor=None), 401, "SHOPPER_REQUIRED"),
    ],
    ids=["another-visitor", "another-customer", "wrong-role", "nobody"],
)
def test_an_order_is_read_only_by_its_shopper_or_support(
    shop: ManualClock, reader: Shopper, status: int, code: str
) -> None:
    order = place(visitor())
    resp = reader.order(order["orderId"])
    assert (resp.status, resp.code) == (status, code)
    mine, support = visitor().order(order["orderId"]), customer(SUPPORT).order(order["orderId"])
    assert (mine.status, support.status, support.json, mine.headers["ETag"]) == (
        200,
        200,
        order,
        '"4"',
    )


def test_a_customer_lists_their_own_orders_newest_first(shop: ManualClock) -> None:
    alice = customer(ALICE)
    first = place(alice, (RED, 1))
    shop.advance(60)
    second = place(alice, (NUDE, 1))
    place(customer(BOB), (RED, 1))
    listed = alice.orders()
    assert (listed.status, [o["orderId"] for o in listed.json["orders"]]) == (
        200,
        [second["orderId"], first["orderId"]],
    )
    assert listed.json["orders"][0]["customerId"] == "alice"
    assert visitor().orders().code == "UNAUTHORIZED"
    assert customer(SUPPORT).orders().status == 403


def test_cancel_gives_the_stock_back_audited_and_refunds(
    shop: ManualClock, registry: Registry
) -> None:
    alice = customer(ALICE)
    order = place(alice, (RED, 2), (NUDE, 1))
    assert (on_hand(registry, RED), on_hand(registry, NUDE)) == ((8, 0), (3, 0))
    shop.advance(120)
    cancelled = alice.cancel(order["orderId"])
    body = cancelled.json
    assert (cancelled.status, body["status"], body["payment"]["status"], body["cancelledAt"]) == (
        200,
        "CANCELLED",
        "REFUNDED",
        "2026-03-03T15:02:00Z",
    )
    assert (on_hand(registry, RED), on_hand(registry, NUDE)) == ((10, 0), (4, 0))
    assert refunds(registry) == [("REFUNDED", Decimal("77.60"), Decimal("77.60"))]
    audit = registry.inventory().repo.list_audit(f"{RED}@DC-NJ")
    assert [(a.operation, a.employee_id, a.reason, a.changes.after) for a in audit][-1] == (
        "RESTOCK_RESERVATION",
        "alice",
        f"order {order['orderNumber']} cancelled",
        {"returned": 2},
    )
    again = alice.cancel(order["orderId"])
    assert (again.status, again.json) == (200, body)
    assert on_hand(registry, RED) == (10, 0)


def test_support_cancels_any_order_and_the_audit_names_them(
    shop: ManualClock, registry: Registry
) -> None:
    order = place(visitor())
    assert customer(BOB).cancel(order["orderId"]).status == 404
    resp = customer(SUPPORT).cancel(order["orderId"])
    assert (resp.status, resp.json["status"]) == (200, "CANCELLED")
    audit = registry.inventory().repo.list_audit(f"{RED}@DC-NJ")
    assert audit[-1].employee_id == "agent-7"


CANCEL_CRASHES = {
    "before-restock": lambda c: (
        c.target == "reservations"
        and c.method == "replace"
        and c.args[0].get("status") == "RESTOCKING"
    ),
    "mid-restock": lambda c: c.target == "inventory_audit" and c.method == "create",
    "before-refund": lambda c: c.target == "payments" and c.method == "refund",
    "refunded": lambda c: (
        c.target == "orders" and c.method == "replace" and c.args[0].get("status") == "CANCELLED"
    ),
}


@pytest.mark.parametrize("crash", list(CANCEL_CRASHES))
def test_a_crashed_cancellation_is_finished_by_the_repair_exactly_once(
    shop: ManualClock, registry: Registry, crash: str
) -> None:
    me = visitor()
    order = place(me)

    def die(c: Call) -> None:
        if CANCEL_CRASHES[crash](c):
            raise RuntimeError("process died")

    service, _ = checkout_over(registry, die)
    shopper = ShopperModel(kind=ShopperKind.VISITOR, id=VISITOR)
    with pytest.raises(RuntimeError, match="process died"):
        service.orders.cancel(order["orderId"], shopper, "visitor")
    assert me.order(order["orderId"]).json["status"] == "CANCELLING"
    shop.advance(31)
    repair()
    assert me.order(order["orderId"]).json["status"] == "CANCELLED"
    assert on_hand(registry, RED) == (10, 0)
    assert refunds(registry) == [("REFUNDED", Decimal("59.10"), Decimal("59.10"))]
    restocked = [
        a
        for a in registry.inventory().repo.list_audit(f"{RED}@DC-NJ")
        if a.operation == "RESTOCK_RESERVATION"
    ]
    assert len(restocked) == 1


def test_the_feed_publishes_order_placed_once_keyed_by_the_order(
    shop: ManualClock, registry: Registry
) -> None:
    alice = customer(ALICE)
    order = place(alice, (RED, 2))
    start = len(published(registry))
    feed_orders(registry)
    (event,) = published(registry, start)
    oid = order["orderId"]
    assert (event.partition_key, event.body["eventType"], event.body["version"]) == (
        oid,
        "OrderPlaced",
        1,
    )
    assert (event.body["eventId"], event.body["timestamp"], event.body["serviceId"]) == (
        event_id("OrderPlaced", oid),
        "2026-03-03T15:00:00Z",
        "commerce-functions",
    )
    assert event.body["payload"] == {
        "orderId": oid,
        "orderNumber": order["orderNumber"],
        "status": "PLACED",
        "owner": "CUSTOMER",
        "customerId": "alice",
        "enterpriseCode": "BEAUTY_US",
        "lines": [
            {
                "sku": RED,
                "quantity": 2,
                "unitPrice": {"amount": "24.00", "currency": "USD"},
                "shipNode": "DC-NJ",
            }
        ],
        "totals": order["totals"],
        "delivery": {
            "levelOfService": "STANDARD",
            "carrierServiceCode": "UPS_GROUND",
            "promisedDate": "2026-03-04",
            "shipments": [
                {"shipNode": "DC-NJ", "shipDate": "2026-03-03", "deliveryDate": "2026-03-04"}
            ],
        },
        "placedAt": "2026-03-03T15:00:00+00:00",
        "cancelledAt": None,
    }
    assert "Fifth Avenue" not in str(event.body) and "tok_" not in str(event.body)
    (doc,) = raw(registry, "orders")
    assert doc["events"]["OrderPlaced"]["eventId"] == event.body["eventId"]
    shown = alice.order(oid)
    assert (shown.json["events"], shown.headers["ETag"]) == (["OrderPlaced"], '"5"')
    feed_orders(registry)
    assert len(published(registry, start)) == 1
    uuid.UUID(event.body["eventId"])


def test_a_replayed_batch_publishes_the_very_same_event(
    shop: ManualClock, registry: Registry
) -> None:
    """A crash after publishing, before the order recorded it: the batch comes again
    and publishes an event consumers already have (same id, same version)."""
    place(visitor())
    before_mark = raw(registry, "orders")
    start = len(published(registry))
    feed_orders(registry)
    import azure.functions as func

    from tests.http_client import function

    function("checkout_order_feed")(
        func.DocumentList([func.Document.from_dict(d) for d in before_mark])
    )
    first, replayed = published(registry, start)
    assert replayed.body == first.body


def test_an_order_cancelled_before_the_feed_saw_it_gets_both_events_in_order(
    shop: ManualClock, registry: Registry
) -> None:
    me = visitor()
    order = place(me)
    shop.advance(10)
    me.cancel(order["orderId"])
    start = len(published(registry))
    feed_orders(registry)
    events = published(registry, start)
    assert [
        (e.body["eventType"], e.body["version"], e.body["payload"]["status"]) for e in events
    ] == [
        ("OrderPlaced", 1, "PLACED"),
        ("OrderCancelled", 2, "CANCELLED"),
    ]
    assert events[1].body["payload"]["cancelledAt"] == "2026-03-03T15:00:10+00:00"
    assert events[0].body["payload"]["cancelledAt"] is None
    assert me.order(order["orderId"]).json["events"] == ["OrderPlaced", "OrderCancelled"]


def test_a_pending_order_publishes_nothing(shop: ManualClock, registry: Registry) -> None:
    me = visitor()
    cart = me.new_cart()
    me.ready(cart, (RED, 1), card="4000000000000119")
    assert me.place(cart).status == 503
    start = len(published(registry))
    feed_orders(registry)
    assert published(registry, start) == []
