"""The answers clients read, derived from stored documents: pure, given ``now`` and
what the catalog and inventory say of the cart's SKUs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from shared.checkout.model import (
    CartLineView,
    CartStatus,
    CartView,
    CheckoutView,
    HoldStatus,
    HoldView,
)
from shared.checkout.ports import CatalogItem
from shared.checkout.rules import line_warnings, times, totals
from shared.checkout.stored import StoredCart, StoredCheckout, StoredHold


def hold_live(hold: StoredHold | None, now: float) -> bool:
    return hold is not None and hold.expires_at.timestamp() > now


def cart_view(
    cart: StoredCart,
    items: Mapping[str, CatalogItem],
    available: Mapping[str, int | None],
    now: float,
) -> CartView:
    """Warnings only on an open cart: an ordered or merged one is a record."""
    co = cart.checkout
    held = hold_live(co.hold if co else None, now)
    is_open = cart.status is CartStatus.OPEN
    lines = tuple(
        CartLineView(
            sku=line.sku,
            product_id=line.product_id,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=times(line.unit_price, line.quantity),
            warnings=(
                line_warnings(line, items.get(line.sku), available.get(line.sku), held=held)
                if is_open
                else ()
            ),
        )
        for line in cart.lines
    )
    charge = co.choice.charge if co and co.choice else None
    return CartView(
        cart_id=cart.cart_id,
        status=cart.status,
        owner=cart.owner.kind,
        currency=cart.currency,
        lines=lines,
        item_count=sum(line.quantity for line in cart.lines),
        totals=totals(cart.lines, charge, cart.currency),
        checkout=checkout_view(co, now) if co else None,
        order_id=cart.order_id,
        merged_into=cart.merged_into,
        version=cart.version,
        created_at=cart.created_at,
        updated_at=cart.updated_at,
    )


def checkout_view(co: StoredCheckout, now: float) -> CheckoutView:
    hold = None
    if co.hold is not None:
        status = HoldStatus.ACTIVE if hold_live(co.hold, now) else HoldStatus.EXPIRED
        hold = HoldView(status=status, expires_at=co.hold.expires_at)
    return CheckoutView(
        checkout_id=co.checkout_id,
        destination=co.destination,
        options=co.options,
        unavailable_skus=co.unavailable_skus,
        choice=co.choice,
        hold=hold,
        payment=co.payment.view() if co.payment else None,
        ready=bool(co.destination and co.choice and hold_live(co.hold, now) and co.payment),
    )


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
