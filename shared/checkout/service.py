"""Checkout's in-process API: its parts, each built once by the composition root.

- ``carts`` (``Carts``): create, read, lines, merge at sign-in;
- ``steps`` (``CheckoutSteps``): destination and delivery options, the choice and its
  stock hold, the card;
- ``placement`` (``OrderPlacement``): placing the order (the saga) and its repair;
- ``orders`` (``Orders``): reading, listing, cancelling (a saga too) and its repair;
- ``feed`` (``OrderFeed``): the orders change feed, publishing the order events.

What checkout needs of the catalog, inventory and sourcing it names in ``ports``; the
composition root bridges each (``shared.bootstrap.bridges``).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.checkout.carts import Carts
from shared.checkout.cartstore import CartAnswer, CartStore, CheckoutOptions, Write
from shared.checkout.feed import FeedResult, OrderFeed
from shared.checkout.orders import Orders
from shared.checkout.placement import OrderAnswer, OrderPlacement
from shared.checkout.repository import CheckoutRepository, ContainerNames
from shared.checkout.steps import CheckoutSteps

__all__ = [
    "CartAnswer",
    "CartStore",
    "Carts",
    "CheckoutOptions",
    "CheckoutRepository",
    "CheckoutService",
    "CheckoutSteps",
    "ContainerNames",
    "FeedResult",
    "OrderAnswer",
    "OrderFeed",
    "OrderPlacement",
    "Orders",
    "Write",
]


@dataclass(frozen=True)
class CheckoutService:
    repo: CheckoutRepository
    carts: Carts
    steps: CheckoutSteps
    placement: OrderPlacement
    orders: Orders
    feed: OrderFeed

    def repair_due(self) -> dict[str, int]:
        """The repair timer's work: placements and cancellations left midway."""
        return self.placement.repair_due() | self.orders.repair_due()
