"""What placing an order starts from, as pure functions: whether the cart is ready,
the order document it makes, and the 409 of a price that moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.checkout.model import (
    Money,
    OrderDelivery,
    OrderLine,
    OrderStatus,
    PlacementStep,
)
from shared.checkout.rules import order_number, times, totals
from shared.checkout.stored import StoredCart, StoredCheckout, StoredOrder, StoredOrderPayment
from shared.checkout.views import hold_live
from shared.errors import Conflict


def ready(cart: StoredCart, now: float) -> StoredCheckout:
    """The checkout of a cart whose every step is done and whose hold is live (or whose
    order is being placed: its hold may be confirmed already)."""
    co = cart.checkout
    missing = [
        step
        for step, done in (
            ("destination", co is not None and co.destination is not None),
            ("delivery", co is not None and co.choice is not None and co.hold is not None),
            ("payment", co is not None and co.payment is not None),
        )
        if not done
    ]
    if missing or co is None:
        raise Conflict(
            f"checkout is missing: {', '.join(missing)}",
            code="CHECKOUT_INCOMPLETE",
            details={"missing": missing},
        )
    if not hold_live(co.hold, now) and co.placing is None:
        raise Conflict("the stock hold expired; choose the delivery again", code="HOLD_EXPIRED")
    return co


def draft_order(
    cart: StoredCart, co: StoredCheckout, now: datetime, lease_until: float
) -> StoredOrder:
    """The PENDING order of a ready checkout: its lines split by the node that ships
    them, its totals, its card's token, the hold it will confirm."""
    assert co.choice and co.hold and co.payment and co.destination
    by_sku = {line.sku: line for line in cart.lines}
    lines = tuple(
        OrderLine(
            sku=sku,
            product_id=by_sku[sku].product_id,
            name=by_sku[sku].name,
            quantity=qty,
            unit_price=by_sku[sku].unit_price,
            line_total=times(by_sku[sku].unit_price, qty),
            ship_node=shipment.ship_node,
        )
        for shipment in co.choice.shipments
        for sku, qty in shipment.quantities.items()
    )
    sums = totals(cart.lines, co.choice.charge, cart.currency)
    card = co.payment
    return StoredOrder(
        id=co.checkout_id,
        order_id=co.checkout_id,
        order_number=order_number(co.checkout_id, now),
        owner=cart.owner,
        cart_id=cart.cart_id,
        enterprise_code=cart.enterprise_code,
        status=OrderStatus.PENDING,
        step=PlacementStep.AUTHORIZING,
        lines=lines,
        delivery=OrderDelivery(
            option_id=co.choice.option_id,
            level_of_service=co.choice.level_of_service,
            carrier_service_code=co.choice.carrier_service_code,
            promised_date=co.choice.delivery_date,
            date_type=co.choice.delivery_date_type,
            charge=co.choice.charge,
            shipments=co.choice.shipments,
        ),
        destination=co.destination,
        totals=sums,
        payment=StoredOrderPayment(
            token=card.token, brand=card.brand, last4=card.last4, amount=sums.total
        ),
        reservation_id=co.hold.reservation_id,
        lease_until=lease_until,
        created_at=now,
        version=1,
    )


def price_changed(changes: Sequence[tuple[str, Money, Money]]) -> Conflict:
    return Conflict(
        "prices changed since they were added: review the cart and place the order again",
        code="PRICE_CHANGED",
        details={
            "lines": [
                {"sku": sku, "was": was.model_dump(mode="json"), "now": now.model_dump(mode="json")}
                for sku, was, now in changes
            ]
        },
    )
